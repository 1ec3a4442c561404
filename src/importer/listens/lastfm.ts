import { isObject, show } from '../kinds.js';
import type { CsvRow } from './csv.js';
import {
  fromEpochSeconds,
  fromTimeText,
  isProblem,
  type ListenFields,
  type ListenReading,
  looksLikeTimeText,
  optionalName,
  requiredName,
} from './listen.js';

/**
 * Last.fm scrobbles, as the common export tools write them (our samples are written by these
 * descriptions; see test/fixtures/listens/README.md):
 * - CSV without a header, four columns `artist, album, track, date` with the date as Last.fm
 *   shows it, "31 Jan 2021 14:55" (lastfm-to-csv);
 * - CSV with a header naming the columns: an artist, a track and a time, either whole seconds
 *   (`uts`, `timestamp`) or text (`utc_time`, `date`, `played_at`), and maybe an album;
 * - JSON: user.getRecentTracks's track objects, as one list, or as the list of pages the API
 *   returned (`{"recenttracks": {"track": [...]}}` or `{"track": [...]}`).
 * A scrobble's time is when the track began playing (Last.fm's API, track.scrobble).
 */
export interface LastfmCsvLayout {
  artist: number;
  track: number;
  album: number | undefined;
  time: { column: number; name: string; unit: 'seconds' | 'text' };
  /** Without a header, every row has exactly this many columns. */
  width?: number;
}

/** lastfm-to-csv's four columns, without a header. */
const PLAIN: LastfmCsvLayout = {
  artist: 0,
  album: 1,
  track: 2,
  time: { column: 3, name: 'date', unit: 'text' },
  width: 4,
};

const ARTIST = ['artist', 'artist_name', 'artist name', 'artistname'];
const TRACK = ['track', 'track_name', 'track name', 'trackname', 'title', 'name', 'song'];
const ALBUM = ['album', 'album_name', 'album name', 'albumname', 'release', 'release_name'];
const EPOCH = ['uts', 'timestamp', 'unix_timestamp', 'date_uts', 'listened_at'];
const TEXT_TIME = ['utc_time', 'date', 'played_at', 'time', 'datetime', 'scrobble_time'];

const find = (header: string[], names: string[]) => {
  const i = header.findIndex((h) => names.includes(h));
  return i < 0 ? undefined : i;
};

/**
 * How a CSV file's rows are laid out, from its first row; undefined when it is not a Last.fm
 * export at all.
 */
export function lastfmCsvLayout(first: CsvRow): LastfmCsvLayout | undefined {
  const header = first.fields.map((f) => f.trim().toLowerCase());
  const artist = find(header, ARTIST);
  const track = find(header, TRACK);
  const epoch = find(header, EPOCH);
  const text = find(header, TEXT_TIME);
  if (artist !== undefined && track !== undefined && (epoch ?? text) !== undefined) {
    const time =
      epoch !== undefined
        ? { column: epoch, name: header[epoch] as string, unit: 'seconds' as const }
        : { column: text as number, name: header[text as number] as string, unit: 'text' as const };
    return { artist, track, album: find(header, ALBUM), time };
  }
  // No header: lastfm-to-csv's four columns, recognised by a date in the fourth.
  if (first.fields.length === 4 && looksLikeTimeText(first.fields[3])) return PLAIN;
  return undefined;
}

export const LASTFM_CSV_EXPECTED =
  'expected a header naming an artist, a track and a time (uts, utc_time or date), or four columns artist, album, track, date';

export function lastfmCsvRow(row: CsvRow, layout: LastfmCsvLayout): ListenReading {
  const at = (i: number | undefined) => (i === undefined ? undefined : row.fields[i]);
  const { width, time } = layout;
  if (width !== undefined && row.fields.length !== width)
    return { problem: `has ${row.fields.length} columns; expected ${width}` };
  const rawTime = at(time.column);
  const listenedAt =
    time.unit === 'seconds'
      ? fromEpochSeconds(rawTime?.trim(), time.name)
      : fromTimeText(rawTime, time.name);
  const one = scrobble(
    listenedAt,
    requiredName(at(layout.artist), 'artist'),
    requiredName(at(layout.track), 'track'),
    optionalName(at(layout.album), 'album'),
  );
  return isProblem(one) ? one : { listens: [one] };
}

type Checked<T> = T | { problem: string };

/** A scrobble from its checked fields, or the first field's problem. Last.fm gives no length. */
function scrobble(
  listenedAt: Checked<string>,
  artist: Checked<string>,
  track: Checked<string>,
  album: Checked<string | null>,
): Checked<ListenFields> {
  for (const value of [listenedAt, artist, track, album]) if (isProblem(value)) return value;
  return {
    source: 'lastfm',
    listened_at: listenedAt as string,
    artist_name: artist as string,
    track_name: track as string,
    album_name: album as string | null,
    duration_ms: null,
    track_uri: null,
  };
}

/** Last.fm's `{"#text": ...}` (or, with extended=1, `{"name": ...}`) around a name, or a plain string. */
const text = (v: unknown) => (isObject(v) ? (v['#text'] ?? v.name) : v);

export function looksLastfmTrack(r: Record<string, unknown>): boolean {
  return 'artist' in r && 'name' in r && ('date' in r || '@attr' in r || 'url' in r);
}

export function looksLastfmPage(r: Record<string, unknown>): boolean {
  return (isObject(r.recenttracks) && 'track' in r.recenttracks) || Array.isArray(r.track);
}

/** One track object of user.getRecentTracks. The track playing now has no date: not a scrobble yet. */
function lastfmTrack(t: unknown): ListenFields | 'now_playing' | { problem: string } {
  if (!isObject(t)) return { problem: `is ${show(t)}; expected a track object` };
  if (t.date === undefined && isObject(t['@attr']) && String(t['@attr'].nowplaying) === 'true')
    return 'now_playing';
  if (!isObject(t.date)) return { problem: `has no "date" with "uts"` };
  return scrobble(
    fromEpochSeconds(t.date.uts, 'date.uts'),
    requiredName(text(t.artist), 'artist'),
    requiredName(t.name, 'name'),
    optionalName(text(t.album), 'album'),
  );
}

/** A record of a Last.fm JSON list: one track, or one page of tracks. */
export function lastfmJsonRecord(r: Record<string, unknown>): ListenReading {
  if (!looksLastfmPage(r)) {
    const one = lastfmTrack(r);
    if (one === 'now_playing') return { listens: [] };
    return isProblem(one) ? one : { listens: [one] };
  }
  const page = isObject(r.recenttracks) ? r.recenttracks : r;
  // The API gives a page of one track as the object itself, not a list.
  const tracks = Array.isArray(page.track) ? page.track : [page.track];
  const listens: ListenFields[] = [];
  for (const [i, t] of tracks.entries()) {
    const one = lastfmTrack(t);
    if (one === 'now_playing') continue;
    if (isProblem(one)) return { problem: `track ${i} of the page ${one.problem}` };
    listens.push(one);
  }
  return { listens };
}
