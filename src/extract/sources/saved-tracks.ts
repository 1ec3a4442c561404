import { savedTracks as fetchSaved, offsetPages } from '../../spotify/endpoints.js';
import { dailyDue, olderThan, type Source } from '../context.js';

/**
 * Liked Songs, newest first. Daily, pages are read only until an `added_at` already known;
 * once a week a full rescan lands the whole list, so removals can be seen.
 */
export const savedTracks: Source = {
  name: 'saved_tracks',
  due: dailyDue,
  async run(ctx) {
    const known = ctx.state?.newest_added_at as string | undefined;
    const full =
      !known || olderThan(ctx.state?.last_full_scan_at as string | undefined, ctx.now, 7);
    const files = [];
    let newest = known;
    let items = 0;
    for await (const page of offsetPages((offset) => fetchSaved(ctx.client, offset, 50))) {
      const params = { limit: 50, offset: page.data.offset ?? 0 };
      files.push({
        ...(await ctx.land('saved_tracks', { path: '/me/tracks', params }, page.raw)),
        records: page.data.items.length,
      });
      items += page.data.items.length;
      for (const item of page.data.items)
        if (!newest || item.added_at > newest) newest = item.added_at;
      // Newest first: once a page reaches a known added_at, the rest is known too.
      if (!full && known !== undefined && page.data.items.some((i) => i.added_at <= known)) break;
    }
    const state: Record<string, unknown> = { ...ctx.state, newest_added_at: newest ?? null };
    if (full) state.last_full_scan_at = ctx.now.toISOString();
    return { files, counts: { pages: files.length, items, full_scan: full ? 1 : 0 }, state };
  },
};
