import { LakePathError } from '../errors.js';
import { CONTROL_CHARACTER, quoteForDisplay } from '../text.js';

/**
 * Checks a lake path and returns it in canonical form. Lake paths are relative, `/`-separated and
 * never leave the lake root: `..`, `.` segments, absolute paths, backslashes (a Windows path
 * separator), empty segments and control characters are refused. Names starting with `.tmp-`
 * are reserved for in-progress writes.
 */
export function checkLakePath(path: string): string {
  const refuse = (why: string): never => {
    throw new LakePathError(`Refused lake path ${quoteForDisplay(path)}: ${why}.`, {
      hint: 'Lake paths are relative, use "/" between parts, and stay inside the lake.',
    });
  };
  if (typeof path !== 'string' || path.length === 0) refuse('it is empty');
  if (path.includes('\0')) refuse('it contains a NUL character');
  if (CONTROL_CHARACTER.test(path)) refuse('it contains a control character');
  if (path.includes('\\')) refuse('it contains a backslash');
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) refuse('it is absolute');
  if (path.length > 1024) refuse('it is longer than 1024 characters');
  const segments = path.split('/');
  for (const segment of segments) {
    if (segment === '..') refuse('it would leave the lake ("..")');
    if (segment === '.') refuse('it has a "." segment');
    if (segment === '') refuse('it has an empty segment (a leading, trailing or double "/")');
    if (segment.startsWith(TEMP_PREFIX))
      refuse(`names starting with "${TEMP_PREFIX}" are reserved`);
  }
  return path;
}

/** A list prefix may be empty (the whole lake) or end with `/`; otherwise the same rules apply. */
export function checkLakePrefix(prefix: string): string {
  if (prefix === '') return prefix;
  checkLakePath(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
  return prefix;
}

/** Whether `path` sorts after `startAfter` in byte order (ListOptions.startAfter); true without one. */
export function sortsAfter(path: string, startAfter: string | undefined): boolean {
  return startAfter === undefined || Buffer.compare(Buffer.from(path), Buffer.from(startAfter)) > 0;
}

/** In-progress writes use this prefix; listings skip it and it can never be a real name. */
export const TEMP_PREFIX = '.tmp-';
