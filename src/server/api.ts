import type { Config } from '../config/load.js';
import type { Lake } from '../lake/lake.js';
import { collectStatus, type LakeUsage, lakeUsage } from '../pipeline/status.js';
import { renderCsv } from '../text.js';
import type { Row } from '../warehouse/index.js';
import { badRequest, HttpError, notFound } from './http-error.js';
import { type Period, resolvePeriod } from './period.js';
import type { ServedTables } from './tables.js';

/**
 * The dashboard's JSON API. Every figure comes from gold (pre-aggregated per day, so any period
 * is a sum over a few thousand rows) except the play log, which pages through silver.fct_play.
 * User input reaches SQL only as bound parameters.
 */
export interface ApiContext {
  tables: ServedTables;
  config: Config;
  lake: Lake;
  now: () => Date;
}

type Handler = (ctx: ApiContext, params: URLSearchParams) => Promise<unknown>;

const NOT_BUILT = 'no data yet: run `wrapped import` or `wrapped run`, then `wrapped transform`';

function requireTables(ctx: ApiContext, ...tables: string[]): void {
  const missing = tables.filter((t) => !ctx.tables.has(t));
  if (missing.length > 0) throw new HttpError(409, NOT_BUILT);
}

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
    return { first_day: range?.first_day ?? null, last_day: range?.last_day ?? null, years };
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
    tables: ctx.tables.tables.filter((t) => !t.startsWith('bronze.')),
  };
}

/** The previous period's days, or an empty range when there is none. */
const previousRange = (period: Period) => {
  const prev = period.previous ?? { from: '0001-01-01', to: '0001-01-01' };
  return [period.from, period.to, prev.from, prev.to];
};

/**
 * Minutes, plays and podcast minutes of the period (`c_`) and the one before it (`p_`), as SQL
 * columns over gold.agg_daily_listening; its four parameters are `previousRange`.
 */
const DAILY_SUMS = (() => {
  const sums = (alias: string, n: string) => `
    coalesce(round(sum(minutes) FILTER (WHERE ${n}), 2), 0)::DOUBLE AS ${alias}_minutes,
    coalesce(sum(plays) FILTER (WHERE ${n}), 0)::INTEGER AS ${alias}_plays,
    coalesce(round(sum(podcast_minutes) FILTER (WHERE ${n}), 2), 0)::DOUBLE AS ${alias}_podcast_minutes`;
  return `(SELECT {${['c', 'p'].flatMap((a) => ['minutes', 'plays', 'podcast_minutes'].map((f) => `'${a}_${f}': ${a}_${f}`)).join(', ')}}
     FROM (SELECT ${sums('c', 'cur')}, ${sums('p', 'prev')}
           FROM (SELECT *, day BETWEEN ?::DATE AND ?::DATE AS cur, day BETWEEN ?::DATE AND ?::DATE AS prev
                 FROM gold.agg_daily_listening)))`;
})();

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
function totals(period: Period, sums: Row | undefined, uniques: Row | undefined) {
  const pick = (p: 'c' | 'p'): Row => ({
    minutes: sums?.[`${p}_minutes`] ?? 0,
    plays: sums?.[`${p}_plays`] ?? 0,
    podcast_minutes: sums?.[`${p}_podcast_minutes`] ?? 0,
    unique_tracks: uniques?.[`${p}_tracks`] ?? 0,
    unique_artists: uniques?.[`${p}_artists`] ?? 0,
  });
  return { current: pick('c'), previous: period.previous ? pick('p') : null };
}

/**
 * The top artists, songs and albums of a period in one statement (three lists of structs):
 * all time from the ranked gold.agg_top_* rows, any other period by summing gold.agg_track_daily
 * with the same ranking (plays, then minutes, then the key). Each row carries `image_url` when
 * the catalogue dimensions know a picture (joined here, so it costs no second round trip).
 */
