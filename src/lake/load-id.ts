import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case
const RANDOM_LENGTH = 10;

let lastStamp = '';
let lastRandom: number[] = [];

/**
 * A load id names one extract, import or transform: `20261124T020633123Z-9x2kq7m1ab`.
 * It sorts by creation time (a fixed-width UTC stamp to the millisecond), is unique across
 * processes (50 random bits), and is monotonic within a process: two ids made in the same
 * millisecond sort in the order they were made. It is safe in file names and URLs.
 */
export function newLoadId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:.]/g, '');
  let digits: number[];
  if (stamp === lastStamp) {
    digits = increment(lastRandom);
  } else {
    const bytes = randomBytes(RANDOM_LENGTH);
    // Keep the top digit small so incrementing within one millisecond cannot overflow.
    digits = [...bytes].map((b, i) => (i === 0 ? b % 16 : b % 32));
  }
  lastStamp = stamp;
  lastRandom = digits;
  return `${stamp}-${digits.map((d) => ALPHABET[d]).join('')}`;
}

function increment(digits: number[]): number[] {
  const next = [...digits];
  for (let i = next.length - 1; i >= 0; i--) {
    const value = (next[i] ?? 0) + 1;
    if (value < 32) {
      next[i] = value;
      return next;
    }
    next[i] = 0;
  }
  throw new Error('load id space for this millisecond is exhausted');
}

export const LOAD_ID_PATTERN = /^\d{8}T\d{9}Z-[0-9a-hjkmnp-tv-z]{10}$/;

export function isLoadId(value: string): boolean {
  return LOAD_ID_PATTERN.test(value);
}

/** The UTC time a load id was made. */
export function loadIdTime(loadId: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z-/.exec(loadId);
  if (!m) throw new Error(`not a load id: ${loadId}`);
  const [, y, mo, d, h, mi, s, ms] = m;
  return new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}Z`);
}
