import type { RankBy } from '../gold/reads.js';
import { rangeRecap } from '../pipeline/recap.js';
import type { ApiContext } from './api.js';
import { requireTables } from './detail.js';
import { customDays, daysInside } from './period.js';

/**
 * `/api/wrapped?from=&to=`: a Wrapped for any days (local days, both included), in the shape of
 * a year's, so the same story and cards show it: the recap of those days from the plays
 * (src/pipeline/recap.ts, as `wrapped recap --from --to`), the listening clock, the artists first
 * heard in them and the longest run of listening days inside them (a run crossing their ends
 * counts only its days inside). Spotify's own Wrapped is per year: none here.
 */
export async function wrappedRange(ctx: ApiContext, params: URLSearchParams, by: RankBy) {
  const { from, to } = customDays(params);
  requireTables(
    ctx,
    'silver.fct_play',
    'silver.dim_album',
    'gold.agg_hourly_listening',
    'gold.agg_discovery',
    'gold.agg_streaks',
  );
  const q = (sql: string, p: Array<string | number | null> = []) => ctx.tables.query(sql, p);
  const [recap, hours, [discovered], streaks] = await Promise.all([
    rangeRecap({ query: q, timezone: ctx.tables.timezone }, from, to, by),
    q(
      `SELECT hour::INTEGER AS hour, round(sum(ms_played) / 60000.0, 2)::DOUBLE AS minutes
       FROM gold.agg_hourly_listening WHERE day BETWEEN ?::DATE AND ?::DATE GROUP BY hour`,
      [from, to],
    ),
    q(
      `SELECT count(*)::INTEGER AS n FROM gold.agg_discovery
       WHERE kind = 'artist' AND first_day BETWEEN ?::DATE AND ?::DATE`,
      [from, to],
    ),
    q(
      `SELECT streak_start::VARCHAR AS streak_start, streak_end::VARCHAR AS streak_end
       FROM gold.agg_streaks WHERE streak_end >= ?::DATE AND streak_start <= ?::DATE`,
      [from, to],
    ),
  ]);
  const byHour = new Map(hours.map((r) => [Number(r.hour), Number(r.minutes)]));
  const clock = Array.from({ length: 24 }, (_, hour) => ({
    hour,
    minutes: byHour.get(hour) ?? 0,
  }));
  // The hour with the most minutes (the earliest of equals); none when nothing was played.
  const peak = clock.reduce(
    (best, c) => (c.minutes > best.minutes ? c : best),
    clock[0] as {
      hour: number;
      minutes: number;
    },
  );
  return {
    range: { from, to },
    year: {
      year: null,
      minutes: recap.minutes,
      plays: recap.plays,
      unique_tracks: recap.unique_tracks,
      unique_artists: recap.unique_artists,
      podcast_minutes: recap.podcast_minutes,
      unidentified_minutes: recap.unidentified_minutes,
      has_estimated_minutes: recap.has_estimated_minutes,
      first_play_at: recap.first_play_at,
      last_play_at: recap.last_play_at,
      peak_hour: peak.minutes > 0 ? peak.hour : null,
      new_artists: Number(discovered?.n ?? 0),
      longest_streak_days: Math.max(
        0,
        ...streaks.map((s) =>
          daysInside(String(s.streak_start), String(s.streak_end), { from, to }),
        ),
      ),
      most_played_day: null,
      most_played_day_minutes: null,
    },
    top_artists: recap.top_artists,
    top_tracks: recap.top_tracks,
    top_albums: recap.top_albums,
    clock,
    spotify_wrapped: null,
  };
}