async function topLists(ctx: ApiContext, period: Period, limit: number) {
  const images = pictures(ctx);
  const withImage = (list: string, kind: keyof Pictures, key: string) =>
    `(SELECT coalesce(list(CASE WHEN i.image_url IS NULL THEN x ELSE struct_insert(x, image_url := i.image_url) END ORDER BY n), [])
      FROM ${list} AS l LEFT JOIN ${images[kind]} AS i ON i.k = l.x.${key})`;
  const ranked = (table: string, fields: string) =>
    `(SELECT {${fields}, 'plays': plays::INTEGER, 'minutes': minutes::DOUBLE} AS x, rank AS n
      FROM gold.${table} WHERE period = 'all' AND rank <= ?)`;
  // Other periods: the numbered days (tables.ts) are read once (`span`, grouped by track,
  // artist and album), each list sums that by number (numbers sort like their keys), keeps the
  // first `limit` (a number from 1 to 50, written into the SQL: a bound LIMIT is not planned
  // as a top-N), and only then looks up their names.
  const summed = (id: string, fields: string, dictionary: string) =>
    `(SELECT {${fields}, 'plays': s.plays::INTEGER, 'minutes': round(s.ms_played / 60000.0, 2)::DOUBLE} AS x,
          row_number() OVER (ORDER BY s.plays DESC, s.ms_played DESC, s.id) AS n
        FROM (SELECT ${id} AS id, sum(plays) AS plays, sum(ms_played) AS ms_played, any_value(arid) AS arid
              FROM span WHERE ${id} IS NOT NULL GROUP BY ${id}
              ORDER BY plays DESC, ms_played DESC, ${id} LIMIT ${limit}) AS s
        JOIN ${dictionary} AS d ON d.${id} = s.id
        LEFT JOIN main.artist_ids AS a ON a.arid = s.arid)`;
  const [row] =
    period.kind === 'all'
      ? await ctx.tables.query(
          `SELECT ${withImage(ranked('agg_top_artists', "'artist_name': artist_name"), 'artist', 'artist_name')} AS top_artists,
             ${withImage(ranked('agg_top_tracks', "'track_key': track_key, 'track_name': track_name, 'artist_name': artist_name"), 'track', 'track_key')} AS top_tracks,
             ${withImage(ranked('agg_top_albums', "'album_key': album_key, 'album_name': album_name, 'artist_name': artist_name"), 'album', 'album_key')} AS top_albums`,
          [limit, limit, limit],
        )
      : await ctx.tables.query(
          `WITH span AS MATERIALIZED (
             SELECT tid, arid, alid, sum(plays) AS plays, sum(ms_played) AS ms_played
             FROM main.track_days WHERE day BETWEEN ?::DATE AND ?::DATE
             GROUP BY tid, arid, alid)
           SELECT ${withImage(summed('arid', "'artist_name': d.artist_name", 'main.artist_ids'), 'artist', 'artist_name')} AS top_artists,
             ${withImage(summed('tid', "'track_key': d.track_key, 'track_name': d.track_name, 'artist_name': a.artist_name", 'main.track_ids'), 'track', 'track_key')} AS top_tracks,
             ${withImage(summed('alid', "'album_key': d.album_key, 'album_name': d.album_name, 'artist_name': a.artist_name", 'main.album_ids'), 'album', 'album_key')} AS top_albums`,
          [period.from, period.to],
        );
  return {
    top_artists: (row?.top_artists ?? []) as Row[],
    top_tracks: (row?.top_tracks ?? []) as Row[],
    top_albums: (row?.top_albums ?? []) as Row[],
  };
}

type Pictures = Record<'artist' | 'track' | 'album', string>;

/**
 * Per kind, a relation of key (`k`: artist name, track key, album key) -> `image_url`: the
 * pictures the catalogue dimensions know, gathered when the tables are read (tables.ts).
 */
function pictures(_ctx: ApiContext): Pictures {
  const relation = (kind: string) =>
    `(SELECT k, image_url FROM main.pictures WHERE kind = '${kind}')`;
  return { artist: relation('artist'), track: relation('track'), album: relation('album') };
}

