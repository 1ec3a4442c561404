import type { Config } from '../config/load.js';
import {
  wrappedYear as goldYear,
  type RankBy,
  type TopLists,
  topListsOf,
  wrappedYears,
} from '../gold/reads.js';
import type { Lake } from '../lake/lake.js';
import { DEFAULT_LISTENER, type Listener } from '../listeners/registry.js';
import { spotifyBeside } from '../pipeline/spotify-wrapped.js';
import { collectStatus, type LakeUsage, lakeUsage } from '../pipeline/status.js';
import { csvHeader, csvRow } from '../text.js';
import type { Row } from '../warehouse/index.js';
import { albumPage } from './album.js';
import { artistPage } from './artist.js';
import { NOT_BUILT, requireTables } from './detail.js';
import { householdPage } from './household.js';
import { badRequest, HttpError, notFound } from './http-error.js';
import { yearsAnExportWouldAdd } from './missing-years.js';
import { daysInside, type Period, resolvePeriod } from './period.js';
import { search } from './search.js';
import type { ServedTables, TrackNames } from './tables.js';
import { trackPage } from './track.js';
import { wrappedRange } from './wrapped-range.js';

/**
 * The dashboard's JSON API. Every figure comes from gold (pre-aggregated per day, so any period
 * is a sum over a few thousand rows) except the play log, which pages through silver.fct_play.
 * User input reaches SQL only as bound parameters.
 */
export interface ApiContext {
  /** The viewer's tables: their rows only. */
  tables: ServedTables;
  /** Whose dashboard this is (src/listeners). */
  listener: string;
  listeners: () => Promise<Listener[]>;
  /** Every listener's gold, for the household page only. */
  household: () => Promise<ServedTables>;
  config: Config;
  lake: Lake;
  now: () => Date;
  /** Whether picture URLs may reach the browser (images.ts: only after a login to Spotify). */
  remoteImages: () => Promise<boolean>;
}

type Handler = (ctx: ApiContext, params: URLSearchParams) => Promise<unknown>;

/** Today in the user's time zone (YYYY-MM-DD). */
function today(ctx: ApiContext): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: ctx.tables.timezone }).format(ctx.now());
}

/** What the data spans; cached until the tables change (every page asks). */
const spans = new WeakMap<ServedTables, { version: number; value: Promise<Row> }>();

function dataSpan(ctx: ApiContext): Promise<Row> {
  const cached = spans.get(ctx.tables);
  if (cached && cached.version === ctx.tables.version) return cached.value;
  const value = (async () => {
    const range = ctx.tables.has('gold.agg_daily_listening')
      ? (
          await ctx.tables.query(
            'SELECT min(day)::VARCHAR AS first_day, max(day)::VARCHAR AS last_day FROM gold.agg_daily_listening WHERE streams > 0',
          )
        )[0]
      : undefined;
    const years = ctx.tables.has('gold.wrapped_year')
      ? (
          await ctx.tables.query('SELECT year FROM gold.wrapped_year WHERE plays > 0 ORDER BY year')
        ).map((r) => String(r.year))
      : [];
    const thisYear = Number(today(ctx).slice(0, 4));
    return {
      first_day: range?.first_day ?? null,
      last_day: range?.last_day ?? null,
      years,
      missing_years: await yearsAnExportWouldAdd(ctx.tables, years, thisYear),
    };
  })();
  spans.set(ctx.tables, { version: ctx.tables.version, value });
  return value;
}

async function meta(ctx: ApiContext) {
  const built = ctx.tables.has('gold.agg_daily_listening');
  const span = await dataSpan(ctx);
  return {
    timezone: ctx.tables.timezone,
    today: today(ctx),
    built,
    first_day: (span.first_day as string | null) ?? null,
    last_day: (span.last_day as string | null) ?? null,
    years: span.years as string[],
    // Years the listener was on Spotify with no plays here: an extended history would add them.
    missing_years: span.missing_years as string[],
    tables: ctx.tables.tables.filter((t) => !t.startsWith('bronze.')),
    // Whose dashboard this is, and the household (names only: each one's figures are theirs).
    listener: ctx.listener,
    listeners: (await ctx.listeners()).map((l) => ({
      id: l.id,
      display_name: l.display_name ?? null,
    })),
  };
}

