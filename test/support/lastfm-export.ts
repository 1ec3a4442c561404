import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The fields of an extended-history record that a scrobbler sees. */
export interface StreamRecord {
  ts: string;
  ms_played: number;
  master_metadata_track_name: string | null;
  master_metadata_album_artist_name: string | null;
  master_metadata_album_album_name: string | null;
  spotify_track_uri: string | null;
  incognito_mode: boolean | null;
}

/** An extended-history folder's music streams (audio and music videos), each once (the export's own duplicates collapse), by time. */
export function musicStreams(folder: string): StreamRecord[] {
  const seen = new Map<string, StreamRecord>();
  for (const name of readdirSync(folder).filter((n) =>
    /^(Streaming_History_(Audio|Video)|endsong)/.test(n),
  ))
    for (const r of JSON.parse(readFileSync(join(folder, name), 'utf8')) as StreamRecord[])
      if (r.master_metadata_track_name)
        seen.set(`${r.ts}|${r.spotify_track_uri}|${r.ms_played}`, r);
  return [...seen.values()].sort((a, b) => a.ts.localeCompare(b.ts));
}

/**
 * The streams Spotify would have scrobbled to Last.fm: 30 s or more, outside a private session.
 * Last.fm takes a scrobble once half the song (or 4 minutes) played, so the same song cannot
 * be scrobbled twice in one minute (that would need a song under 2 minutes, stopped and played
 * again within the minute): of such streams, the first is kept.
 */
export function scrobbledStreams(streams: StreamRecord[]): StreamRecord[] {
  const seen = new Set<string>();
  return streams.filter((r) => {
    if (r.ms_played < 30_000 || r.incognito_mode) return false;
    const minute = Math.floor((Date.parse(r.ts) - r.ms_played) / 60_000);
    const key = `${minute}|${r.master_metadata_album_artist_name}|${r.master_metadata_track_name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "01 Jun 2026 19:02", as lastfm-to-csv writes a scrobble's time (UTC, to the minute). */
export function lastfmDate(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
}

const csvField = (s: string) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

/**
 * Spotify streams as Last.fm would have scrobbled them, in lastfm-to-csv's format (artist,
 * album, track, date): stamped with when each began, to the minute, and with the names a
 * little different, as Last.fm keeps them (every third artist in capitals, every fifth track
 * with an en dash for " - " and a trailing space).
 */
export function lastfmCsv(streams: StreamRecord[]): string {
  const rows = streams.map((r, i) => {
    const artist = r.master_metadata_album_artist_name as string;
    const track = r.master_metadata_track_name as string;
    return [
      i % 3 === 0 ? artist.toUpperCase() : artist,
      r.master_metadata_album_album_name ?? '',
      i % 5 === 0 ? `${track.replaceAll(' - ', ' – ')} ` : track,
      lastfmDate(Date.parse(r.ts) - r.ms_played),
    ];
  });
  return `${rows.map((r) => r.map(csvField).join(',')).join('\n')}\n`;
}
