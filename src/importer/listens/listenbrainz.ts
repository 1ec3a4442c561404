import { isObject, show } from '../kinds.js';
import {
  durationMs,
  fromEpochSeconds,
  isProblem,
  type ListenReading,
  optionalName,
  requiredName,
  spotifyTrackUri,
} from './listen.js';

/**
 * A ListenBrainz listen, as its user export writes them: one JSON object per line (the export's
 * listens/YYYY/M.jsonl files) or, in older exports, a JSON list of the same objects:
 * `{"listened_at": <seconds>, "track_metadata": {"artist_name", "track_name", "release_name",
 * "additional_info": {"duration_ms" | "duration" (seconds), "spotify_id", ...}}}`.
 * `listened_at` is when listening began, as Last.fm's scrobble time.
 */
export function looksListenBrainz(r: Record<string, unknown>): boolean {
  return 'listened_at' in r && 'track_metadata' in r;
}

export function listenBrainzRecord(r: Record<string, unknown>): ListenReading {
  if (!isObject(r)) return { problem: `is ${show(r)}; expected a listen object` };
  const meta = r.track_metadata;
  if (!isObject(meta)) return { problem: `"track_metadata" is ${show(meta)}; expected an object` };
  const info = isObject(meta.additional_info) ? meta.additional_info : {};
  const listenedAt = fromEpochSeconds(r.listened_at, 'listened_at');
  const artist = requiredName(meta.artist_name, 'track_metadata.artist_name');
  const track = requiredName(meta.track_name, 'track_metadata.track_name');
  const album = optionalName(meta.release_name, 'track_metadata.release_name');
  const duration =
    info.duration_ms !== undefined && info.duration_ms !== null
      ? durationMs(info.duration_ms, 'additional_info.duration_ms', 'ms')
      : durationMs(info.duration, 'additional_info.duration', 'seconds');
  for (const value of [listenedAt, artist, track, album, duration])
    if (isProblem(value)) return value;
  return {
    listens: [
      {
        source: 'listenbrainz',
        listened_at: listenedAt as string,
        artist_name: artist as string,
        track_name: track as string,
        album_name: album as string | null,
        duration_ms: duration as number | null,
        track_uri: spotifyTrackUri(info.spotify_id) ?? spotifyTrackUri(info.origin_url),
      },
    ],
  };
}