/**
 * Adds `image_url` to top-list rows whose artist, track (its album cover) or album has a
 * picture in the catalogue dimensions (landed API objects); rows without one are left as they are.
 */
async function withImages<T extends { top_artists: Row[]; top_tracks: Row[]; top_albums: Row[] }>(
  ctx: ApiContext,
  lists: T,
): Promise<T> {
  const images = pictures(ctx);
  const fields = { artist: 'artist_name', track: 'track_key', album: 'album_key' } as const;
  const rowsOf = { artist: lists.top_artists, track: lists.top_tracks, album: lists.top_albums };
  const kinds = ['artist', 'track', 'album'] as const;
  const found = await ctx.tables.query(
    kinds
      .map(
        (kind) =>
          `SELECT '${kind}' AS kind, k, image_url FROM ${images[kind]} WHERE k IN (SELECT unnest(from_json(?, '["VARCHAR"]')))`,
      )
      .join(' UNION ALL '),
    kinds.map((kind) =>
      JSON.stringify(rowsOf[kind].map((r) => r[fields[kind]]).filter((k) => typeof k === 'string')),
    ),
  );
  const image = new Map(found.map((r) => [`${r.kind}|${r.k}`, r.image_url]));
  const add = (kind: (typeof kinds)[number]) =>
    rowsOf[kind].map((r) => {
      const url = image.get(`${kind}|${r[fields[kind]]}`);
      return url === undefined ? r : { ...r, image_url: url };
    });
  return {
    ...lists,
    top_artists: add('artist'),
    top_tracks: add('track'),
    top_albums: add('album'),
  };
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
  const topQuery = topLists(ctx, period, limit);
  // The sums and series in one round trip (each query costs milliseconds of its own).
  const seriesQuery = ctx.tables.query(
    `SELECT ${DAILY_SUMS} AS sums,
      (SELECT coalesce(list({'day': day::VARCHAR, 'plays': plays::INTEGER, 'minutes': minutes::DOUBLE} ORDER BY day), [])
         FROM gold.agg_daily_listening WHERE day BETWEEN ?::DATE AND ?::DATE) AS days,
      (SELECT coalesce(list({'weekday': weekday, 'hour': hour, 'plays': plays, 'minutes': minutes} ORDER BY weekday, hour), [])
         FROM (SELECT CAST(isodow(day) AS INTEGER) AS weekday, hour, sum(plays)::INTEGER AS plays, round(sum(minutes), 2)::DOUBLE AS minutes
               FROM gold.agg_hourly_listening WHERE day BETWEEN ?::DATE AND ?::DATE GROUP BY ALL)) AS hours,
      (SELECT coalesce(list({'streak_start': streak_start::VARCHAR, 'streak_end': streak_end::VARCHAR, 'days': days::INTEGER} ORDER BY streak_start), [])
         FROM gold.agg_streaks WHERE streak_end >= ?::DATE AND streak_start <= ?::DATE) AS streaks,
      (SELECT coalesce(max(days), 0)::INTEGER FROM gold.agg_streaks WHERE streak_end >= ?::DATE - 1) AS current_streak_days,
      (SELECT coalesce(list({'month': month, 'new_artists': new_artists, 'new_tracks': new_tracks} ORDER BY month), [])
         FROM (SELECT strftime(first_day, '%Y-%m') AS month, count(*) FILTER (WHERE kind = 'artist')::INTEGER AS new_artists,
                 count(*) FILTER (WHERE kind = 'track')::INTEGER AS new_tracks
               FROM gold.agg_discovery WHERE first_day BETWEEN ?::DATE AND ?::DATE GROUP BY 1)) AS discovery`,
    [...previousRange(period), ...range, ...range, ...range, info.today, ...range],
  );
  const [uniques, [series], top] = await Promise.all([uniquesQuery, seriesQuery, topQuery]);
  const { current, previous } = totals(period, series?.sums as Row | undefined, uniques);
  return {
    period,
    timezone: info.timezone,
    totals: current,
    previous,
    days: series?.days ?? [],
    hours: series?.hours ?? [],
    streaks: series?.streaks ?? [],
    current_streak_days: Number(series?.current_streak_days ?? 0),
    discovery: series?.discovery ?? [],
    ...top,
  };
}

