import type { ApiContext } from './api.js';

/**
 * Where a song, an album's songs or an artist's songs sit in your library: the playlists that
 * hold them (as last read from the API) and when they were saved to Liked Songs. Empty when the library was
 * never read (no login to Spotify, or an import only): the page says so.
 */
export async function inLibrary(
  ctx: ApiContext,
  of: { track_uris: string[] } | { artist_name: string },
): Promise<{ read: boolean; playlists: string[]; saved_at: string[] }> {
  // Built is not read: an import alone builds these tables empty.
  const read =
    ctx.tables.has('silver.dim_playlist') &&
    ctx.tables.has('silver.fct_saved_track') &&
    Number(
      (
        await ctx.tables.query(
          'SELECT (SELECT count(*) FROM silver.dim_playlist) + (SELECT count(*) FROM silver.fct_saved_track) AS n',
        )
      )[0]?.n ?? 0,
    ) > 0;
  if (!read) return { read, playlists: [], saved_at: [] };
  // A song's or an album's songs (their URIs), or an artist's songs (by the artist's name).
  const values = 'track_uris' in of ? of.track_uris : [of.artist_name];
  if (values.length === 0) return { read, playlists: [], saved_at: [] };
  const marks = values.map(() => '?').join(', ');
  const itemWhere = 'track_uris' in of ? `i.item_uri IN (${marks})` : 'i.artist_name = ?';
  const savedWhere = 'track_uris' in of ? `track_uri IN (${marks})` : 'artist_name = ?';
  const [playlists, saved] = await Promise.all([
    ctx.tables.query(
      `SELECT p.name, count(*)::INTEGER AS items FROM silver.fct_playlist_item AS i
       JOIN silver.dim_playlist AS p USING (playlist_id)
       WHERE ${itemWhere} GROUP BY p.name ORDER BY items DESC, p.name LIMIT 20`,
      values,
    ),
    ctx.tables.query(
      `SELECT epoch_ms(added_at) AS added_at FROM silver.fct_saved_track
       WHERE ${savedWhere} ORDER BY added_at LIMIT 50`,
      values,
    ),
  ]);
  return {
    read,
    playlists: playlists.map((r) => String(r.name)),
    saved_at: saved.map((r) => new Date(Number(r.added_at)).toISOString()),
  };
}
