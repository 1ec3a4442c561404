import { type TimeRange, topArtists, topTracks } from '../../spotify/endpoints.js';
import { dailyDue, type Source } from '../context.js';

const RANGES: TimeRange[] = ['short_term', 'medium_term', 'long_term'];

/** Top artists and tracks for the three ranges: rankings without timestamps, so a dated snapshot a day. */
export const top: Source = {
  name: 'top',
  due: dailyDue,
  async run(ctx) {
    const files = [];
    for (const range of RANGES) {
      const artists = await topArtists(ctx.client, range);
      files.push({
        ...(await ctx.land(
          'top_artists',
          { path: '/me/top/artists', params: { time_range: range, limit: 50 } },
          artists.raw,
        )),
        records: artists.data.items.length,
      });
      const tracks = await topTracks(ctx.client, range);
      files.push({
        ...(await ctx.land(
          'top_tracks',
          { path: '/me/top/tracks', params: { time_range: range, limit: 50 } },
          tracks.raw,
        )),
        records: tracks.data.items.length,
      });
    }
    return { files, counts: { requests: files.length }, state: {} };
  },
};
