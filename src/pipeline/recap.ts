import { UsageError } from '../errors.js';
import {
  type GoldQuery,
  type RankBy,
  type TopLists,
  topListsOf,
  type WrappedYear,
  wrappedYear,
  wrappedYears,
} from '../gold/reads.js';
import type { Row, Warehouse } from '../warehouse/index.js';
import { WarehouseError } from '../warehouse/index.js';
import { type Difference, type SpotifyWrapped, spotifyBeside } from './spotify-wrapped.js';

/**
 * The Wrapped recap: for a year from `gold.wrapped_year` and the yearly top lists, or for any
 * span of days (`--from`/`--to`, in the user's time zone) computed from `silver.fct_play` with
 * the same definitions (a play is 30 s or more; minutes are music `ms_played` / 60 000;
 * rankings by plays, then minutes, or by minutes, then plays; ties by name or key).
 */
export interface Recap {
  /** `2026`, or `2026-03-01..2026-05-31`. */
  period: string;
  minutes: number;
  plays: number;
  unique_tracks: number;
  unique_artists: number;
  podcast_minutes: number;
  /** Streams Spotify can no longer name (local files, removed tracks): never counted as music. */
  unidentified_minutes: number;
  has_estimated_minutes: boolean;
  first_play_at: string | null;
  last_play_at: string | null;
  /** Figures only the yearly table has (peak hour, streak, ...), when it is a year. */
  year?: WrappedYear;
  top_artists: TopLists['top_artists'];
  top_tracks: TopLists['top_tracks'];
  top_albums: TopLists['top_albums'];
  /** Spotify's own Wrapped for the year, when the export held WrappedYYYY.json. */
  spotify?: SpotifyWrapped;
  /** Where Spotify's figures and ours differ, each with its reason. */
  differences?: Difference[];
}

const notBuilt = (error: unknown) => {
  if (/Table with name .* does not exist/.test((error as Error).message))
    return new WarehouseError('There is no recap yet: the gold tables are not built.', {
      hint: 'Import your export or run an extract, then `wrapped transform`.',
      cause: error,
    });
  return error;
};

/** The warehouse as gold's reads ask it (src/gold/reads.ts), saying so when gold is not built. */
function goldOf(warehouse: Warehouse): GoldQuery {
  return async (sql, params) =>
    (
      await warehouse.query(sql, params).catch((error) => {
        throw notBuilt(error);
      })
    ).rows;
}

/** Years with plays, oldest first. */
export function recapYears(warehouse: Warehouse): Promise<string[]> {
  return wrappedYears(goldOf(warehouse));
}

export type { RankBy } from '../gold/reads.js';

export async function yearRecap(
  warehouse: Warehouse,
  year: string,
  by: RankBy = 'plays',
): Promise<Recap | undefined> {
  const gold = goldOf(warehouse);
  const row = await wrappedYear(gold, year);
  if (!row) return undefined;
  const recap: Recap = {
    period: year,
    ...figures(row),
    year: row,
    ...(await topListsOf(gold, year, { by, limit: 5 })),
  };
  const beside = await spotifyBeside(
    async (sql, params) => (await warehouse.query(sql, params)).rows,
    warehouse.timezone,
    year,
    row,
  );
  return beside ? { ...recap, ...beside } : recap;
}

