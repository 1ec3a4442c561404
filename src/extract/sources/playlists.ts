import { myPlaylists, offsetPages, playlistItems } from '../../spotify/endpoints.js';
import { SpotifyForbidden } from '../../spotify/errors.js';
import { dailyDue, type Source } from '../context.js';

/**
 * The playlist list daily; items only for playlists whose `snapshot_id` changed. Development
 * mode lets an app read only playlists the user owns or collaborates on: a 403 is recorded as
 * "not readable" (until the playlist changes), not as an error.
 */
export const playlists: Source = {
  name: 'playlists',
  due: dailyDue,
  async run(ctx) {
    const snapshots = { ...((ctx.state?.snapshots as Record<string, string>) ?? {}) };
    const notReadable = { ...((ctx.state?.not_readable as Record<string, string>) ?? {}) };
    const files = [];
    const lists = [];
    for await (const page of offsetPages((offset) => myPlaylists(ctx.client, offset, 50))) {
      const params = { limit: 50, offset: page.data.offset ?? 0 };
      files.push({
        ...(await ctx.land('playlists', { path: '/me/playlists', params }, page.raw)),
        records: page.data.items.length,
      });
      lists.push(...page.data.items);
    }
    const notes: string[] = [];
    let changed = 0;
    for (const playlist of lists) {
      if (
        snapshots[playlist.id] === playlist.snapshot_id ||
        notReadable[playlist.id] === playlist.snapshot_id
      )
        continue;
      try {
        for await (const page of offsetPages((offset) =>
          playlistItems(ctx.client, playlist.id, offset, 50),
        )) {
          const params = { limit: 50, offset: page.data.offset ?? 0 };
          files.push({
            ...(await ctx.land(
              'playlist_items',
              { path: `/playlists/${playlist.id}/items`, params },
              page.raw,
            )),
            records: page.data.items.length,
          });
        }
        snapshots[playlist.id] = playlist.snapshot_id;
        delete notReadable[playlist.id];
        changed++;
      } catch (error) {
        if (!(error instanceof SpotifyForbidden)) throw error;
        notReadable[playlist.id] = playlist.snapshot_id;
        notes.push(
          `playlist "${playlist.name}" (${playlist.id}) is not readable by this app (403): not yours`,
        );
      }
    }
    return {
      files,
      counts: { playlists: lists.length, changed, not_readable: Object.keys(notReadable).length },
      state: { snapshots, not_readable: notReadable },
      notes,
    };
  },
};
