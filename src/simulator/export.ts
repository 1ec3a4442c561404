import type { Catalog } from './catalog.js';
import type { Stream } from './listener.js';
import { FRIEND_ID, type World } from './world.js';
import { makeZip, type ZipEntrySpec } from './zip-writer.js';

/**
 * The simulated listener's "Download your data" export, laid out like the real ones in
 * ../shared/samples and consistent with the ground truth: `ts` is the end of each stream
 * (to the second), `endTime` the same to the minute, and the export stops two days before
 * the clock's "now", as Spotify's does. The same world and options give the same bytes.
 */
export type ExportFieldSet = '2025-26' | '2024' | '2021-23';

export interface ExportOptions {
  fieldSet?: ExportFieldSet;
  /** Old naming: MyData/endsong_N.json (with the 2021-23 field set unless another is given). */
  endsong?: boolean;
  /** Extended history records per file (Spotify cuts its files at roughly this size). */
  recordsPerFile?: number;
  /** Export as of this time instead of the world's clock (an earlier download). */
  asOf?: number;
}

const DAY = 86_400_000;
const ACCOUNT_ROWS_PER_FILE = 10_000;

/** Where the export's data ends: midnight UTC two days before now. */
export function exportCutoff(now: number): number {
  return Math.floor(now / DAY) * DAY - 2 * DAY;
}

const isoSecond = (ms: number) =>
  new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
const minute = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

function extendedRecord(
  s: Stream,
  catalog: Catalog,
  fieldSet: ExportFieldSet,
): Record<string, unknown> {
  const track = s.trackId ? catalog.track.get(s.trackId) : undefined;
  const album = track ? catalog.album.get(track.albumId) : undefined;
  const artist = track
    ? catalog.artist.get(album?.artistIds[0] ?? track.artistIds[0] ?? '')
    : undefined;
  const episode = s.episodeId ? catalog.episode.get(s.episodeId) : undefined;
  const show = episode ? catalog.show.get(episode.showId) : undefined;
  const old = fieldSet === '2021-23';
  const record: Record<string, unknown> = { ts: isoSecond(s.endedAt) };
  if (old) record.username = 'sim-listener';
  record.platform = old ? platformDescription(s.platform) : s.platform;
  record.ms_played = s.msPlayed;
  record.conn_country = s.country;
  if (old) {
    record.ip_addr_decrypted = '192.0.2.1';
    record.user_agent_decrypted = 'unknown';
  } else {
    record.ip_addr = '192.0.2.1';
  }
  record.master_metadata_track_name = track?.name ?? null;
  record.master_metadata_album_artist_name = artist?.name ?? null;
  record.master_metadata_album_album_name = album?.name ?? null;
  record.spotify_track_uri = track ? `spotify:track:${track.id}` : null;
  record.episode_name = episode?.name ?? null;
  record.episode_show_name = show?.name ?? null;
  record.spotify_episode_uri = episode ? `spotify:episode:${episode.id}` : null;
  if (fieldSet === '2025-26') {
    record.audiobook_title = null;
    record.audiobook_uri = null;
    record.audiobook_chapter_uri = null;
    record.audiobook_chapter_title = null;
  }
  record.reason_start = s.reasonStart;
  record.reason_end = s.reasonEnd;
  record.shuffle = s.shuffle;
  // Old exports rarely filled `skipped`.
  record.skipped = old ? (s.skipped ? true : null) : s.skipped;
  record.offline = s.offline;
  // The time the stream started, in ms in old exports and in s in new ones.
  record.offline_timestamp = old ? s.startedAt : Math.floor(s.startedAt / 1000);
  record.incognito_mode = s.private;
  return record;
}

function platformDescription(platform: string): string {
  if (platform === 'android') return 'Android OS 13 API 33 (Google, Pixel 7)';
  if (platform === 'windows') return 'Windows 10 (10.0.19045; x64)';
  return 'WebPlayer (websocket RFC6455)';
}

