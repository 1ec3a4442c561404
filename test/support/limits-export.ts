/**
 * A generated export with every field at or near the limits import allows (src/importer/limits.ts):
 * the first and last allowed instants, leap days, 0 and the longest stream, offline times at
 * both units' edges, the longest strings, astral and control characters, SQL- and template-
 * looking text, odd URIs, unknown nested fields. Seeded: the same files every time. Each record
 * is on a day of its own, so together they stay possible (no day holds over 24 hours).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  FIRST_YEAR,
  lastYear,
  MAX_INT32,
  MAX_MS_PLAYED,
  MAX_OFFLINE_TIMESTAMP,
  MAX_STRING_CHARS,
} from '../../src/importer/limits.js';
import { randomStream } from '../../src/simulator/random.js';

const random = randomStream('limits', 'records');
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

const LAST = lastYear();
const DAY = 86_400_000;
const BOUNDARIES = [
  `${FIRST_YEAR}-01-01T00:00:00Z`,
  `${LAST}-12-31T23:59:59Z`,
  '2024-02-29T12:00:00Z',
  '2016-12-31T23:59:59Z',
  '2020-03-29T01:30:00Z', // the hour Europe skips
];
/**
 * Each record on a day of its own, two days from any other (time zones move a UTC day): every
 * record may be at the limits, but together they stay possible (no day holds over 24 hours).
 */
const usedDays = new Set<number>();
function randomTime(): string {
  const boundary = BOUNDARIES.find((t) => !usedDays.has(Math.floor(Date.parse(t) / DAY)));
  const first = Date.UTC(FIRST_YEAR, 0, 2) / DAY;
  const last = Date.UTC(LAST, 11, 30) / DAY;
  let day = boundary ? Math.floor(Date.parse(boundary) / DAY) : 0;
  while (!boundary && (day === 0 || [day - 1, day, day + 1].some((d) => usedDays.has(d))))
    day = first + Math.floor(random() * (last - first));
  for (const d of [day - 1, day, day + 1]) usedDays.add(d);
  if (boundary) return boundary;
  const at = new Date(day * DAY + Math.floor(random() * DAY));
  return `${at.toISOString().slice(0, 19)}Z`;
}

const STRINGS = [
  '',
  ' ',
  'x'.repeat(MAX_STRING_CHARS),
  '🎵'.repeat(MAX_STRING_CHARS / 2), // astral: two UTF-16 units each
  'nul\u0000 and\u0001control\n\t\r"quoted" \\back\\slash',
  '\u202eright-to-left\u200b zero-width e\u0301',
  "'; DROP TABLE silver.fct_play; --",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: template-looking text is the point
  "{{ ref('gold.wrapped_year') }} ${x} %s %",
  'Ünïcödé 日本語 한국어 العربية',
];
const URIS = [
  null,
  '',
  'spotify:track:',
  'not a uri',
  `spotify:track:${'A'.repeat(MAX_STRING_CHARS - 14)}`,
];
const text = () => (random() < 0.3 ? null : pick(STRINGS));
const uri = (kind: string) =>
  random() < 0.5 ? `spotify:${kind}:${Math.floor(random() * 40)}` : pick(URIS);
const ms = () => pick([0, 1, 29_999, 30_000, MAX_MS_PLAYED, Math.floor(random() * 400_000)]);
const bool = () => pick([true, false, null]);

