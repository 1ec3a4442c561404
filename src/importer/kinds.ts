import {
  deepProblem,
  FIRST_YEAR,
  instantProblem,
  lastYear,
  MAX_INT32,
  MAX_MS_PLAYED,
  MAX_OFFLINE_TIMESTAMP,
  stringProblem,
} from './limits.js';

/**
 * What the Spotify data export contains, and how to tell its files apart (SPOTIFY.md, "The data
 * export"). Names are only hints: a file is recognised by its content. Files with personal
 * details are recognised by name so that they are never even read.
 */
export type ExportKind =
  | 'extended_history'
  | 'account_history'
  | 'library'
  | 'playlists'
  | 'wrapped'
  | 'sound_capsule';

/** Extended history field sets, by the export era that introduced them. */
export type FieldSet =
  | '2021-23'
  | '2024'
  | '2025-26'
  | 'account-music'
  | 'account-podcast'
  | 'account-legacy'
  | 'lastfm-csv'
  | 'lastfm-csv-header'
  | 'lastfm-json'
  | 'listenbrainz-jsonl'
  | 'listenbrainz-json';

export interface NameHint {
  kind: ExportKind;
  variant?: 'audio' | 'video' | 'music' | 'podcast' | 'legacy';
}

const HINTS: Array<[RegExp, NameHint]> = [
  [/^Streaming_History_Audio_.*\.json$/i, { kind: 'extended_history', variant: 'audio' }],
  [/^Streaming_History_Video_.*\.json$/i, { kind: 'extended_history', variant: 'video' }],
  [/^endsong(_\d+)?\.json$/i, { kind: 'extended_history', variant: 'audio' }],
  [/^StreamingHistory_music_\d+\.json$/i, { kind: 'account_history', variant: 'music' }],
  [/^StreamingHistory_podcast_\d+\.json$/i, { kind: 'account_history', variant: 'podcast' }],
  [/^StreamingHistory\d+\.json$/i, { kind: 'account_history', variant: 'legacy' }],
  [/^YourLibrary\.json$/i, { kind: 'library' }],
  [/^Playlist\d+\.json$/i, { kind: 'playlists' }],
  [/^Wrapped\d{4}\.json$/i, { kind: 'wrapped' }],
  [/^YourSoundCapsule\.json$/i, { kind: 'sound_capsule' }],
];

export function nameHint(baseName: string): NameHint | undefined {
  return HINTS.find(([pattern]) => pattern.test(baseName))?.[1];
}

/**
 * Account files that hold personal details the product never needs: not landed, not read.
 * Matched on the start of the base name, so numbered variants (Payments1.json) match too.
 */
const PERSONAL = [
  'Userdata',
  'UserAttributes',
  'UserPrompts',
  'Identity',
  'Identifiers',
  'Payments',
  'FamilyPlan',
  'DuoNewFamily',
  'MessageData',
  'Inferences',
  'SearchQueries',
  'CustomerServiceHistory',
  'Marquee',
  'Follow',
  'Connections',
  'SoundTrap',
  'ConcertsAndEvents',
];
const PERSONAL_PATTERN = new RegExp(`^(${PERSONAL.join('|')})`, 'i');

export function isPersonal(baseName: string): boolean {
  return PERSONAL_PATTERN.test(baseName);
}

// ---- record shapes -------------------------------------------------------------------------

type Rule = 'string?' | 'bool?' | 'epoch?' | 'ms' | 'ts' | 'endTime';

const EXTENDED_RULES: Record<string, Rule> = {
  ts: 'ts',
  ms_played: 'ms',
  username: 'string?',
  platform: 'string?',
  conn_country: 'string?',
  ip_addr: 'string?',
  ip_addr_decrypted: 'string?',
  user_agent_decrypted: 'string?',
  master_metadata_track_name: 'string?',
  master_metadata_album_artist_name: 'string?',
  master_metadata_album_album_name: 'string?',
  spotify_track_uri: 'string?',
  episode_name: 'string?',
  episode_show_name: 'string?',
  spotify_episode_uri: 'string?',
  audiobook_title: 'string?',
  audiobook_uri: 'string?',
  audiobook_chapter_uri: 'string?',
  audiobook_chapter_title: 'string?',
  reason_start: 'string?',
  reason_end: 'string?',
  shuffle: 'bool?',
  skipped: 'bool?',
  offline: 'bool?',
  offline_timestamp: 'epoch?',
  incognito_mode: 'bool?',
};
const EXTENDED_REQUIRED = ['ts', 'ms_played'];

const ACCOUNT_RULES: Record<string, Rule> = {
  endTime: 'endTime',
  msPlayed: 'ms',
  artistName: 'string?',
  trackName: 'string?',
  podcastName: 'string?',
  episodeName: 'string?',
};
const ACCOUNT_REQUIRED = ['endTime', 'msPlayed'];

