import { UsageError } from '../errors.js';
import { type RankBy, type TopLists, topListsOf } from '../gold/reads.js';
import type { Message } from '../notify/message.js';
import type { Row, Warehouse } from '../warehouse/index.js';
import { WarehouseError } from '../warehouse/index.js';

/**
 * The weekly summary: one ISO week (Monday to Sunday in the user's time zone), read from the
 * gold tables only, so every figure in it can be checked with `wrapped query`.
 */
export interface WeeklySummary {
  week: string;
  from: string;
  to: string;
  minutes: number;
  plays: number;
  last_week_minutes: number;
  /** The average of the four weeks before this one. */
  four_week_average_minutes: number;
  /** What the top lists are ranked by. */
  ranked_by: RankBy;
  top_artists: TopLists['top_artists'];
  top_tracks: TopLists['top_tracks'];
  new_artists: { count: number; names: string[] };
  /** The streak running on `as_of` (or ending the day before, so a quiet morning keeps it). */
  current_streak_days: number;
  as_of: string;
  gap_days: string[];
  days_with_plays: number;
}

const DAY = 86_400_000;
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The Monday of an ISO week label such as `2026-W47`. */
export function mondayOfIsoWeek(label: string): string {
  const match = /^(\d{4})-W(\d{2})$/.exec(label);
  const week = Number(match?.[2]);
  if (!match || week < 1 || week > 53)
    throw new UsageError(
      `--week must be an ISO week such as 2026-W47, not ${JSON.stringify(label)}.`,
    );
  const year = Number(match[1]);
  // January 4th is always in week 1.
  const jan4 = Date.UTC(year, 0, 4);
  const mondayOfWeek1 = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY;
  const monday = mondayOfWeek1 + (week - 1) * 7 * DAY;
  const thursday = new Date(monday + 3 * DAY);
  if (thursday.getUTCFullYear() !== year)
    throw new UsageError(`${label} does not exist: ${year} has 52 ISO weeks.`);
  return isoDate(monday);
}

export interface SummaryOptions {
  /** An ISO week label; default: the last complete week before `now`. */
  week?: string;
  now: Date;
  /** What the top lists rank by (WRAPPED_RANK_BY); plays by default. */
  by?: RankBy;
}

export async function buildWeeklySummary(
  warehouse: Warehouse,
  options: SummaryOptions,
): Promise<WeeklySummary> {
  const one = async (sql: string, params: string[] = []): Promise<Row> =>
    (await warehouse.query(sql, params)).rows[0] ?? {};
  const local = await one('SELECT CAST(timezone(?, ?::TIMESTAMPTZ) AS DATE)::VARCHAR AS d', [
    warehouse.timezone,
    options.now.toISOString(),
  ]);
  const today = String(local.d);
  const from = options.week
    ? mondayOfIsoWeek(options.week)
    : isoDate(Date.parse(today) - (((new Date(today).getUTCDay() + 6) % 7) + 7) * DAY);
  const to = isoDate(Date.parse(from) + 6 * DAY);
  const week = String((await one("SELECT strftime(?::DATE, '%G-W%V') AS w", [from])).w);

  try {
    const minutesBetween = async (start: string, endExclusive: string) =>
      one(
        'SELECT coalesce(sum(minutes), 0)::DOUBLE AS minutes, coalesce(sum(plays), 0)::BIGINT AS plays, count(*) FILTER (WHERE plays > 0) AS days FROM gold.agg_daily_listening WHERE day >= ?::DATE AND day < ?::DATE',
        [start, endExclusive],
      );
    const next = isoDate(Date.parse(from) + 7 * DAY);
    const thisWeek = await minutesBetween(from, next);
    const lastWeek = await minutesBetween(isoDate(Date.parse(from) - 7 * DAY), from);
    const fourWeeks = await minutesBetween(isoDate(Date.parse(from) - 28 * DAY), from);
    const top = await topListsOf(
      async (sql, params) => (await warehouse.query(sql, params)).rows,
      week,
      { by: options.by ?? 'plays', limit: 5, albums: false },
    );
    const discovered = await warehouse.query(
      // The week's new artists, the most played that week first.
      `SELECT d.name FROM gold.agg_discovery AS d
       LEFT JOIN gold.agg_top_artists AS t
         ON t.period_type = 'week' AND t.period = ? AND t.artist_name = d.name
       WHERE d.kind = 'artist' AND d.first_day BETWEEN ?::DATE AND ?::DATE
       ORDER BY t.plays DESC NULLS LAST, d.name`,
      [week, from, to],
    );
    const streak = await one(
      'SELECT coalesce(max(days), 0) AS days FROM gold.agg_streaks WHERE streak_end >= ?::DATE - 1 AND streak_start <= ?::DATE',
      [today, today],
    );
    const gaps = await warehouse.query(
      'SELECT day::VARCHAR AS day FROM gold.coverage_daily WHERE has_gap AND day BETWEEN ?::DATE AND ?::DATE ORDER BY day',
      [from, to],
    );
    const round = (n: unknown) => Math.round(Number(n) * 100) / 100;
    return {
      week,
      from,
      to,
      minutes: round(thisWeek.minutes),
      plays: Number(thisWeek.plays),
      last_week_minutes: round(lastWeek.minutes),
      four_week_average_minutes: round(Number(fourWeeks.minutes) / 4),
      ranked_by: options.by ?? 'plays',
      top_artists: top.top_artists,
      top_tracks: top.top_tracks,
      new_artists: {
        count: discovered.rows.length,
        names: discovered.rows.slice(0, 5).map((r) => String(r.name)),
      },
      current_streak_days: Number(streak.days),
      as_of: today,
      gap_days: gaps.rows.map((r) => String(r.day)),
      days_with_plays: Number(thisWeek.days),
    };
  } catch (error) {
    if (/Table with name .* does not exist/.test((error as Error).message))
      throw new WarehouseError('There is no summary yet: the gold tables are not built.', {
        hint: 'Import your export or run `wrapped run` first.',
        cause: error,
      });
    throw error;
  }
}