function extendedRecord(): Record<string, unknown> {
  const content = pick(['track', 'episode', 'audiobook', 'unknown']);
  return {
    ts: randomTime(),
    platform: text(),
    ms_played: ms(),
    conn_country: text(),
    master_metadata_track_name: content === 'track' ? text() : null,
    master_metadata_album_artist_name: content === 'track' ? text() : null,
    master_metadata_album_album_name: content === 'track' ? text() : null,
    spotify_track_uri: content === 'track' ? uri('track') : null,
    episode_name: content === 'episode' ? text() : null,
    episode_show_name: content === 'episode' ? text() : null,
    spotify_episode_uri: content === 'episode' ? uri('episode') : null,
    audiobook_title: content === 'audiobook' ? text() : null,
    audiobook_uri: content === 'audiobook' ? uri('audiobook') : null,
    audiobook_chapter_uri: content === 'audiobook' ? uri('episode') : null,
    audiobook_chapter_title: content === 'audiobook' ? text() : null,
    reason_start: text(),
    reason_end: text(),
    shuffle: bool(),
    skipped: bool(),
    offline: bool(),
    offline_timestamp: pick([
      null,
      0,
      1,
      99_999_999_999,
      100_000_000_001,
      MAX_OFFLINE_TIMESTAMP,
      1_722_558_601,
    ]),
    incognito_mode: bool(),
    // Spotify adds fields: unknown ones, even nested, are kept and never break a build.
    ...(random() < 0.2 ? { some_new_field: { deep: [1, 1e308, -0, 'x', null, { a: true }] } } : {}),
  };
}

function accountRecord(): Record<string, unknown> {
  const time = randomTime();
  const podcast = random() < 0.3;
  return {
    endTime: `${time.slice(0, 10)} ${time.slice(11, 16)}`,
    ...(podcast
      ? { podcastName: text(), episodeName: text() }
      : { artistName: text(), trackName: text() }),
    msPlayed: ms(),
  };
}

const library = () => ({
  tracks: Array.from({ length: 20 }, () => ({
    artist: text(),
    album: text(),
    track: pick(STRINGS),
    uri: pick(URIS),
  })),
  albums: [{ artist: text(), album: pick(STRINGS), uri: pick(URIS) }],
  artists: [{ name: pick(STRINGS), uri: pick(URIS) }],
  shows: [{ name: pick(STRINGS), publisher: text(), uri: pick(URIS) }],
  episodes: [{ name: pick(STRINGS), show: text(), uri: pick(URIS) }],
  bannedTracks: [],
  bannedArtists: [{ name: pick(STRINGS) }],
  other: ['anything'],
});

const playlists = () => ({
  playlists: [0, MAX_INT32, null].map((followers, i) => ({
    name: pick(STRINGS),
    lastModifiedDate: pick(['2023-02-30', 'garbage', '2024-02-29', '']),
    collaborators: [],
    items: Array.from({ length: 5 }, () => ({
      track: { trackName: text(), artistName: text(), albumName: text(), trackUri: pick(URIS) },
      episode: null,
      addedDate: pick(['2023-02-30', 'soon', `${LAST}-12-31`, '']),
    })),
    description: i === 0 ? 'x'.repeat(MAX_STRING_CHARS) : null,
    numberOfFollowers: followers,
  })),
});

const soundCapsule = () => ({
  stats: [
    { date: '2023-02-30', streamCount: 1e308, secondsPlayed: -1, highlights: [] },
    { date: `${LAST}-12-31`, streamCount: MAX_INT32, secondsPlayed: 0 },
    { date: 'not a date', streamCount: 'many' },
  ],
});

export async function writeLimitsExport(
  folder: string,
  part: number,
): Promise<Record<string, unknown>[]> {
  await mkdir(folder, { recursive: true });
  const extended = Array.from({ length: 150 }, extendedRecord);
  await writeFile(
    join(folder, `Streaming_History_Audio_part${part}.json`),
    JSON.stringify(extended),
  );
  await writeFile(
    join(folder, `StreamingHistory_music_${part}.json`),
    JSON.stringify(Array.from({ length: 100 }, accountRecord)),
  );
  if (part === 1) {
    await writeFile(join(folder, 'YourLibrary.json'), JSON.stringify(library()));
    await writeFile(join(folder, 'Playlist1.json'), JSON.stringify(playlists()));
    await writeFile(join(folder, 'YourSoundCapsule.json'), JSON.stringify(soundCapsule()));
  }
  return extended;
}
