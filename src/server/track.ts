import type { Row } from '../warehouse/index.js';
import type { ApiContext } from './api.js';
import { badRequest, HttpError, notFound } from './http-error.js';
import { instant } from './instant.js';

const NOT_BUILT = 'no data yet: run `wrapped import` or `wrapped run`, then `wrapped transform`';
const MAX_KEY = 1000;

/**
 * `/api/track?key=`: one song as the listener met it (its key is silver.dim_track's). Totals,
 * months, artist and album from gold's per-day track table (numbered in memory: tables.ts);
 * first and last listen and the hours of the day from the plays; the rank history from the
 * monthly top songs. Plays are plays that count (30 s or more), as everywhere on the dashboard.
 */
export async function trackPage(ctx: ApiContext, params: URLSearchParams) {
  const key = params.get('key') ?? '';
  if (key === '' || key.length > MAX_KEY) throw badRequest('key: the track, as linked');
  if (!ctx.tables.has('gold.agg_track_daily') || !ctx.tables.has('silver.fct_play'))
    throw new HttpError(409, NOT_BUILT);
  const q = (sql: string, args: Array<string | number>) => ctx.tables.query(sql, args);
  const [id] = await q('SELECT tid FROM main.track_ids WHERE track_key = ?', [key]);
  if (id === undefined) throw notFound('no such song in your listening');
  const tid = Number(id.tid);
  const [[totals], months, [span], hours, ranks] = await Promise.all([
    q(
      `SELECT sum(plays)::INTEGER AS plays, round(sum(ms_played) / 60000.0, 2)::DOUBLE AS minutes,
         round(100.0 * sum(ms_played) / (SELECT sum(ms_played) FROM main.track_days), 3)::DOUBLE AS share,
         any_value(arid) AS arid, any_value(alid) AS alid
       FROM main.track_days WHERE tid = ?`,
      [tid],
    ),
    q(
      `SELECT strftime(day, '%Y-%m') AS month, sum(plays)::INTEGER AS plays,
         round(sum(ms_played) / 60000.0, 2)::DOUBLE AS minutes
       FROM main.track_days WHERE tid = ? GROUP BY month ORDER BY month`,
      [tid],
    ),
    q(
      `SELECT epoch_ms(min(ended_at)) AS first_listen, epoch_ms(max(ended_at)) AS last_listen
       FROM silver.fct_play WHERE track_key = ? AND counts_as_play`,
      [key],
    ),
    q(
      `SELECT hour(ended_at)::INTEGER AS hour, count(*)::INTEGER AS plays
       FROM silver.fct_play WHERE track_key = ? AND counts_as_play GROUP BY hour`,
      [key],
    ),
    ctx.tables.has('gold.agg_top_tracks')
      ? q(
          `SELECT period AS month, rank::INTEGER AS rank FROM gold.agg_top_tracks
           WHERE period_type = 'month' AND track_key = ? ORDER BY period`,
          [key],
        )
      : Promise.resolve([] as Row[]),
  ]);
  const { names } = ctx.tables;
  const byHour = new Map(hours.map((r) => [Number(r.hour), Number(r.plays)]));
  const album = totals?.alid === null ? undefined : names.albums.get(Number(totals?.alid));
  return {
    track_key: key,
    track_name: names.tracks.get(tid)?.name ?? null,
    artist_name: totals?.arid === null ? null : (names.artists.get(Number(totals?.arid)) ?? null),
    album_name: album?.name ?? null,
    timezone: ctx.tables.timezone,
    image_url: (await ctx.remoteImages()) ? ctx.tables.pictures.get(`track|${key}`) : undefined,
    plays: Number(totals?.plays ?? 0),
    minutes: Number(totals?.minutes ?? 0),
    share_of_minutes_percent: Number(totals?.share ?? 0),
    first_listen: instant(span?.first_listen),
    last_listen: instant(span?.last_listen),
    months,
    hours: Array.from({ length: 24 }, (_, hour) => ({ hour, plays: byHour.get(hour) ?? 0 })),
    monthly_rank: ranks,
  };
}
