/**
 * What an imported record may hold: the ranges every model (DuckDB and Spark) can read and
 * compute with. Checked at the door, so that nothing that passes import can make a build fail.
 * Each limit is far beyond what a real export holds (SPOTIFY.md): a track name is under 1 KB,
 * a stream record under 2 KB, a stream at most hours long.
 */

/** Spotify launched in 2006: no stream or save is older. */
export const FIRST_YEAR = 2006;
/** The clock may be a little off, and exports are in UTC: next year is the latest allowed. */
export const lastYear = (now = new Date()) => now.getUTCFullYear() + 1;
/** lastYear() when this process started (asked once per record, so computed once). */
const LAST_YEAR = lastYear();

/** Longest string value (characters) in any record or document. */
export const MAX_STRING_CHARS = 32 * 1024;
/** Largest single stream record (bytes of its JSON text). Refused without being buffered whole. */
export const MAX_RECORD_BYTES = 256 * 1024;
/** Longest stream: a day, in milliseconds (no day holds more; gold checks minutes <= 1440 a day). */
export const MAX_MS_PLAYED = 24 * 3600 * 1000;
/** `offline_timestamp` is seconds in new exports and milliseconds in old ones; both fit under this. */
export const MAX_OFFLINE_TIMESTAMP = 10 ** 14;
/** Whole numbers the models cast to INTEGER (followers, positions). */
export const MAX_INT32 = 2 ** 31 - 1;
/** How deep a document may nest (the export's documents are 3-4 levels deep). */
export const MAX_DEPTH = 32;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/** Why `year-month-day` is not a real calendar date between FIRST_YEAR and next year, or undefined. */
export function calendarProblem(
  year: number,
  month: number,
  day: number,
  now?: Date,
): string | undefined {
  const last = now === undefined ? LAST_YEAR : lastYear(now);
  if (year < FIRST_YEAR || year > last)
    return `is in the year ${year}; expected ${FIRST_YEAR} to ${last}`;
  const days = month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1];
  if (days === undefined || day < 1 || day > days)
    return `is not a real calendar date (${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')})`;
  return undefined;
}

/**
 * Why an exported UTC time is out of range, or undefined. The text has the export's shape
 * (checked by the caller): "2024-08-02T11:56:55Z" or "2021-01-09 02:11". Read digit by digit:
 * this runs for every one of millions of records.
 */
export function instantProblem(text: string, now?: Date): string | undefined {
  const d = (i: number) => text.charCodeAt(i) - 48;
  const year = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3);
  const dateProblem = calendarProblem(year, d(5) * 10 + d(6), d(8) * 10 + d(9), now);
  if (dateProblem) return dateProblem;
  const hour = d(11) * 10 + d(12);
  const minute = d(14) * 10 + d(15);
  const second = text.length >= 19 ? d(17) * 10 + d(18) : 0;
  if (hour > 23 || minute > 59 || second > 59) return 'is not a real time of day';
  return undefined;
}

declare global {
  interface String {
    /** ES2024, in Node since 20: false when the string holds a lone surrogate. */
    isWellFormed(): boolean;
  }
}

/** Why a string cannot be stored (lone UTF-16 surrogates, too long), or undefined. */
export function stringProblem(value: string): string | undefined {
  if (value.length > MAX_STRING_CHARS)
    return `is a string of ${value.length.toLocaleString('en-US')} characters; at most ${MAX_STRING_CHARS.toLocaleString('en-US')} are allowed`;
  if (!value.isWellFormed())
    return 'holds a lone UTF-16 surrogate (\\ud800-\\udfff without its pair), which is not valid Unicode';
  return undefined;
}

/**
 * The first value anywhere inside `value` that no model could store: a bad string (or key),
 * a number that is not finite (JSON.parse reads 1e400 as Infinity), or nesting too deep.
 * Returns the JSON path of the value and what is wrong.
 */
export function deepProblem(
  value: unknown,
  path = '',
  depth = 0,
): { path: string; problem: string } | undefined {
  if (typeof value === 'string') {
    const problem = stringProblem(value);
    return problem ? { path, problem } : undefined;
  }
  if (typeof value === 'number')
    return Number.isFinite(value) ? undefined : { path, problem: 'is a number too large to store' };
  if (value === null || typeof value !== 'object') return undefined;
  if (depth >= MAX_DEPTH) return { path, problem: `nests deeper than ${MAX_DEPTH} levels` };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = deepProblem(value[i], `${path}[${i}]`, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    const keyProblem = stringProblem(key);
    const at = path ? `${path}.${key}` : key;
    if (keyProblem) return { path: at.slice(0, 80), problem: `has a key that ${keyProblem}` };
    const found = deepProblem(item, at, depth + 1);
    if (found) return found;
  }
  return undefined;
}