/** The previous period's days, or an empty range when there is none. */
const previousRange = (period: Period) => {
  const prev = period.previous ?? { from: '0001-01-01', to: '0001-01-01' };
  return [period.from, period.to, prev.from, prev.to];
};

/** Distinct songs and artists of a period (`c_`) and of the one before it (`p_`). */
async function uniqueCounts(ctx: ApiContext, period: Period): Promise<Row | undefined> {
  const range = previousRange(period);
  // All time is counted already: one row per track and artist ever played in the top lists.
  const [row] = await ctx.tables.query(
    period.kind === 'all'
      ? `SELECT (SELECT count(*) FROM gold.agg_top_tracks WHERE period = 'all' AND plays > 0) AS c_tracks,
           (SELECT count(*) FROM gold.agg_top_artists WHERE period = 'all' AND plays > 0) AS c_artists,
           0 AS p_tracks, 0 AS p_artists`
      : // Numbered tracks and artists (tables.ts): an artist name is its arid.
        `WITH t AS (SELECT tid, arid, day BETWEEN ?::DATE AND ?::DATE AS cur, day BETWEEN ?::DATE AND ?::DATE AS prev
       FROM main.track_days
       WHERE plays > 0 AND (day BETWEEN ?::DATE AND ?::DATE OR day BETWEEN ?::DATE AND ?::DATE))
     SELECT count(DISTINCT tid) FILTER (WHERE cur) AS c_tracks, count(DISTINCT arid) FILTER (WHERE cur) AS c_artists,
       count(DISTINCT tid) FILTER (WHERE prev) AS p_tracks, count(DISTINCT arid) FILTER (WHERE prev) AS p_artists FROM t`,
    period.kind === 'all' ? [] : [...range, ...range],
  );
  return row;
}

/** The KPI cards: the period's figures and the previous period's (null when there is none). */
function totals(
  period: Period,
  sums: Record<'c' | 'p', Row | undefined>,
  uniques: Row | undefined,
) {
  const pick = (p: 'c' | 'p'): Row => ({
    minutes: sums[p]?.minutes ?? 0,
    plays: sums[p]?.plays ?? 0,
    podcast_minutes: sums[p]?.podcast_minutes ?? 0,
    unique_tracks: uniques?.[`${p}_tracks`] ?? 0,
    unique_artists: uniques?.[`${p}_artists`] ?? 0,
  });
  return { current: pick('c'), previous: period.previous ? pick('p') : null };
}

/**
 * The top artists, songs and albums of a period: all time from the ranked gold.agg_top_* rows,
 * any other period by summing the numbered days of gold.agg_track_daily (tables.ts) with the
 * same ranking (plays, then minutes, then the key: numbers sort like their keys). One query
 * returns the ranked numbers or rows; names and pictures are looked up in memory (joining a
 * dictionary in DuckDB costs more than the sums).
 */
/**
 * The period's top artists, songs and albums, ranked by the measure the user picked (`by`):
 * plays, then minutes; or minutes, then plays; ties then by the artist's name, or the song's or
 * album's key, everywhere (gold, recap, weekly summary). Gold ranks all time by plays, so all
 * time by minutes is summed here as any other period is.
 */
