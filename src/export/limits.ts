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

/** Why `year-month-day` is not a real calendar date between FIRST_YEAR and next year, or undefined. */
export function calendarProblem(
  year: number,
  month: number,
  day: number,
  now?: Date,
): string | undefined {
  if (year < FIRST_YEAR || year > lastYear(now))
    return `is in the year ${year}; expected ${FIRST_YEAR} to ${lastYear(now)}`;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (month < 1 || month > 12 || date.getUTCDate() !== day || date.getUTCMonth() !== month - 1)
    return `is not a real calendar date (${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')})`;
  return undefined;
}

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?Z?$/;

/** Why an exported UTC time ("2024-08-02T11:56:55Z" or "2021-01-09 02:11") is out of range, or undefined. */
export function instantProblem(text: string, now?: Date): string | undefined {
  const m = ISO_INSTANT.exec(text);
  if (!m) return 'is not a time';
  const [year, month, day, hour, minute, second] = m.slice(1).map((part) => Number(part ?? 0));
  const dateProblem = calendarProblem(year as number, month as number, day as number, now);
  if (dateProblem) return dateProblem;
  if ((hour as number) > 23 || (minute as number) > 59 || (second as number) > 59)
    return 'is not a real time of day';
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
