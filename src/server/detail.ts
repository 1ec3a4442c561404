import type { Row } from '../warehouse/index.js';
import type { ApiContext } from './api.js';
import { badRequest, HttpError } from './http-error.js';

/** What every page says while the tables it reads are not built yet. */
export const NOT_BUILT =
  'no data yet: run `wrapped import` or `wrapped run`, then `wrapped transform`';

export function requireTables(ctx: ApiContext, ...tables: string[]): void {
  const missing = tables.filter((t) => !ctx.tables.has(t));
  if (missing.length > 0) throw new HttpError(409, NOT_BUILT);
}

const MAX_ID = 1000;

/** A detail page's id parameter: present and of a sane length, or 400 naming it. */
export function detailId(params: URLSearchParams, name: string, what: string): string {
  const value = params.get(name) ?? '';
  if (value === '' || value.length > MAX_ID) throw badRequest(`${name}: ${what}`);
  return value;
}

export interface DetailSource {
  /** The rows of main.track_days that are this item: `arid = ?` or `tid = ?`, with its number. */
  days: { where: string; id: number };
  /** Its plays that count, for first and last listen and the hours: a table and a filter. */
  plays: { from: string; where: string; value: string };
  /** Its rows in a monthly top list: the gold table and the column that names it. */
  ranks: { table: string; column: string; value: string };
}

/**
 * What an artist's page and a song's page both show: plays, minutes and share of the music
 * minutes (gold's per-day track table, numbered in memory: tables.ts), plays and minutes by
 * week (from Monday), month and year, first and last listen, plays by hour of the day (all
 * 24), and the rank in the monthly top list.
 * Plays are plays that count (30 s or more), as everywhere on the dashboard.
 */
export async function detailFigures(ctx: ApiContext, source: DetailSource) {
  const q = (sql: string, args: Array<string | number>) => ctx.tables.query(sql, args);
  const { days, plays, ranks } = source;
  const [[totals], months, weeks, years, [span], hours, monthlyRank] = await Promise.all([
    q(
      `SELECT sum(plays)::INTEGER AS plays, round(sum(ms_played) / 60000.0, 2)::DOUBLE AS minutes,
         round(100.0 * sum(ms_played) / (SELECT sum(ms_played) FROM main.track_days), 3)::DOUBLE AS share
       FROM main.track_days WHERE ${days.where}`,
      [days.id],
    ),
    q(overTime("strftime(day, '%Y-%m')", days.where), [days.id]),
    q(overTime("strftime(date_trunc('week', day), '%Y-%m-%d')", days.where), [days.id]),
    q(overTime("strftime(day, '%Y')", days.where), [days.id]),
    q(
      `SELECT epoch_ms(min(ended_at)) AS first_listen, epoch_ms(max(ended_at)) AS last_listen
       FROM ${plays.from} WHERE ${plays.where} AND counts_as_play`,
      [plays.value],
    ),
    q(
      `SELECT hour(ended_at)::INTEGER AS hour, count(*)::INTEGER AS plays
       FROM ${plays.from} WHERE ${plays.where} AND counts_as_play GROUP BY hour`,
      [plays.value],
    ),
    ctx.tables.has(ranks.table)
      ? q(
          `SELECT period AS month, rank::INTEGER AS rank FROM ${ranks.table}
           WHERE period_type = 'month' AND ${ranks.column} = ? ORDER BY period`,
          [ranks.value],
        )
      : Promise.resolve([] as Row[]),
  ]);
  const byHour = new Map(hours.map((r) => [Number(r.hour), Number(r.plays)]));
  return {
    timezone: ctx.tables.timezone,
    plays: Number(totals?.plays ?? 0),
    minutes: Number(totals?.minutes ?? 0),
    share_of_minutes_percent: Number(totals?.share ?? 0),
    first_listen: instant(span?.first_listen),
    last_listen: instant(span?.last_listen),
    months,
    weeks,
    years,
    hours: Array.from({ length: 24 }, (_, hour) => ({ hour, plays: byHour.get(hour) ?? 0 })),
    monthly_rank: monthlyRank,
  };
}

/**
 * Plays and minutes of the item's days by one period (`period`, text: "2026-11", "2026-11-23" for
 * the week from that Monday, "2026"), oldest first; the days are the listener's local days.
 */
function overTime(period: string, where: string): string {
  return `SELECT ${period} AS period, sum(plays)::INTEGER AS plays,
      round(sum(ms_played) / 60000.0, 2)::DOUBLE AS minutes
    FROM main.track_days WHERE ${where} GROUP BY 1 ORDER BY 1`;
}

/** Epoch milliseconds (DuckDB's epoch_ms) as an ISO instant for JSON; the page shows it in words. */
function instant(ms: unknown): string | null {
  return ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString();
}