const TS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const END_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/;

const EXPECTED: Record<Rule, string> = {
  'string?': 'a string or null',
  'bool?': 'true, false or null',
  'epoch?': `a whole number of seconds or milliseconds since 1970 (0 to ${MAX_OFFLINE_TIMESTAMP.toExponential()}) or null`,
  ms: `a whole number of milliseconds from 0 to ${MAX_MS_PLAYED.toLocaleString('en-US')} (a day)`,
  ts: 'a UTC time like "2024-08-02T11:56:55Z"',
  endTime: 'a UTC time like "2021-01-09 02:11"',
};

/** A value as an error message quotes it: JSON, cut to 60 characters. */
export function show(value: unknown): string {
  const short = typeof value === 'string' && value.length > 60 ? value.slice(0, 60) : value;
  const text = JSON.stringify(short) ?? String(short);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function follows(rule: Rule, value: unknown): boolean {
  switch (rule) {
    case 'string?':
      return value === null || typeof value === 'string';
    case 'bool?':
      return value === null || typeof value === 'boolean';
    case 'epoch?':
      return (
        value === null ||
        (typeof value === 'number' &&
          Number.isSafeInteger(value) &&
          value >= 0 &&
          value <= MAX_OFFLINE_TIMESTAMP)
      );
    case 'ms':
      return (
        typeof value === 'number' &&
        Number.isSafeInteger(value) &&
        value >= 0 &&
        value <= MAX_MS_PLAYED
      );
    case 'ts':
      return typeof value === 'string' && TS.test(value);
    case 'endTime':
      return typeof value === 'string' && END_TIME.test(value);
  }
}

/**
 * Returns what is wrong with a record, naming the field, or undefined. Unknown extra fields are
 * allowed (Spotify adds fields), as long as every value in them could be stored.
 */
function checkRecord(
  record: Record<string, unknown>,
  rules: Record<string, Rule>,
  required: string[],
): string | undefined {
  if (record === null || typeof record !== 'object' || Array.isArray(record))
    return 'is not an object';
  for (const field of required) {
    if (!(field in record)) return `has no "${field}" field`;
  }
  for (const field in record) {
    const value = record[field];
    const rule = rules[field];
    if (rule === undefined) {
      // A field this product does not read yet: still nothing in it may break a build.
      const deep = deepProblem(value, field);
      if (deep) return `"${deep.path}" ${deep.problem}`;
      const keyProblem = stringProblem(field);
      if (keyProblem) return `a field name ${keyProblem}`;
      continue;
    }
    if (!follows(rule, value)) return `"${field}" is ${show(value)}; expected ${EXPECTED[rule]}`;
    if (typeof value !== 'string') continue;
    const problem =
      rule === 'ts' || rule === 'endTime' ? instantProblem(value) : stringProblem(value);
    if (problem)
      return rule === 'ts' || rule === 'endTime'
        ? `"${field}" is ${show(value)}, which ${problem}`
        : `"${field}" ${problem}`;
  }
  return undefined;
}

export const checkExtendedRecord = (r: Record<string, unknown>) =>
  checkRecord(r, EXTENDED_RULES, EXTENDED_REQUIRED);
export const checkAccountRecord = (r: Record<string, unknown>) =>
  checkRecord(r, ACCOUNT_RULES, ACCOUNT_REQUIRED);

/** Does the first record look like this kind? Used when the name gives no hint. */
export function looksExtended(r: Record<string, unknown>): boolean {
  return 'ts' in r && 'ms_played' in r;
}
export function looksAccount(r: Record<string, unknown>): boolean {
  return 'endTime' in r && 'msPlayed' in r;
}

export function extendedFieldSet(keys: Set<string>): FieldSet {
  if (keys.has('username') || keys.has('ip_addr_decrypted') || keys.has('user_agent_decrypted'))
    return '2021-23';
  if (keys.has('audiobook_uri') || keys.has('audiobook_title') || keys.has('audiobook_chapter_uri'))
    return '2025-26';
  return '2024';
}

export function accountFieldSet(keys: Set<string>, hint: NameHint | undefined): FieldSet {
  if (hint?.variant === 'music') return 'account-music';
  if (hint?.variant === 'podcast') return 'account-podcast';
  if (hint?.variant === 'legacy') return 'account-legacy';
  if (keys.has('podcastName') || keys.has('episodeName')) return 'account-podcast';
  return 'account-music';
}

/** What an extended record is: a track, an episode, an audiobook chapter, or unknown (all metadata null). */
export function extendedContentType(
  r: Record<string, unknown>,
): 'track' | 'episode' | 'audiobook' | 'unknown' {
  if (r.spotify_track_uri || r.master_metadata_track_name) return 'track';
  if (r.spotify_episode_uri || r.episode_name) return 'episode';
  if (r.audiobook_chapter_uri || r.audiobook_uri || r.audiobook_title) return 'audiobook';
  return 'unknown';
}

/** `endTime` ("2021-01-09 02:11", UTC) as an ISO time. */
export function endTimeIso(endTime: string): string {
  return `${endTime.replace(' ', 'T')}:00Z`;
}

// ---- whole-document kinds ------------------------------------------------------------------

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const LIBRARY_KEYS = [
  'tracks',
  'albums',
  'shows',
  'episodes',
  'artists',
  'bannedTracks',
  'bannedArtists',
  'other',
];

/** The field that names each entry of a YourLibrary list (the models need it). */
const LIBRARY_NAME_FIELD: Record<string, string> = {
  tracks: 'track',
  bannedTracks: 'track',
  albums: 'album',
  artists: 'name',
  shows: 'name',
  episodes: 'name',
  bannedArtists: 'name',
};

/**
 * Checks a document kind; returns [records, problem]. `baseName` is the file's name (a Wrapped
 * file's year is in it).
 */
export function checkDocument(
  kind: DocumentKind,
  doc: unknown,
  baseName = '',
): { records: number; problem?: string } {
  if (!isObject(doc))
    return {
      records: 0,
      problem: `expected a JSON object, found ${Array.isArray(doc) ? 'an array' : typeof doc}`,
    };
  const deep = deepProblem(doc, '$');
  if (deep) return { records: 0, problem: `${deep.path} ${deep.problem}` };
  switch (kind) {
    case 'library': {
      let records = 0;
      for (const key of LIBRARY_KEYS) {
        const list = doc[key];
        if (list === undefined) continue;
        if (!Array.isArray(list)) return { records: 0, problem: `"${key}" should be a list` };
        const nameField = LIBRARY_NAME_FIELD[key];
        for (const [i, item] of list.entries()) {
          if (nameField && !(isObject(item) && typeof item[nameField] === 'string'))
            return {
              records: 0,
              problem: `"${key}" entry ${i} has no "${nameField}" string (${show(item)})`,
            };
        }
        records += list.length;
      }
      return { records };
    }
    case 'playlists': {
      const playlists = doc.playlists;
      if (!Array.isArray(playlists)) return { records: 0, problem: 'has no "playlists" list' };
      for (const [i, p] of playlists.entries()) {
        if (!isObject(p)) return { records: 0, problem: `playlist ${i} is not an object` };
        if (typeof p.name !== 'string')
          return { records: 0, problem: `playlist ${i} has no "name" string` };
        const followers = p.numberOfFollowers;
        if (
          followers !== undefined &&
          followers !== null &&
          !(
            Number.isSafeInteger(followers) &&
            (followers as number) >= 0 &&
            (followers as number) <= MAX_INT32
          )
        )
          return {
            records: 0,
            problem: `playlist ${i} ("${p.name.slice(0, 60)}") has "numberOfFollowers" ${show(followers)}; expected a whole number from 0 to ${MAX_INT32}`,
          };
        if (p.items !== undefined && p.items !== null && !Array.isArray(p.items)) {
          return {
            records: 0,
            problem: `playlist ${i} ("${p.name}") has "items" that is not a list`,
          };
        }
      }
      return { records: playlists.length };
    }
    case 'wrapped': {
      const year = Number(/(\d{4})\.json$/i.exec(baseName)?.[1]);
      if (year < FIRST_YEAR || year > lastYear())
        return {
          records: 0,
          problem: `is named for the year ${year}; Wrapped exists from ${FIRST_YEAR} to ${lastYear()}`,
        };
      return { records: 1 };
    }
    case 'sound_capsule': {
      // Spotify's daily highlights: `stats`, one entry per day, every field optional.
      if (doc.stats === undefined) return { records: 0 };
      if (!Array.isArray(doc.stats)) return { records: 0, problem: '"stats" should be a list' };
      for (const [i, day] of doc.stats.entries())
        if (!isObject(day)) return { records: 0, problem: `stats entry ${i} is not an object` };
      return { records: doc.stats.length };
    }
  }
}

/** The export's files that are one JSON document each, not a list of records. */
export type DocumentKind = 'library' | 'playlists' | 'wrapped' | 'sound_capsule';

export function documentKindByContent(doc: unknown): 'library' | 'playlists' | undefined {
  if (!isObject(doc)) return undefined;
  if (Array.isArray(doc.playlists)) return 'playlists';
  if (LIBRARY_KEYS.filter((k) => Array.isArray(doc[k])).length >= 2) return 'library';
  return undefined;
}
