import type { ApiContext } from './api.js';
import { detailFigures, detailId, requireTables } from './detail.js';
import { notFound } from './http-error.js';
import { inLibrary } from './in-library.js';

/**
 * `/api/artist?name=`: one artist as the listener met them: the figures every detail page
 * shows (detail.ts, first and last listen and hours from the in-memory play log, rank in the
 * monthly top artists) and their ten most played songs.
 */
export async function artistPage(ctx: ApiContext, params: URLSearchParams) {
  const name = detailId(params, 'name', 'the artist, as shown');
  requireTables(ctx, 'gold.agg_track_daily', 'silver.fct_play');
  const [id] = await ctx.tables.query('SELECT arid FROM main.artist_ids WHERE artist_name = ?', [
    name,
  ]);
  if (id === undefined) throw notFound(`no artist named ${JSON.stringify(name)} in your listening`);
  const arid = Number(id.arid);
  const [figures, tracks] = await Promise.all([
    detailFigures(ctx, {
      days: { where: 'arid = ?', id: arid },
      plays: { from: 'main.play_log', where: "artist = ? AND content_type = 'track'", value: name },
      ranks: { table: 'gold.agg_top_artists', column: 'artist_name', value: name },
    }),
    ctx.tables.query(
      `SELECT tid, sum(plays)::INTEGER AS plays, round(sum(ms_played) / 60000.0, 2)::DOUBLE AS minutes
       FROM main.track_days WHERE arid = ? GROUP BY tid
       ORDER BY plays DESC, minutes DESC, tid LIMIT 10`,
      [arid],
    ),
  ]);
  const { names } = ctx.tables;
  return {
    artist_name: name,
    image_url: (await ctx.remoteImages()) ? ctx.tables.pictures.get(`artist|${name}`) : undefined,
    ...figures,
    library: await inLibrary(ctx, { artist_name: name }),
    top_tracks: tracks.map((r) => ({
      track_key: names.tracks.get(Number(r.tid))?.key ?? null,
      track_name: names.tracks.get(Number(r.tid))?.name ?? null,
      plays: r.plays,
      minutes: r.minutes,
    })),
  };
}
