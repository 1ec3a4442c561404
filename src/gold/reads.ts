import type { Row } from '../warehouse/index.js';

/**
 * The reads of gold that more than one part of the product makes: the dashboard's API, the
 * recap (`wrapped recap`) and the weekly summary. Each is written here once, returns typed
 * rows, and names its columns (no UNION of lists by position). A read runs on whichever copy
 * of gold its caller holds, through `GoldQuery`: the warehouse, or the dashboard's in-memory
 * copy (src/server/tables.ts).
 */
export type GoldQuery = (sql: string, params?: Array<string | number | null>) => Promise<Row[]>;

/** What top lists rank by: plays, then minutes; or minutes, then plays (ties by name or key). */
export type RankBy = 'plays' | 'minutes';

/** The gold top tables' rank column for a measure. */
export const rankColumn = (by: RankBy) => (by === 'minutes' ? 'rank_by_minutes' : 'rank');

export interface RankedArtist {
  artist_name: string;
  plays: number;
  minutes: number;
}

export interface RankedTrack {
  track_key: string;
  track_name: string;
  artist_name: string | null;
  plays: number;
  minutes: number;
}

export interface RankedAlbum {
  album_key: string;
  album_name: string;
  artist_name: string | null;
  plays: number;
  minutes: number;
}

export interface TopLists {
  top_artists: RankedArtist[];
  top_tracks: RankedTrack[];
  top_albums: RankedAlbum[];
}

const text = (value: unknown) => (value === null || value === undefined ? null : String(value));

/**
 * The first `limit` artists, songs and albums of one period of the gold top tables: a year
 * (`2026`), an ISO week (`2026-W47`), a month (`2026-11`) or `all`, ranked by `by`. Albums are
 * read only where gold.agg_top_albums is built (`albums: false` otherwise).
 */
export async function topListsOf(
  query: GoldQuery,
  period: string,
  options: { by: RankBy; limit: number; albums?: boolean },
): Promise<TopLists> {
  const rank = rankColumn(options.by);
  // One round trip (each query costs milliseconds of its own): the three lists told apart by
  // `kind`, their columns matched by name (a column a list lacks is NULL).
  const ranked = (kind: string, table: string, columns: string) =>
    `SELECT '${kind}' AS kind, ${rank} AS list_rank, ${columns}, plays::INTEGER AS plays, minutes::DOUBLE AS minutes
     FROM gold.${table} WHERE period = ? AND ${rank} <= ?`;
  const lists = [
    ranked('artist', 'agg_top_artists', 'artist_name'),
    ranked('track', 'agg_top_tracks', 'track_key, track_name, artist_name'),
    ...(options.albums === false
      ? []
      : [ranked('album', 'agg_top_albums', 'album_key, album_name, artist_name')]),
  ];
  const rows = await query(
    `${lists.join(' UNION ALL BY NAME ')} ORDER BY kind, list_rank`,
    lists.flatMap(() => [period, options.limit]),
  );
  const of = (kind: string) => rows.filter((r) => r.kind === kind);
  const [artists, tracks, albums] = [of('artist'), of('track'), of('album')];
  return {
    top_artists: artists.map((r) => ({
      artist_name: String(r.artist_name),
      plays: Number(r.plays),
      minutes: Number(r.minutes),
    })),
    top_tracks: tracks.map((r) => ({
      track_key: String(r.track_key),
      track_name: String(r.track_name),
      artist_name: text(r.artist_name),
      plays: Number(r.plays),
      minutes: Number(r.minutes),
    })),
    top_albums: albums.map((r) => ({
      album_key: String(r.album_key),
      album_name: String(r.album_name),
      artist_name: text(r.artist_name),
      plays: Number(r.plays),
      minutes: Number(r.minutes),
    })),
  };
}

/** Years with plays in gold.wrapped_year, oldest first. */
export async function wrappedYears(query: GoldQuery): Promise<string[]> {
  const rows = await query('SELECT year FROM gold.wrapped_year WHERE plays > 0 ORDER BY year');
  return rows.map((r) => String(r.year));
}

/** A year of gold.wrapped_year (models/gold/wrapped_year.sql says what each figure is). */
export interface WrappedYear {
  year: string;
  minutes: number;
  plays: number;
  unique_tracks: number;
  unique_artists: number;
  unique_albums: number;
  podcast_minutes: number;
  unidentified_minutes: number;
  top_artist: string | null;
  top_track: string | null;
  top_album: string | null;
  peak_hour: number | null;
  most_played_day: string | null;
  most_played_day_minutes: number | null;
  longest_streak_days: number;
  new_artists: number;
  first_play_at: string | null;
  last_play_at: string | null;
  has_estimated_minutes: boolean;
}

const numberOrNull = (value: unknown) =>
  value === null || value === undefined ? null : Number(value);

/** One year's row of gold.wrapped_year, typed; undefined when the year has none. */
export async function wrappedYear(
  query: GoldQuery,
  year: string,
): Promise<WrappedYear | undefined> {
  const [row] = await query(
    `SELECT year, minutes, plays, unique_tracks, unique_artists, unique_albums, podcast_minutes,
       unidentified_minutes, top_artist, top_track, top_album, peak_hour,
       CAST(most_played_day AS VARCHAR) AS most_played_day, most_played_day_minutes,
       longest_streak_days, new_artists, first_play_at, last_play_at, has_estimated_minutes
     FROM gold.wrapped_year WHERE year = ?`,
    [year],
  );
  if (!row) return undefined;
  return {
    year: String(row.year),
    minutes: Number(row.minutes),
    plays: Number(row.plays),
    unique_tracks: Number(row.unique_tracks),
    unique_artists: Number(row.unique_artists),
    unique_albums: Number(row.unique_albums),
    podcast_minutes: Number(row.podcast_minutes),
    unidentified_minutes: Number(row.unidentified_minutes ?? 0),
    top_artist: text(row.top_artist),
    top_track: text(row.top_track),
    top_album: text(row.top_album),
    peak_hour: numberOrNull(row.peak_hour),
    most_played_day: text(row.most_played_day),
    most_played_day_minutes: numberOrNull(row.most_played_day_minutes),
    longest_streak_days: Number(row.longest_streak_days ?? 0),
    new_artists: Number(row.new_artists ?? 0),
    first_play_at: text(row.first_play_at),
    last_play_at: text(row.last_play_at),
    has_estimated_minutes: Boolean(row.has_estimated_minutes),
  };
}
