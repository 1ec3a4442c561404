import { compareListeners } from '../household/compare.js';
import type { ApiContext } from './api.js';
import { badRequest } from './http-error.js';

/**
 * `/api/household?with=NAME&year=YYYY`: the viewer beside another listener of the lake
 * (src/household/compare.ts), and how alike the viewer is to each of the others. It reads every
 * listener's gold, and shows of another listener only what a comparison shows: names, shared
 * artists and songs, totals and the clock. Never their plays, library or raw data.
 */
export async function householdPage(ctx: ApiContext, params: URLSearchParams) {
  const listeners = await ctx.listeners();
  const others = listeners.filter((l) => l.id !== ctx.listener);
  const period = params.get('year') ?? 'all';
  if (!/^(\d{4}|all)$/.test(period)) throw badRequest('year must be a year such as 2026, or all');
  const base = {
    listener: ctx.listener,
    period,
    others: [] as Array<{ id: string; display_name: string | null; affinity: number }>,
  };
  if (others.length === 0) return { ...base, with: null, comparison: null };
  const chosen = params.get('with') ?? others[0]?.id;
  const other = others.find((l) => l.id === chosen);
  if (!other)
    throw badRequest(
      `with must be another listener of this lake: ${others.map((l) => l.id).join(', ')}`,
    );
  const household = await ctx.household();
  return household.snapshot(async () => {
    const query = (sql: string, values?: Array<string | number | null>) =>
      household.query(sql, values);
    const comparison = await compareListeners(query, ctx.listener, other.id, {
      period,
      limit: 10,
    });
    for (const l of others)
      base.others.push({
        id: l.id,
        display_name: l.display_name ?? null,
        affinity:
          l.id === other.id
            ? comparison.affinity
            : (await compareListeners(query, ctx.listener, l.id, { period, limit: 1 })).affinity,
      });
    return { ...base, with: other.id, comparison };
  });
}