/** The figures both recaps share, typed, from a row of the warehouse. */
function figures(row: Row | WrappedYear) {
  return {
    minutes: Number(row.minutes),
    plays: Number(row.plays),
    unique_tracks: Number(row.unique_tracks),
    unique_artists: Number(row.unique_artists),
    podcast_minutes: Number(row.podcast_minutes),
    unidentified_minutes: Number(row.unidentified_minutes ?? 0),
    has_estimated_minutes: Boolean(row.has_estimated_minutes),
    first_play_at: (row.first_play_at as string | null) ?? null,
    last_play_at: (row.last_play_at as string | null) ?? null,
  };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The recap of the days `from` to `to`, both included, in the warehouse's time zone. */
/** Gold (and silver's plays) as a recap reads them, in the user's time zone. */
export interface RecapSource {
  query: GoldQuery;
  timezone: string;
}

/** The warehouse as a recap's source, saying so when the tables are not built. */
export const warehouseSource = (warehouse: Warehouse): RecapSource => ({
  query: goldOf(warehouse),
  timezone: warehouse.timezone,
});

export async function rangeRecap(
  source: RecapSource,
  from: string,
  to: string,
  by: RankBy = 'plays',
): Promise<Recap> {
  for (const [flag, value] of [
    ['--from', from],
    ['--to', to],
  ] as const) {
    if (!DATE.test(value) || Number.isNaN(Date.parse(value)))
      throw new UsageError(
        `${flag} must be a date such as 2026-03-01, not ${JSON.stringify(value)}.`,
      );
  }
  if (from > to) throw new UsageError(`--from ${from} is after --to ${to}.`);
  // The span as local days; `music` is what every figure below reads.
  const span = `WITH plays AS (
      SELECT * FROM silver.fct_play
      WHERE CAST(timezone(?, ended_at) AS DATE) BETWEEN ?::DATE AND ?::DATE
    ), music AS (
      -- Albums by their key (the album of the play's track), named as silver.dim_album names them.
      SELECT p.* REPLACE (coalesce(a.album_name, p.album_name) AS album_name)
      FROM plays AS p LEFT JOIN silver.dim_album AS a USING (album_key)
      WHERE p.content_type = 'track'
    )`;
  const params = [source.timezone, from, to];
  const query = (sql: string) => source.query(`${span} ${sql}`, params);
  const [totals] = await query(`SELECT
      coalesce(round((SELECT sum(ms_played) FROM music)::DOUBLE / 600) / 100, 0) AS minutes,
      (SELECT count(*) FROM music WHERE counts_as_play) AS plays,
      (SELECT count(DISTINCT track_key) FROM music WHERE counts_as_play AND track_name IS NOT NULL) AS unique_tracks,
      (SELECT count(DISTINCT artist_name) FROM music WHERE counts_as_play) AS unique_artists,
      coalesce(round((SELECT sum(ms_played) FROM plays WHERE content_type = 'episode')::DOUBLE / 600) / 100, 0) AS podcast_minutes,
      coalesce(round((SELECT sum(ms_played) FROM plays WHERE content_type = 'unknown')::DOUBLE / 600) / 100, 0) AS unidentified_minutes,
      coalesce((SELECT bool_or(ms_played_estimated) FROM plays), false) AS has_estimated_minutes,
      (SELECT min(ended_at) FROM plays) AS first_play_at,
      (SELECT max(ended_at) FROM plays) AS last_play_at`);
  const top = (key: string, columns: string, where: string) =>
    query(`SELECT ${columns}, count(*) FILTER (WHERE counts_as_play) AS plays, round(sum(ms_played)::DOUBLE / 600) / 100 AS minutes
      FROM music WHERE ${where} GROUP BY ${key}
      ORDER BY ${by === 'plays' ? 'plays DESC, sum(ms_played) DESC' : 'sum(ms_played) DESC, plays DESC'}, ${key} LIMIT 5`);
  const row = totals ?? {};
  const measures = (r: Row) => ({ plays: Number(r.plays), minutes: Number(r.minutes) });
  const text = (value: unknown) => (value === null || value === undefined ? null : String(value));
  return {
    period: `${from}..${to}`,
    ...figures(row),
    top_artists: (await top('artist_name', 'artist_name', 'artist_name IS NOT NULL')).map((r) => ({
      artist_name: String(r.artist_name),
      ...measures(r),
    })),
    top_tracks: (
      await top(
        'track_key',
        'track_key, any_value(track_name) AS track_name, any_value(artist_name) AS artist_name',
        'track_name IS NOT NULL',
      )
    ).map((r) => ({
      track_key: String(r.track_key),
      track_name: String(r.track_name),
      artist_name: text(r.artist_name),
      ...measures(r),
    })),
    top_albums: (
      await top(
        'album_key',
        'album_key, any_value(album_name) AS album_name, any_value(artist_name) AS artist_name',
        'album_key IS NOT NULL',
      )
    ).map((r) => ({
      album_key: String(r.album_key),
      album_name: String(r.album_name),
      artist_name: text(r.artist_name),
      ...measures(r),
    })),
  };
}
