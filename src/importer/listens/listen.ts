import { createHash } from 'node:crypto';
import { show } from '../kinds.js';
import { calendarProblem, MAX_MS_PLAYED, stringProblem } from '../limits.js';

/**
 * A listen from another history than Spotify's own (a Last.fm scrobble, a ListenBrainz listen),
 * in the one shape every format is read into. The import writes these, one JSON line each, to
 * raw/normalized/<import_id>/<path>.ndjson beside the file as given (raw/export/...), and the
 * bronze model reads only them: three formats (CSV with or without a header, Last.fm's JSON
 * pages, ListenBrainz's JSON lines) would otherwise need three readers in every engine.
 */
export type ListenSource = 'lastfm' | 'listenbrainz';

export interface Listen {
  /** The natural key: the same listen in two overlapping exports is one (see listenKey). */
  listen_key: string;
  source: ListenSource;
  /** When listening began, UTC, to the second ("2024-08-02T11:56:55Z"): both services' meaning. */
  listened_at: string;
  artist_name: string;
  track_name: string;
  album_name: string | null;
  /** The track's length when the file gives it (ListenBrainz often does, Last.fm never). */
  duration_ms: number | null;
  /** spotify:track:<id> when the file names the Spotify track (ListenBrainz's `spotify_id`). */
  track_uri: string | null;
}

export type ListenFields = Omit<Listen, 'listen_key'>;

/** The normalized files' columns as the raw view reads them (DuckDB's notation; Spark's is derived). */
export const LISTEN_COLUMNS = `{listen_key: 'VARCHAR', source: 'VARCHAR', listened_at: 'VARCHAR',
  artist_name: 'VARCHAR', track_name: 'VARCHAR', album_name: 'VARCHAR', duration_ms: 'BIGINT',
  track_uri: 'VARCHAR'}`;

/** One record of a file read as listens: its listens (a Last.fm page holds many), or what is wrong. */
export type ListenReading = { listens: ListenFields[]; problem?: undefined } | { problem: string };

/**
 * To the minute: export tools differ in how they write a scrobble's time (lastfm-to-csv keeps
 * the minute, the API's `uts` the second), and the same scrobble must get the same key from
 * both. The same song scrobbled twice within one minute is one listen (no song is that short).
 */
export function listenKey(l: ListenFields): string {
  return createHash('md5')
    .update(`${l.source}|${l.listened_at.slice(0, 16)}|${l.artist_name}|${l.track_name}`, 'utf8')
    .digest('hex');
}

export function withKey(l: ListenFields): Listen {
  return { listen_key: listenKey(l), ...l };
}

/** Seconds since 1970 as the listen's time, or why not (a real date from 2006 to next year). */
export function fromEpochSeconds(value: unknown, field: string): string | { problem: string } {
  const seconds = typeof value === 'string' && /^\d{1,12}$/.test(value) ? Number(value) : value;
  if (typeof seconds !== 'number' || !Number.isSafeInteger(seconds) || seconds < 0)
    return { problem: `"${field}" is ${show(value)}; expected whole seconds since 1970` };
  const at = new Date(seconds * 1000);
  const problem = calendarProblem(at.getUTCFullYear(), at.getUTCMonth() + 1, at.getUTCDate());
  if (problem) return { problem: `"${field}" is ${show(value)}, which ${problem}` };
  return `${at.toISOString().slice(0, 19)}Z`;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
/** Last.fm's own text: "31 Jan 2021 14:55" (lastfm-to-csv) or "31 Jan 2021, 14:55" (its API). */
const LASTFM_TEXT = /^(\d{1,2}) ([A-Za-z]{3})[a-z]* (\d{4}),? (\d{1,2}):(\d{2})(?::(\d{2}))?$/;
/** ISO 8601 in UTC: "2021-01-31T14:55:00Z", "2021-01-31 14:55:00" or "2021-01-31 14:55". */
const ISO_TEXT = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|\+00:?00)?$/;

/** Is this text written like a time these exports use (whether or not the time is a real one)? */
export function looksLikeTimeText(value: string | undefined): boolean {
  const text = value?.trim() ?? '';
  return LASTFM_TEXT.test(text) || ISO_TEXT.test(text);
}

/** A time written as text (always UTC in these exports) as the listen's time, or why not. */
export function fromTimeText(value: unknown, field: string): string | { problem: string } {
  const expected = `expected a UTC time like "31 Jan 2021 14:55" or "2021-01-31T14:55:00Z"`;
  if (typeof value !== 'string') return { problem: `"${field}" is ${show(value)}; ${expected}` };
  const text = value.trim();
  let parts: number[] | undefined;
  const lastfm = LASTFM_TEXT.exec(text);
  if (lastfm) {
    const month = MONTHS.indexOf((lastfm[2] as string).toLowerCase()) + 1;
    if (month > 0)
      parts = [lastfm[3], month, lastfm[1], lastfm[4], lastfm[5], lastfm[6] ?? 0].map(Number);
  }
  const iso = ISO_TEXT.exec(text);
  if (iso) parts = [iso[1], iso[2], iso[3], iso[4], iso[5], iso[6] ?? 0].map(Number);
  if (!parts) return { problem: `"${field}" is ${show(value)}; ${expected}` };
  const [year, month, day, hour, minute, second] = parts as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const problem = calendarProblem(year, month, day);
  if (problem) return { problem: `"${field}" is ${show(value)}, which ${problem}` };
  if (hour > 23 || minute > 59 || second > 59)
    return { problem: `"${field}" is ${show(value)}, which is not a real time of day` };
  const at = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return `${at.toISOString().slice(0, 19)}Z`;
}

/** A name the listen needs (artist, track): a non-empty string that can be stored. */
export function requiredName(value: unknown, field: string): string | { problem: string } {
  if (typeof value !== 'string' || value.trim() === '')
    return { problem: `"${field}" is ${show(value)}; expected a name` };
  const problem = stringProblem(value);
  return problem ? { problem: `"${field}" ${problem}` } : value;
}

/** A name the listen may lack (album): null when absent or empty. */
export function optionalName(value: unknown, field: string): string | null | { problem: string } {
  if (value === undefined || value === null || value === '') return null;
  return requiredName(value, field);
}

/** A track length in milliseconds, or null; `seconds` when the format gives seconds. */
export function durationMs(
  value: unknown,
  field: string,
  unit: 'ms' | 'seconds',
): number | null | { problem: string } {
  if (value === undefined || value === null || value === '') return null;
  const ms = typeof value === 'number' ? (unit === 'seconds' ? value * 1000 : value) : Number.NaN;
  if (!Number.isFinite(ms) || ms < 0 || ms > MAX_MS_PLAYED)
    return {
      problem: `"${field}" is ${show(value)}; expected a length in ${unit === 'ms' ? 'milliseconds' : 'seconds'}, at most a day`,
    };
  // 0 means "not known" in the wild (players that never say); so does a missing length.
  return ms === 0 ? null : Math.round(ms);
}

const SPOTIFY_TRACK =
  /^(?:spotify:track:|https?:\/\/open\.spotify\.com\/track\/)([A-Za-z0-9]{22})(?:[?#].*)?$/;

/** A Spotify track named by URI or open.spotify.com link, as `spotify:track:<id>`; else null. */
export function spotifyTrackUri(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const id = SPOTIFY_TRACK.exec(value.trim())?.[1];
  return id ? `spotify:track:${id}` : null;
}

export const isProblem = (value: unknown): value is { problem: string } =>
  typeof value === 'object' && value !== null && 'problem' in value;
