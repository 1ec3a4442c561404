/**
 * Deterministic randomness for the simulated world: the same seed always builds the same
 * catalogue and the same listening history, on any machine and in any order of questions.
 * Each part of the world draws from its own stream, derived from the seed and a label, so
 * asking about day 300 never depends on whether day 299 was generated first.
 */
export type Random = () => number;

/** FNV-1a, 32-bit: turns a label into a seed. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** mulberry32: small, fast, good enough for simulation. */
export function randomStream(seed: string, label: string): Random {
  let state = hashString(`${seed}/${label}`);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const int = (random: Random, min: number, max: number): number =>
  min + Math.floor(random() * (max - min + 1));
export const chance = (random: Random, p: number): boolean => random() < p;
export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

/** A normally distributed number (Box-Muller). */
export function normal(random: Random, mean: number, sd: number): number {
  const u = Math.max(random(), 1e-12);
  const v = random();
  return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Picks an index with probability proportional to its weight (weights need not sum to 1). */
export function weightedIndex(random: Random, cumulative: readonly number[]): number {
  const total = cumulative[cumulative.length - 1] ?? 0;
  const target = random() * total;
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cumulative[mid] ?? 0) > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A Spotify-style id: 22 base62 characters. */
export function spotifyId(random: Random): string {
  let id = '';
  for (let i = 0; i < 22; i++) id += BASE62[Math.floor(random() * 62)];
  return id;
}

export const SPOTIFY_ID = /^[0-9A-Za-z]{22}$/;

const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ra',
  'ven',
  'tor',
  'sil',
  'na',
  'el',
  'dor',
  'fi',
  'mar',
  'ou',
  'zen',
  'bri',
  'gal',
  'hy',
  'ston',
  'ae',
  'lux',
  'cor',
  'dia',
  'nox',
  'pel',
];
const WORDS = [
  'Night',
  'River',
  'Glass',
  'Summer',
  'Echo',
  'Paper',
  'Neon',
  'Golden',
  'Quiet',
  'Wild',
  'Static',
  'Velvet',
  'Northern',
  'Electric',
  'Honey',
  'Silver',
  'Broken',
  'Blue',
  'Midnight',
  'Ocean',
  'Fever',
  'Satellite',
  'Lantern',
  'Harbor',
];
const NOUNS = [
  'Lights',
  'Hearts',
  'Dreams',
  'Lines',
  'Roads',
  'Waves',
  'Birds',
  'Rooms',
  'Skies',
  'Bones',
  'Signals',
  'Gardens',
  'Machines',
  'Letters',
  'Shadows',
  'Horses',
];
/** Names in other scripts and with diacritics: real libraries have them, and so must ours. */
const FOREIGN = [
  '夜の街',
  'ソラノアオ',
  'Звёздный путь',
  'Белые ночи',
  'Ωκεανός',
  'Café Noir',
  'Zoë & the Fjords',
  'Sigur Ósk',
  'Mañana Fría',
  'Đêm Trăng',
  'Ñandú',
  'Über Alles Blau',
  'कल की बात',
  '서울의 밤',
  'Ça ira',
];

export function artistName(random: Random): string {
  if (chance(random, 0.12)) return pick(random, FOREIGN);
  if (chance(random, 0.45)) {
    const word = Array.from({ length: int(random, 2, 3) }, () => pick(random, SYLLABLES)).join('');
    return word.charAt(0).toUpperCase() + word.slice(1);
  }
  return `${chance(random, 0.3) ? 'The ' : ''}${pick(random, WORDS)} ${pick(random, NOUNS)}`;
}

export function titleName(random: Random): string {
  if (chance(random, 0.08)) return pick(random, FOREIGN);
  const words = [pick(random, WORDS), pick(random, NOUNS)];
  if (chance(random, 0.3))
    words.unshift(pick(random, ['In', 'Under', 'After', 'All the', 'No More']));
  return words.join(' ');
}