async function topLists(
  ctx: ApiContext,
  period: Period,
  limit: number,
  by: RankBy,
  retries = 2,
): Promise<TopLists> {
  if (period.kind === 'all' && by === 'plays')
    return withImages(
      ctx,
      await topListsOf((sql, p) => ctx.tables.query(sql, p), 'all', { by, limit }),
    );
  // `limit` (a number from 1 to 50) is written into the SQL: a bound LIMIT is not planned as a
  // top-N. Each list: its numbers, sums, and an artist (any, for a track's or album's byline).
  const summed = (kind: string, id: string) =>
    `(SELECT '${kind}' AS kind, ${id} AS id, sum(plays)::INTEGER AS plays,
        (round(sum(ms_played)::DOUBLE / 600) / 100)::DOUBLE AS minutes, sum(ms_played) AS ms, any_value(arid) AS arid
      FROM main.track_days WHERE day BETWEEN ?::DATE AND ?::DATE AND ${id} IS NOT NULL
      GROUP BY ${id} ORDER BY ${by === 'plays' ? 'sum(plays) DESC, sum(ms_played) DESC' : 'sum(ms_played) DESC, sum(plays) DESC'}, ${id} LIMIT ${limit})`;
  const version = ctx.tables.version;
  const rows = await ctx.tables.query(
    `${summed('artist', 'arid')} UNION ALL BY NAME ${summed('track', 'tid')} UNION ALL BY NAME ${summed('album', 'alid')}`,
    [period.from, period.to, period.from, period.to, period.from, period.to],
  );
  // The numbers belong to the tables as they were read: when a new build was read meanwhile,
  // they may not match the names in memory any more, so ask again (now after it).
  if (ctx.tables.version !== version && retries > 0)
    return topLists(ctx, period, limit, by, retries - 1);
  const names = ctx.tables.names;
  const ranked = (kind: string) =>
    rows
      .filter((r) => r.kind === kind)
      .sort((a, b) =>
        by === 'plays'
          ? Number(b.plays) - Number(a.plays) ||
            Number(b.ms) - Number(a.ms) ||
            Number(a.id) - Number(b.id)
          : Number(b.ms) - Number(a.ms) ||
            Number(b.plays) - Number(a.plays) ||
            Number(a.id) - Number(b.id),
      );
  const artistOf = (r: Row) => names.artists.get(Number(r.arid)) ?? null;
  const measures = (r: Row) => ({ plays: Number(r.plays), minutes: Number(r.minutes) });
  /** A track's or album's key and name from the dictionary (by its number). */
  const entry = (dictionary: TrackNames['tracks'], r: Row) => dictionary.get(Number(r.id));
  return withImages(ctx, {
    top_artists: ranked('artist').map((r) => ({
      artist_name: names.artists.get(Number(r.id)) ?? '',
      ...measures(r),
    })),
    top_tracks: ranked('track').map((r) => ({
      track_key: entry(names.tracks, r)?.key ?? '',
      track_name: entry(names.tracks, r)?.name ?? '',
      artist_name: artistOf(r),
      ...measures(r),
    })),
    top_albums: ranked('album').map((r) => ({
      album_key: entry(names.albums, r)?.key ?? '',
      album_name: entry(names.albums, r)?.name ?? '',
      artist_name: artistOf(r),
      ...measures(r),
    })),
  });
}

/**
 * Adds `image_url` to top-list rows whose artist, track (its album cover) or album has a
 * picture in the catalogue dimensions (landed API objects, read with the tables: tables.ts);
 * rows without one are left as they are, and so are all of them until the user has logged in
 * to Spotify (images.ts). The page draws a placeholder where there is no picture.
 */
type Pictured<T> = T & { image_url?: string };

async function withImages<
  A extends { artist_name: unknown },
  T extends { track_key: unknown },
  L extends { album_key: unknown },
>(
  ctx: ApiContext,
  lists: { top_artists: A[]; top_tracks: T[]; top_albums: L[] },
): Promise<{ top_artists: Pictured<A>[]; top_tracks: Pictured<T>[]; top_albums: Pictured<L>[] }> {
  if (!(await ctx.remoteImages())) return lists;
  const pictures = ctx.tables.pictures;
  const add = <R>(rows: R[], kind: 'artist' | 'track' | 'album', key: (r: R) => unknown) =>
    rows.map((r): Pictured<R> => {
      const url = pictures.get(`${kind}|${key(r)}`);
      return url === undefined ? (r as Pictured<R>) : { ...r, image_url: url };
    });
  return {
    top_artists: add(lists.top_artists, 'artist', (r) => r.artist_name),
    top_tracks: add(lists.top_tracks, 'track', (r) => r.track_key),
    top_albums: add(lists.top_albums, 'album', (r) => r.album_key),
  };
}