const whole = (n: number) => Math.round(n).toLocaleString('en-US');

function change(now: number, before: number): string {
  if (before === 0) return now === 0 ? 'same as' : 'up from 0';
  const pct = Math.round(((now - before) / before) * 100);
  return pct === 0 ? 'same as' : pct > 0 ? `up ${pct}% on` : `down ${-pct}% on`;
}

/** The summary as a neutral message (the Slack renderer lays it out). */
export function weeklySummaryMessage(summary: WeeklySummary, dashboardUrl?: string): Message {
  const s = summary;
  const lines = [
    `${whole(s.minutes)} minutes of music, ${whole(s.plays)} plays on ${s.days_with_plays} of 7 days: ${change(s.minutes, s.last_week_minutes)} last week (${whole(s.last_week_minutes)}), 4-week average ${whole(s.four_week_average_minutes)}.`,
  ];
  // Each entry shows the measure the list is ranked by.
  const measure = (r: { plays: number; minutes: number }) =>
    s.ranked_by === 'minutes' ? `${whole(r.minutes)} min` : `${r.plays}`;
  if (s.top_artists.length > 0)
    lines.push(
      `Top artists: ${s.top_artists.map((a, i) => `${i + 1}. ${a.artist_name} (${measure(a)})`).join(', ')}`,
    );
  if (s.top_tracks.length > 0)
    lines.push(
      `Top songs: ${s.top_tracks.map((t, i) => `${i + 1}. ${t.track_name} - ${t.artist_name ?? '?'} (${measure(t)})`).join(', ')}`,
    );
  lines.push(
    s.new_artists.count > 0
      ? `New artists: ${s.new_artists.count} (${s.new_artists.names.join(', ')}${s.new_artists.count > s.new_artists.names.length ? ', ...' : ''})`
      : 'New artists: none this week',
  );
  lines.push(
    `Current streak: ${s.current_streak_days} day${s.current_streak_days === 1 ? '' : 's'}`,
  );
  lines.push(
    s.gap_days.length > 0
      ? `Coverage: plays may be missing on ${s.gap_days.join(', ')} (a gap the API could not fill; your next export will)`
      : 'Coverage: no gap recorded this week',
  );
  return {
    kind: 'weekly_summary',
    severity: 'info',
    title: `wrapped-me: your week ${s.week} (${s.from} to ${s.to})`,
    lines,
    ...(dashboardUrl ? { link: { label: 'Open the dashboard', url: dashboardUrl } } : {}),
  };
}
