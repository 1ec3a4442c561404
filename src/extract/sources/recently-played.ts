import { newLoadId } from '../../lake/load-id.js';
import { recentlyPlayed as fetchRecentlyPlayed } from '../../spotify/endpoints.js';
import type { Gap, Source, SourceResult } from '../context.js';

/**
 * The last 50 plays, every run. No `after` cursor: a play synced late from offline listening
 * keeps its original time, and only asking for the latest 50 catches it. Raw keeps each response
 * as it came (plays repeat across files); silver deduplicates.
 *
 * Gap: a full page (50) whose oldest play is newer than the newest play landed before means
 * plays happened in between that the API no longer shows.
 */
export const recentlyPlayed: Source = {
  name: 'recently_played',
  due: () => true,
  async run(ctx): Promise<SourceResult> {
    const response = await fetchRecentlyPlayed(ctx.client, { limit: 50 });
    const items = response.data.items;
    const previousNewest = ctx.state?.newest_played_at as string | undefined;
    const state: Record<string, unknown> = { ...ctx.state, last_checked_at: ctx.now.toISOString() };
    if (items.length === 0) return { files: [], counts: { plays: 0 }, state };
    const file = await ctx.land(
      'recently_played',
      { path: '/me/player/recently-played', params: { limit: 50 } },
      response.raw,
    );
    const times = items.map((i) => i.played_at).sort();
    const oldest = times[0] as string;
    const newest = times[times.length - 1] as string;
    const gaps: Gap[] = [];
    if (previousNewest && items.length >= 50 && Date.parse(oldest) > Date.parse(previousNewest)) {
      gaps.push({
        id: newLoadId(),
        source: 'recently_played',
        from: previousNewest,
        to: oldest,
        detected_at: ctx.now.toISOString(),
        reason:
          'more than 50 plays since the last poll: the API no longer shows the ones in between',
      });
    }
    state.newest_played_at =
      previousNewest && Date.parse(previousNewest) > Date.parse(newest) ? previousNewest : newest;
    const fresh = previousNewest
      ? items.filter((i) => Date.parse(i.played_at) > Date.parse(previousNewest)).length
      : items.length;
    return {
      files: [{ ...file, records: items.length }],
      counts: { plays: items.length, new_plays: fresh },
      state,
      gaps,
    };
  },
};