async function wrappedYear(ctx: ApiContext, params: URLSearchParams) {
  requireTables(ctx, 'gold.wrapped_year', 'gold.agg_top_artists', 'gold.agg_top_tracks');
  const years = (
    await ctx.tables.query('SELECT year FROM gold.wrapped_year WHERE plays > 0 ORDER BY year')
  ).map((r) => String(r.year));
  const year = params.get('year') ?? years.at(-1);
  if (!year) throw new HttpError(409, NOT_BUILT);
  if (!/^\d{4}$/.test(year)) throw badRequest('year must look like 2026');
  const [row] = await ctx.tables.query('SELECT * FROM gold.wrapped_year WHERE year = ?', [year]);
  if (!row) throw notFound(`no plays in ${year}`);
  const top = (table: string, columns: string) =>
    ctx.tables.query(
      `SELECT ${columns}, plays, minutes FROM gold.${table} WHERE period_type = 'year' AND period = ? AND rank <= 5 ORDER BY rank`,
      [year],
    );
  const lists = await withImages(ctx, {
    top_artists: await top('agg_top_artists', 'artist_name'),
    top_tracks: await top('agg_top_tracks', 'track_key, track_name, artist_name'),
    top_albums: ctx.tables.has('gold.agg_top_albums')
      ? await top('agg_top_albums', 'album_key, album_name, artist_name')
      : [],
  });
  return { years, year: row, ...lists, spotify_wrapped: null };
}

async function history(ctx: ApiContext, params: URLSearchParams) {
  requireTables(ctx, 'silver.fct_play');
  const q = (params.get('q') ?? '').slice(0, 200);
  const size = Math.min(200, Math.max(1, Number(params.get('size') ?? 50) || 50));
  const page = Math.max(1, Math.floor(Number(params.get('page') ?? 1) || 1));
  // A literal, case-insensitive substring match: the search is a bound parameter, and no
  // character in it (%, _, quotes) means anything to SQL.
  const where = "(? = '' OR contains(search_text, lower(?)))";
  const [count] = await ctx.tables.query(`SELECT count(*) AS n FROM main.play_log WHERE ${where}`, [
    q,
    q,
  ]);
  const rows = await ctx.tables.query(
    `SELECT strftime(timezone(?, ended_at), '%Y-%m-%d %H:%M:%S') AS ended_at_local, content_type,
       title, artist, album_name, ms_played, ms_played_estimated, counts_as_play, source
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
        'SELECT day::VARCHAR AS day, has_api, has_export_extended, has_export_account, has_gap, minutes_real, minutes_estimated FROM gold.coverage_daily WHERE day > ?::DATE - 366 ORDER BY day',
        [today(ctx)],
      )
    : [];
  return { ...status, timezone: ctx.tables.timezone, coverage };
}

export const ROUTES: Record<string, Handler> = {
  '/api/meta': (ctx) => meta(ctx),
  '/api/overview': overview,
  '/api/wrapped': wrappedYear,
  '/api/history': history,
  '/api/library': (ctx) => library(ctx),
  '/api/health': (ctx) => health(ctx),
};

/** A whole table as CSV, for the download buttons: only tables the lake publishes. */
export async function tableCsv(ctx: ApiContext, name: string): Promise<string> {
  if (!/^(silver|gold)\.[a-z][a-z0-9_]*$/.test(name) || !ctx.tables.has(name)) throw notFound();
  const rows = await ctx.tables.query(`SELECT * FROM ${name}`);
  return `${renderCsv(rows[0] ? Object.keys(rows[0]) : [], rows)}\r\n`;
}
