import type { ApiContext } from './api.js';
import { detailFigures, detailId, requireTables } from './detail.js';
import { notFound } from './http-error.js';
import { inLibrary } from './in-library.js';

/**
 * `/api/album?key=`: one album as the listener met it (its key is silver.dim_album's): the
 * figures every detail page shows (detail.ts, rank in the monthly top albums), the artist you
 * played most on it, its songs you played, the most played first, and where those sit in your
 * library (playlists, Liked Songs).
 */
export async function albumPage(ctx: ApiContext, params: URLSearchParams) {
  const key = detailId(params, 'key', 'the album, as linked');
  requireTables(ctx, 'gold.agg_track_daily', 'silver.fct_play');
  const [id] = await ctx.tables.query('SELECT alid FROM main.album_ids WHERE album_key = ?', [key]);
  if (id === undefined) throw notFound('no such album in your listening');
  const alid = Number(id.alid);
  const [figures, tracks, [artist]] = await Promise.all([
    detailFigures(ctx, {
      days: { where: 'alid = ?', id: alid },
      plays: {
        from: 'silver.fct_play',
        where: "album_key = ? AND content_type = 'track'",
        value: key,
      },
      ranks: { table: 'gold.agg_top_albums', column: 'album_key', value: key },
    }),
    ctx.tables.query(
      `SELECT tid, sum(plays)::INTEGER AS plays, round(sum(ms_played) / 60000.0, 2)::DOUBLE AS minutes
       FROM main.track_days WHERE alid = ? GROUP BY tid
       ORDER BY plays DESC, minutes DESC, tid LIMIT 50`,
      [alid],
    ),
    ctx.tables.query(
      `SELECT arid FROM main.track_days WHERE alid = ? AND arid IS NOT NULL
       GROUP BY arid ORDER BY sum(plays) DESC, arid LIMIT 1`,
      [alid],
    ),
  ]);
  const { names } = ctx.tables;
  const trackKeys = tracks.flatMap((r) => names.tracks.get(Number(r.tid))?.key ?? []);
  return {
    album_key: key,
    album_name: names.albums.get(alid)?.name ?? null,
    artist_name: artist ? (names.artists.get(Number(artist.arid)) ?? null) : null,
    image_url: (await ctx.remoteImages()) ? ctx.tables.pictures.get(`album|${key}`) : undefined,
    ...figures,
    library: await inLibrary(ctx, { track_uris: trackKeys }),
    tracks: tracks.map((r) => ({
      track_key: names.tracks.get(Number(r.tid))?.key ?? null,
      track_name: names.tracks.get(Number(r.tid))?.name ?? null,
      plays: r.plays,
      minutes: r.minutes,
    })),
  };
}
