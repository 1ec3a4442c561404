import type { Row } from '../warehouse/index.js';
import type { ApiContext } from './api.js';
import { badRequest, HttpError, notFound } from './http-error.js';
import { instant } from './instant.js';

const NOT_BUILT = 'no data yet: run `wrapped import` or `wrapped run`, then `wrapped transform`';
const MAX_NAME = 1000;

/**
 * `/api/artist?name=`: one artist as the listener met them. Totals and the months come from
 * gold's per-day track table (numbered in memory: tables.ts), first and last listen and the
 * hours of the day from the play log, the rank history from the monthly top artists. Plays are
 * plays that count (30 s or more), as everywhere on the dashboard.
 */
export async function artistPage(ctx: ApiContext, params: URLSearchParams) {
  const name = params.get('name') ?? '';
  if (name === '' || name.length > MAX_NAME) throw badRequest('name: the artist, as shown');
  if (!ctx.tables.has('gold.agg_track_daily') || !ctx.tables.has('silver.fct_play'))
    throw new HttpError(409, NOT_BUILT);
  const q = (sql: string, args: Array<string | number>) => ctx.tables.query(sql, args);
  const [id] = await q('SELECT arid FROM main.artist_ids WHERE artist_name = ?', [name]);
  if (id === undefined) throw notFound(`no artist named ${JSON.stringify(name)} in your listening`);
  const arid = Number(id.arid);
  const [[totals], months, tracks, [span], hours, ranks] = await Promise.all([
    q(
      `SELECT sum(plays)::INTEGER AS plays, round(sum(ms_played) / 60000.0, 2)::DOUBLE AS minutes,
         round(100.0 * sum(ms_played) / (SELECT sum(ms_played) FROM main.track_days), 2)::DOUBLE AS share
       FROM main.track_days WHERE arid = ?`,
      [arid],
    ),
    q(
      `SELECT strftime(day, '%Y-%m') AS month, sum(plays)::INTEGER AS plays,
         round(sum(ms_played) / 60000.0, 2)::DOUBLE AS minutes
       FROM main.track_days WHERE arid = ? GROUP BY month ORDER BY month`,
      [arid],
    ),
    q(
      `SELECT tid, sum(plays)::INTEGER AS plays, round(sum(ms_played) / 60000.0, 2)::DOUBLE AS minutes
       FROM main.track_days WHERE arid = ? GROUP BY tid
       ORDER BY plays DESC, minutes DESC, tid LIMIT 10`,
      [arid],
    ),
    q(
      `SELECT epoch_ms(min(ended_at)) AS first_listen, epoch_ms(max(ended_at)) AS last_listen
       FROM main.play_log WHERE artist = ? AND content_type = 'track' AND counts_as_play`,
      [name],
    ),
    q(
      `SELECT hour(ended_at)::INTEGER AS hour, count(*)::INTEGER AS plays
       FROM main.play_log WHERE artist = ? AND content_type = 'track' AND counts_as_play
       GROUP BY hour ORDER BY hour`,
      [name],
    ),
    ctx.tables.has('gold.agg_top_artists')
      ? q(
          `SELECT period AS month, rank::INTEGER AS rank FROM gold.agg_top_artists
           WHERE period_type = 'month' AND artist_name = ? ORDER BY period`,
          [name],
        )
      : Promise.resolve([] as Row[]),
  ]);
  const byHour = new Map(hours.map((r) => [Number(r.hour), Number(r.plays)]));
  return {
    artist_name: name,
    timezone: ctx.tables.timezone,
    image_url: (await ctx.remoteImages()) ? ctx.tables.pictures.get(`artist|${name}`) : undefined,
    plays: Number(totals?.plays ?? 0),
    minutes: Number(totals?.minutes ?? 0),
    share_of_minutes_percent: Number(totals?.share ?? 0),
    first_listen: instant(span?.first_listen),
    last_listen: instant(span?.last_listen),
    months,
    top_tracks: tracks.map((r) => ({
      track_key: ctx.tables.names.tracks.get(Number(r.tid))?.key ?? null,
      track_name: ctx.tables.names.tracks.get(Number(r.tid))?.name ?? null,
      plays: r.plays,
      minutes: r.minutes,
    })),
    hours: Array.from({ length: 24 }, (_, hour) => ({ hour, plays: byHour.get(hour) ?? 0 })),
    monthly_rank: ranks,
  };
}
