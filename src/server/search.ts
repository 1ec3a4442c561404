import type { ApiContext } from './api.js';
import { requireTables } from './detail.js';
import { badRequest } from './http-error.js';

const MAX_QUERY = 100;
const PER_KIND = 10;

/**
 * `/api/search?q=`: the artists, songs and albums of your listening whose name holds the text
 * (any case), each kind the most played first, with what links to its page. The text is a
 * bound parameter matched literally: `%`, `_` and quotes mean nothing to SQL.
 */
export async function search(ctx: ApiContext, params: URLSearchParams) {
  const q = (params.get('q') ?? '').trim();
  if (q === '' || q.length > MAX_QUERY)
    throw badRequest(`q: the text to look for, 1 to ${MAX_QUERY} characters`);
  requireTables(ctx, 'gold.agg_track_daily');
  const holds = (column: string) => `contains(lower(${column}), lower(?))`;
  const [artists, tracks, albums] = await Promise.all([
    ctx.tables.query(
      `SELECT a.arid, sum(d.plays)::INTEGER AS plays
       FROM main.artist_ids AS a JOIN main.track_days AS d USING (arid)
       WHERE ${holds('a.artist_name')}
       GROUP BY a.arid ORDER BY plays DESC, a.arid LIMIT ${PER_KIND}`,
      [q],
    ),
    ctx.tables.query(
      `SELECT t.tid, sum(d.plays)::INTEGER AS plays, arg_max(d.arid, d.plays) AS arid
       FROM main.track_ids AS t JOIN main.track_days AS d USING (tid)
       WHERE ${holds('t.track_name')}
       GROUP BY t.tid ORDER BY plays DESC, t.tid LIMIT ${PER_KIND}`,
      [q],
    ),
    ctx.tables.query(
      `SELECT b.alid, sum(d.plays)::INTEGER AS plays, arg_max(d.arid, d.plays) AS arid
       FROM main.album_ids AS b JOIN main.track_days AS d USING (alid)
       WHERE ${holds('b.album_name')}
       GROUP BY b.alid ORDER BY plays DESC, b.alid LIMIT ${PER_KIND}`,
      [q],
    ),
  ]);
  const { names } = ctx.tables;
  const artistOf = (arid: unknown) =>
    arid === null || arid === undefined ? null : (names.artists.get(Number(arid)) ?? null);
  return {
    q,
    artists: artists.map((r) => ({ artist_name: artistOf(r.arid), plays: r.plays })),
    tracks: tracks.map((r) => ({
      track_key: names.tracks.get(Number(r.tid))?.key ?? null,
      track_name: names.tracks.get(Number(r.tid))?.name ?? null,
      artist_name: artistOf(r.arid),
      plays: r.plays,
    })),
    albums: albums.map((r) => ({
      album_key: names.albums.get(Number(r.alid))?.key ?? null,
      album_name: names.albums.get(Number(r.alid))?.name ?? null,
      artist_name: artistOf(r.arid),
      plays: r.plays,
    })),
  };
}
