import { followedArtistPages } from '../../spotify/endpoints.js';
import { dailyDue, type Source } from '../context.js';

/** Followed artists, daily, following the `after` cursor. */
export const followedArtists: Source = {
  name: 'followed_artists',
  due: dailyDue,
  async run(ctx) {
    const files = [];
    let after: string | undefined;
    for await (const page of followedArtistPages(ctx.client)) {
      files.push({
        ...(await ctx.land(
          'followed_artists',
          { path: '/me/following', params: { type: 'artist', limit: 50, after } },
          page.raw,
        )),
        records: page.data.artists.items.length,
      });
      after = page.data.artists.cursors?.after;
    }
    return { files, counts: { pages: files.length }, state: {} };
  },
};