/** What the top lists rank by: `by=plays` or `by=minutes`; by default WRAPPED_RANK_BY. */
function measure(ctx: ApiContext, params: URLSearchParams): RankBy {
  const by = params.get('by') ?? ctx.config.settings.rankBy;
  if (by !== 'plays' && by !== 'minutes') throw badRequest('by must be plays or minutes');
  return by;
}

async function overview(ctx: ApiContext, params: URLSearchParams) {
  requireTables(
    ctx,
    'gold.agg_daily_listening',
    'gold.agg_track_daily',
    'gold.agg_hourly_listening',
    'gold.agg_streaks',
    'gold.agg_discovery',
  );
  const info = await meta(ctx);
  const period: Period = resolvePeriod(params, info.today, info.first_day);
  const limit = Math.min(50, Math.max(1, Math.trunc(Number(params.get('limit') ?? 10)) || 10));
  const range = [period.from, period.to];
  // Distinct counts, series and top lists are asked at once: they run on different connections.
  const uniquesQuery = uniqueCounts(ctx, period);
  const by = measure(ctx, params);
  const topQuery = topLists(ctx, period, limit, by);
  // The sums and series in one round trip (each query costs milliseconds of its own), as flat
  // rows told apart by `part`, each part with columns of its own names (UNION ALL BY NAME: a
  // column a part lacks is NULL). Lists of structs would cost DuckDB more to build.
  const sumsOf = (which: 'current' | 'previous') =>
    `SELECT 'sums' AS part, '${which}' AS which,
       coalesce(sum(plays) FILTER (WHERE day BETWEEN ?::DATE AND ?::DATE), 0)::INTEGER AS plays,
       coalesce(round(sum(minutes) FILTER (WHERE day BETWEEN ?::DATE AND ?::DATE), 2), 0)::DOUBLE AS minutes,
       coalesce(round(sum(podcast_minutes) FILTER (WHERE day BETWEEN ?::DATE AND ?::DATE), 2), 0)::DOUBLE AS podcast_minutes,
       coalesce(round(sum(unidentified_minutes) FILTER (WHERE day BETWEEN ?::DATE AND ?::DATE), 2), 0)::DOUBLE AS unidentified_minutes
     FROM gold.agg_daily_listening`;
  const prev = previousRange(period).slice(2);
  // No year before "all time": a range that holds no day.
  const yearBefore = period.year_before
    ? [period.year_before.from, period.year_before.to]
    : ['9999-12-31', '0001-01-01'];
  // Weekday by hour: of all time, as gold's listening clock holds it; of a span, summed from
  // its days (minutes from milliseconds, as the clock counts them, so the two agree).
  const allTime = period.kind === 'all' && ctx.tables.has('gold.agg_listening_clock');
  const hoursPart = allTime
    ? `SELECT 'hour' AS part, weekday::INTEGER AS weekday, hour::INTEGER AS hour,
         plays::INTEGER AS plays, minutes::DOUBLE AS minutes
       FROM gold.agg_listening_clock WHERE period = 'all'`
    : `SELECT 'hour' AS part, isodow(day)::INTEGER AS weekday, hour, sum(plays)::INTEGER AS plays,
         round(sum(ms_played) / 60000.0, 2)::DOUBLE AS minutes
       FROM gold.agg_hourly_listening WHERE day BETWEEN ?::DATE AND ?::DATE GROUP BY isodow(day), hour`;
  const seriesQuery = ctx.tables.query(
    `${hoursPart}
     UNION ALL BY NAME
     SELECT 'streak' AS part, streak_start::VARCHAR AS streak_start, streak_end::VARCHAR AS streak_end,
       days::INTEGER AS days
     FROM gold.agg_streaks WHERE streak_end >= ?::DATE AND streak_start <= ?::DATE
     UNION ALL BY NAME
     SELECT 'current' AS part, coalesce(max(days), 0)::INTEGER AS days
     FROM gold.agg_streaks WHERE streak_end >= ?::DATE - 1
     UNION ALL BY NAME
     SELECT 'discovery' AS part, strftime(first_day, '%Y-%m') AS month,
       count(*) FILTER (WHERE kind = 'artist')::INTEGER AS new_artists,
       count(*) FILTER (WHERE kind = 'track')::INTEGER AS new_tracks
     FROM gold.agg_discovery WHERE first_day BETWEEN ?::DATE AND ?::DATE GROUP BY month
     UNION ALL BY NAME ${sumsOf('current')}
     UNION ALL BY NAME ${sumsOf('previous')}
     ORDER BY part, month, weekday, hour, streak_start`,
    [
      ...(allTime ? [] : range), // hours
      ...range, // streaks
      info.today, // the current streak
      ...range, // discovery
      ...range,
      ...range,
      ...range,
      ...range, // the sums of the period
      ...prev,
      ...prev,
      ...prev,
      ...prev, // the sums of the period before
    ],
  );
  // The days of the period and the same days a year earlier: the bulk of the rows, on a
  // connection of their own, with no column beyond the three (each value costs the client
  // time to read: thousands of days for all time). Which is which is told by the date.
  const daysQuery = ctx.tables.query(
    `SELECT day::VARCHAR AS day, plays::INTEGER AS plays, minutes::DOUBLE AS minutes
     FROM gold.agg_daily_listening
     WHERE day BETWEEN ?::DATE AND ?::DATE OR day BETWEEN ?::DATE AND ?::DATE
     ORDER BY day`,
    [...range, ...yearBefore],
  );
  const [uniques, rows, dayRows, top] = await Promise.all([
    uniquesQuery,
    seriesQuery,
    daysQuery,
    topQuery,
  ]);
  const part = (name: string) => rows.filter((r) => r.part === name);
  const sums = (which: 'current' | 'previous') => {
    const row = part('sums').find((r) => r.which === which);
    return (
      row && {
        plays: row.plays ?? 0,
        minutes: row.minutes ?? 0,
        podcast_minutes: row.podcast_minutes ?? 0,
      }
    );
  };
  const { current, previous } = totals(
    period,
    { c: sums('current'), p: sums('previous') },
    uniques,
  );
  // The rows inside [from, to] (ISO days compare as text): a period longer than a year shares
  // days with the year before it, and those days belong to both.
  const daysOf = ([from, to]: string[]) =>
    dayRows
      .filter((r) => String(r.day) >= String(from) && String(r.day) <= String(to))
      .map((r) => ({ day: r.day ?? null, plays: r.plays ?? 0, minutes: r.minutes ?? 0 }));
  return {
    period,
    timezone: info.timezone,
    missing_years: info.missing_years,
    totals: current,
    previous,
    days: daysOf(range),
    // The same days a year earlier, for the comparison chart (empty when none were played).
    year_before_days: daysOf(yearBefore),
    hours: part('hour').map((r) => ({
      weekday: r.weekday ?? 0,
      hour: r.hour ?? 0,
      plays: r.plays ?? 0,
      minutes: r.minutes ?? 0,
    })),
    streaks: part('streak').map((r) => ({
      streak_start: r.streak_start ?? null,
      streak_end: r.streak_end ?? null,
      days: r.days ?? 0,
    })),
    // Streams Spotify can no longer name: shown apart, never in the music figures.
    unidentified_minutes: Number(
      part('sums').find((r) => r.which === 'current')?.unidentified_minutes ?? 0,
    ),
    // A streak that runs past the period's ends counts only its days inside the period here.
    longest_streak_days_in_period: Math.max(
      0,
      ...part('streak').map((r) =>
        daysInside(String(r.streak_start), String(r.streak_end), period),
      ),
    ),
    current_streak_days: Number(part('current')[0]?.days ?? 0),
    discovery: part('discovery').map((r) => ({
      month: r.month ?? null,
      new_artists: r.new_artists ?? 0,
      new_tracks: r.new_tracks ?? 0,
    })),
    ...top,
  };
}

