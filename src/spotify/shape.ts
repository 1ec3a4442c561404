import { SpotifyProtocolError } from './errors.js';

/**
 * Run-time checks for Spotify responses: small composable checkers that return the typed value
 * or throw with the exact place that is wrong (`items[3].track.id: expected a string, got null`).
 * Fields removed in 2026 are simply not declared, so their absence never fails a check.
 */
export type Checker<T> = (value: unknown, path: string) => T;

export class ShapeError extends SpotifyProtocolError {}

function fail(path: string, expected: string, value: unknown): never {
  const got = value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value;
  throw new ShapeError(`${path || 'response'}: expected ${expected}, got ${got}`);
}

export const string: Checker<string> = (v, p) =>
  typeof v === 'string' ? v : fail(p, 'a string', v);
export const number: Checker<number> = (v, p) =>
  typeof v === 'number' && Number.isFinite(v) ? v : fail(p, 'a number', v);
export const boolean: Checker<boolean> = (v, p) =>
  typeof v === 'boolean' ? v : fail(p, 'true or false', v);
export const unknownValue: Checker<unknown> = (v) => v;

export function nullable<T>(check: Checker<T>): Checker<T | null> {
  return (v, p) => (v === null || v === undefined ? null : check(v, p));
}

/** Optional: absent or null both read as undefined. */
export function optional<T>(check: Checker<T>): Checker<T | undefined> {
  return (v, p) => (v === null || v === undefined ? undefined : check(v, p));
}

export function list<T>(check: Checker<T>): Checker<T[]> {
  return (v, p) =>
    Array.isArray(v) ? v.map((item, i) => check(item, `${p}[${i}]`)) : fail(p, 'a list', v);
}

type Shape = Record<string, Checker<unknown>>;
type Out<S extends Shape> = { [K in keyof S]: ReturnType<S[K]> };

export function object<S extends Shape>(shape: S): Checker<Out<S>> {
  return (v, p) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return fail(p, 'an object', v);
    const out: Record<string, unknown> = {};
    for (const [key, check] of Object.entries(shape))
      out[key] = check((v as Record<string, unknown>)[key], p ? `${p}.${key}` : key);
    return out as Out<S>;
  };
}
