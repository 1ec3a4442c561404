import { type TimeRange, topArtists, topTracks } from '../../spotify/endpoints.js';
import { dailyDue, type Source } from '../context.js';

const RANGES: TimeRange[] = ['short_term', 'medium_term', 'long_term'];

/** Top artists and tracks for the three ranges: rankings without timestamps, so a dated snapshot a day. */
export const top: Source = {
  name: 'top',
  due: dailyDue,
  async run(ctx) {
    const files = [];
    const lists = [
      { resource: 'top_artists', path: '/me/top/artists', fetch: topArtists },
      { resource: 'top_tracks', path: '/me/top/tracks', fetch: topTracks },
    ] as const;
    for (const range of RANGES) {
      for (const list of lists) {
        const response = await list.fetch(ctx.client, range);
        const params = { time_range: range, limit: 50 };
        files.push({
          ...(await ctx.land(list.resource, { path: list.path, params }, response.raw)),
          records: response.data.items.length,
        });
      }
    }
    return { files, counts: { requests: files.length }, state: {} };
  },
};