async function wrappedYear(ctx: ApiContext, params: URLSearchParams) {
  requireTables(ctx, 'gold.wrapped_year', 'gold.agg_top_artists', 'gold.agg_top_tracks');
  const gold = (sql: string, p?: Array<string | number | null>) => ctx.tables.query(sql, p);
  const years = await wrappedYears(gold);
  const { missing_years } = await dataSpan(ctx);
  // Any days (`from` and `to`): the same story, computed from the plays of those days.
  if (params.has('from') || params.has('to'))
    return { years, missing_years, ...(await wrappedRange(ctx, params, measure(ctx, params))) };
  const year = params.get('year') ?? years.at(-1);
  if (!year) throw new HttpError(409, NOT_BUILT);
  if (!/^\d{4}$/.test(year)) throw badRequest('year must look like 2026');
  const row = await goldYear(gold, year);
  if (!row) throw notFound(`no plays in ${year}`);
  const lists = await withImages(
    ctx,
    await topListsOf(gold, year, {
      by: measure(ctx, params),
      limit: 5,
      albums: ctx.tables.has('gold.agg_top_albums'),
    }),
  );
  // The year's listening clock: minutes in each hour of the day (all 24), for the story.
  const hours = ctx.tables.has('gold.agg_listening_clock')
    ? await ctx.tables.query(
        `SELECT hour::INTEGER AS hour, round(sum(minutes), 2)::DOUBLE AS minutes
         FROM gold.agg_listening_clock WHERE period = ? GROUP BY hour`,
        [year],
      )
    : [];
  const byHour = new Map(hours.map((r) => [Number(r.hour), Number(r.minutes)]));
  const clock = Array.from({ length: 24 }, (_, hour) => ({
    hour,
    minutes: byHour.get(hour) ?? 0,
  }));
  // Spotify's own Wrapped for the year beside ours, when the export held WrappedYYYY.json.
  const beside = await spotifyBeside(
    (sql, p) => ctx.tables.query(sql, p),
    ctx.tables.timezone,
    year,
    row,
  );
  return { years, missing_years, year: row, ...lists, clock, spotify_wrapped: beside ?? null };
}

