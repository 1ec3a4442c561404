import { me } from '../../spotify/endpoints.js';
import { dailyDue, type Source } from '../context.js';

/** The account: `account_id` (immutable since 2026-05), display name. Daily. */
export const profile: Source = {
  name: 'profile',
  due: dailyDue,
  async run(ctx) {
    const response = await me(ctx.client);
    const file = await ctx.land('profile', { path: '/me' }, response.raw);
    return {
      files: [file],
      counts: { requests: 1 },
      state: { account_id: response.data.account_id ?? null },
    };
  },
};