/** Jackson-style pretty printing, as in the account data files: `"key" : value`. */
function accountJson(rows: unknown): string {
  return JSON.stringify(rows, null, 2).replace(/^(\s*"[^"]*") ?: /gm, '$1 : ');
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out.length > 0 ? out : [[]];
}

export function exportEntries(world: World, options: ExportOptions = {}): ZipEntrySpec[] {
  const fieldSet = options.fieldSet ?? (options.endsong ? '2021-23' : '2025-26');
  const cutoff = exportCutoff(options.asOf ?? world.now);
  const modified = new Date(cutoff + DAY);
  const catalog = world.catalog;
  const streams = world.streams(world.historyStart, cutoff);
  const entries: ZipEntrySpec[] = [];

  // Extended streaming history: the whole account life.
  const perFile = options.recordsPerFile ?? 15_000;
  for (const [n, part] of chunks(streams, perFile).entries()) {
    const records = part.map((s) => extendedRecord(s, catalog, fieldSet));
    const first = new Date(part[0]?.endedAt ?? cutoff).getUTCFullYear();
    const last = new Date(part[part.length - 1]?.endedAt ?? cutoff).getUTCFullYear();
    const years = first === last ? `${first}` : `${first}-${last}`;
    const name = options.endsong
      ? `MyData/endsong_${n}.json`
      : `Spotify Extended Streaming History/Streaming_History_Audio_${years}_${n}.json`;
    entries.push({ name, data: JSON.stringify(records, null, 2), modified });
  }

  // Account data: the last year, to the minute, names only; music and podcasts apart.
  const yearAgo = cutoff - 365 * DAY;
  const recent = streams.filter((s) => s.endedAt >= yearAgo);
  const folder = options.endsong ? 'MyData' : 'Spotify Account Data';
  const music = recent
    .filter((s) => s.contentType === 'track')
    .map((s) => {
      const track = catalog.track.get(s.trackId as string);
      return {
        endTime: minute(s.endedAt),
        artistName: catalog.artist.get(track?.artistIds[0] ?? '')?.name ?? 'Unknown Artist',
        trackName: track?.name ?? 'Unknown Track',
        msPlayed: s.msPlayed,
      };
    });
  const podcasts = recent
    .filter((s) => s.contentType === 'episode')
    .map((s) => {
      const episode = catalog.episode.get(s.episodeId as string);
      return {
        endTime: minute(s.endedAt),
        podcastName: catalog.show.get(episode?.showId ?? '')?.name ?? '',
        episodeName: episode?.name ?? '',
        msPlayed: s.msPlayed,
      };
    });
  for (const [n, rows] of chunks(music, ACCOUNT_ROWS_PER_FILE).entries()) {
    entries.push({
      name: `${folder}/StreamingHistory_music_${n}.json`,
      data: accountJson(rows),
      modified,
    });
  }
  for (const [n, rows] of chunks(podcasts, ACCOUNT_ROWS_PER_FILE).entries()) {
    entries.push({
      name: `${folder}/StreamingHistory_podcast_${n}.json`,
      data: accountJson(rows),
      modified,
    });
  }

  // Library and playlists, as of the cutoff.
  const saved = world.savedTracks(cutoff);
  const library = {
    tracks: saved.map((t) => {
      const track = catalog.track.get(t.trackId);
      return {
        artist: catalog.artist.get(track?.artistIds[0] ?? '')?.name ?? '',
        album: catalog.album.get(track?.albumId ?? '')?.name ?? '',
        track: track?.name ?? '',
        uri: `spotify:track:${t.trackId}`,
      };
    }),
    albums: [],
    shows: catalog.shows
      .slice(0, 2)
      .map((s) => ({ name: s.name, publisher: s.publisher, uri: `spotify:show:${s.id}` })),
    episodes: [],
    bannedTracks: [],
    artists: world.followedArtists(cutoff).map((f) => ({
      name: catalog.artist.get(f.artistId)?.name ?? '',
      uri: `spotify:artist:${f.artistId}`,
    })),
    bannedArtists: [],
    other: [],
  };
  entries.push({ name: `${folder}/YourLibrary.json`, data: accountJson(library), modified });

  const playlists = world.playlists
    .filter((p) => p.ownerId === world.userId || p.ownerId === FRIEND_ID)
    .map((p) => {
      const items = p.itemsAt(cutoff);
      const last = items.reduce((m, i) => Math.max(m, i.addedAt), 0);
      return {
        name: p.name,
        lastModifiedDate: new Date(last || world.historyStart).toISOString().slice(0, 10),
        collaborators: p.collaborative ? [FRIEND_ID] : [],
        items: items.map((i) => {
          const track = i.kind === 'track' && i.id ? catalog.track.get(i.id) : undefined;
          const episode = i.kind === 'episode' && i.id ? catalog.episode.get(i.id) : undefined;
          return {
            track: track
              ? {
                  trackName: track.name,
                  artistName: catalog.artist.get(track.artistIds[0] ?? '')?.name ?? '',
                  albumName: catalog.album.get(track.albumId)?.name ?? '',
                  trackUri: `spotify:track:${track.id}`,
                }
              : null,
            episode: episode
              ? {
                  episodeName: episode.name,
                  showName: catalog.show.get(episode.showId)?.name ?? '',
                  episodeUri: `spotify:episode:${episode.id}`,
                }
              : null,
            audiobook: null,
            localTrack:
              i.kind === 'local' && i.local
                ? {
                    uri: `spotify:local:${i.local.artist}:${i.local.album}:${i.local.title}:${Math.round(i.local.durationMs / 1000)}`,
                  }
                : null,
            addedDate: new Date(i.addedAt).toISOString().slice(0, 10),
          };
        }),
        description: p.description,
        numberOfFollowers: 0,
      };
    });
  entries.push({ name: `${folder}/Playlist1.json`, data: accountJson({ playlists }), modified });

  // Personal files exist in every real export; the importer must skip them unread.
  entries.push({
    name: `${folder}/Userdata.json`,
    data: accountJson({
      username: 'sim-listener',
      email: 'listener@example.invalid',
      country: 'DE',
      birthdate: '1990-01-01',
      gender: 'neutral',
    }),
    modified,
  });
  entries.push({
    name: `${folder}/Identifiers.json`,
    data: accountJson({ identifierType: 'email', identifierValue: 'listener@example.invalid' }),
    modified,
  });
  return entries;
}

/** The export as the bytes of `my_spotify_data.zip`. */
export function exportZip(world: World, options: ExportOptions = {}): Buffer {
  return makeZip(exportEntries(world, options));
}