async function history(ctx: ApiContext, params: URLSearchParams) {
  requireTables(ctx, 'silver.fct_play');
  const q = (params.get('q') ?? '').slice(0, 200);
  const size = Math.min(200, Math.max(1, Number(params.get('size') ?? 50) || 50));
  const pageText = params.get('page') ?? '1';
  if (!/^[1-9]\d{0,6}$/.test(pageText))
    throw badRequest('page must be a whole number from 1 to 9999999');
  const page = Number(pageText);
  // A literal, case-insensitive substring match: the search is a bound parameter, and no
  // character in it (%, _, quotes) means anything to SQL.
  const where = "(? = '' OR contains(search_text, lower(?)))";
  const [count] = await ctx.tables.query(`SELECT count(*) AS n FROM main.play_log WHERE ${where}`, [
    q,
    q,
  ]);
  const rows = await ctx.tables.query(
    `SELECT strftime(timezone(?, ended_at), '%Y-%m-%d %H:%M:%S') AS ended_at_local, content_type,
       title, artist, album_name, track_key, album_key, ms_played, ms_played_estimated,
       counts_as_play, source
     FROM main.play_log WHERE ${where}
     ORDER BY ended_at DESC, play_id LIMIT ? OFFSET ?`,
    [ctx.tables.timezone, q, q, size, (page - 1) * size],
  );
  return { q, page, size, total: Number(count?.n ?? 0), rows };
}

