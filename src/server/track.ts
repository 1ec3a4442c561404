import type { ApiContext } from './api.js';
import { detailFigures, detailId, requireTables } from './detail.js';
import { notFound } from './http-error.js';
import { inLibrary } from './in-library.js';

/**
 * `/api/track?key=`: one song as the listener met it (its key is silver.dim_track's): the
 * figures every detail page shows (detail.ts, first and last listen and hours from its plays,
 * rank in the monthly top songs), and its artist and album.
 */
export async function trackPage(ctx: ApiContext, params: URLSearchParams) {
  const key = detailId(params, 'key', 'the track, as linked');
  requireTables(ctx, 'gold.agg_track_daily', 'silver.fct_play');
  const [id] = await ctx.tables.query(
    `SELECT t.tid, any_value(d.arid) AS arid, any_value(d.alid) AS alid
     FROM main.track_ids AS t JOIN main.track_days AS d USING (tid)
     WHERE t.track_key = ? GROUP BY t.tid`,
    [key],
  );
  if (id === undefined) throw notFound('no such song in your listening');
  const tid = Number(id.tid);
  const figures = await detailFigures(ctx, {
    days: { where: 'tid = ?', id: tid },
    plays: { from: 'silver.fct_play', where: 'track_key = ?', value: key },
    ranks: { table: 'gold.agg_top_tracks', column: 'track_key', value: key },
  });
  const { names } = ctx.tables;
  return {
    track_key: key,
    track_name: names.tracks.get(tid)?.name ?? null,
    artist_name: id.arid === null ? null : (names.artists.get(Number(id.arid)) ?? null),
    album_key: id.alid === null ? null : (names.albums.get(Number(id.alid))?.key ?? null),
    album_name: id.alid === null ? null : (names.albums.get(Number(id.alid))?.name ?? null),
    image_url: (await ctx.remoteImages()) ? ctx.tables.pictures.get(`track|${key}`) : undefined,
    ...figures,
    library: await inLibrary(ctx, { track_uris: [key] }),
  };
}