async function library(ctx: ApiContext) {
  requireTables(ctx, 'gold.agg_top_artists');
  // How the top lists moved: the top 10 artists of the last 6 months, with each month's rank.
  const months = await ctx.tables.query(
    "SELECT period FROM gold.agg_top_artists WHERE period_type = 'month' GROUP BY period ORDER BY period DESC LIMIT 6",
  );
  const periods = months.map((m) => String(m.period)).reverse();
  const ranks = periods.length
    ? await ctx.tables.query(
        `SELECT artist_name, period, rank, plays FROM gold.agg_top_artists
         WHERE period_type = 'month' AND period >= ? AND rank <= 10 ORDER BY period, rank`,
        [periods[0] as string],
      )
    : [];
  const playlists = ctx.tables.has('silver.dim_playlist')
    ? await ctx.tables.query(
        `SELECT p.playlist_id, p.name, p.owner_name, p.collaborative, p.items_total,
           count(i.position)::INTEGER AS items_read, p.last_seen_at::VARCHAR AS last_seen_at
         FROM silver.dim_playlist AS p LEFT JOIN silver.fct_playlist_item AS i USING (playlist_id)
         GROUP BY ALL ORDER BY p.name`,
      )
    : null;
  // Liked Songs over time: how many were saved each month, and the running total.
  const liked = ctx.tables.has('silver.fct_saved_track')
    ? await ctx.tables.query(
        `SELECT month, added::INTEGER AS added, (sum(added) OVER (ORDER BY month))::INTEGER AS total FROM (
           SELECT strftime(timezone(?, added_at), '%Y-%m') AS month, count(*) AS added
           FROM silver.fct_saved_track GROUP BY 1) ORDER BY month`,
        [ctx.tables.timezone],
      )
    : null;
  return {
    months: periods,
    top_artist_ranks: ranks,
    playlists,
    liked_songs: liked,
    not_built:
      playlists === null
        ? 'Playlists and liked songs appear once `wrapped run` has pulled them from the API and `wrapped transform` has built the library models.'
        : null,
  };
}

/** The lake's file count and size, counted at most once a minute (a listing of every file). */
const usages = new WeakMap<Lake, { at: number; value: Promise<LakeUsage> }>();
function cachedLakeUsage(lake: Lake): Promise<LakeUsage> {
  const cached = usages.get(lake);
  if (cached && Date.now() - cached.at < 60_000) return cached.value;
  const value = lakeUsage(lake);
  usages.set(lake, { at: Date.now(), value });
  value.catch(() => usages.delete(lake));
  return value;
}

async function health(ctx: ApiContext) {
  const status = await collectStatus(ctx.config, ctx.lake, ctx.now(), 20, cachedLakeUsage);
  const coverage = ctx.tables.has('gold.coverage_daily')
    ? await ctx.tables.query(
        'SELECT day::VARCHAR AS day, has_api, has_export_extended, has_export_account, has_lastfm OR has_listenbrainz AS has_other_history, has_gap, minutes_real, minutes_estimated FROM gold.coverage_daily WHERE day > ?::DATE - 366 ORDER BY day',
        [today(ctx)],
      )
    : [];
  // The viewer's own gaps only: another listener's say when they listened.
  const gaps = status.gaps.filter((g) => (g.listener_id ?? DEFAULT_LISTENER) === ctx.listener);
  return { ...status, gaps, timezone: ctx.tables.timezone, coverage };
}

export const ROUTES: Record<string, Handler> = {
  '/api/meta': (ctx) => meta(ctx),
  '/api/overview': overview,
  '/api/wrapped': wrappedYear,
  '/api/history': history,
  '/api/library': (ctx) => library(ctx),
  '/api/health': (ctx) => health(ctx),
  '/api/artist': artistPage,
  '/api/track': trackPage,
  '/api/album': albumPage,
  '/api/search': search,
  '/api/household': householdPage,
};

/**
 * A whole table as CSV, for the download buttons: only tables the lake publishes. Yields the
 * text a chunk of rows at a time (the table is never held whole).
 */
export async function* csvDownload(ctx: ApiContext, name: string): AsyncGenerator<string> {
  if (!/^(silver|gold)\.[a-z][a-z0-9_]*$/.test(name) || !ctx.tables.has(name)) throw notFound();
  let header = false;
  for await (const { columns, rows } of ctx.tables.stream(`SELECT * FROM ${name}`)) {
    const lines = rows.map((row) => csvRow(columns, row));
    if (!header) lines.unshift(csvHeader(columns));
    header = true;
    if (lines.length > 0) yield `${lines.join('\r\n')}\r\n`;
  }
}
