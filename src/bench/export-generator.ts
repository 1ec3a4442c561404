import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Writes a synthetic extended streaming history (2025-26 field set) of `streams` records in
 * files of `perFile`, laid out like the real export. Deterministic: the same arguments give the
 * same bytes. For benchmarks; the simulator's export generator is the faithful one.
 * `lastPlayAt` is when the latest stream ended (epoch ms), for benches that add plays after it.
 */
export async function writeSyntheticExtendedExport(
  folder: string,
  streams: number,
  perFile = 33_000,
): Promise<{ files: string[]; bytes: number; lastPlayAt: number }> {
  const dir = join(folder, 'Spotify Extended Streaming History');
  await mkdir(dir, { recursive: true });
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const start = Date.parse('2015-01-01T00:00:00Z');
  // Streams about 16 minutes apart, closer when there are many: all of them must fall before
  // the end of 2026, since import refuses plays dated later than next year.
  const meanGap = Math.min(960_000, (Date.parse('2026-12-31T00:00:00Z') - start) / streams);
  const files: string[] = [];
  let bytes = 0;
  let at = start;
  for (let fileIndex = 0, written = 0; written < streams; fileIndex++) {
    const count = Math.min(perFile, streams - written);
    const records = [];
    for (let i = 0; i < count; i++) {
      at += Math.floor(meanGap * (0.1 + 1.8 * random()));
      const track = Math.floor(random() ** 3 * 20_000);
      const episode = random() < 0.03;
      records.push({
        ts: new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        platform: random() < 0.6 ? 'android' : 'windows',
        ms_played: Math.floor(random() * 320_000),
        conn_country: 'DE',
        ip_addr: '192.0.2.1',
        master_metadata_track_name: episode ? null : `Track ${track}`,
        master_metadata_album_artist_name: episode ? null : `Artist ${track % 1500}`,
        master_metadata_album_album_name: episode ? null : `Album ${track % 4000}`,
        spotify_track_uri: episode ? null : `spotify:track:${track.toString(36).padStart(22, '0')}`,
        episode_name: episode ? `Episode ${track}` : null,
        episode_show_name: episode ? `Show ${track % 40}` : null,
        spotify_episode_uri: episode
          ? `spotify:episode:${track.toString(36).padStart(22, '0')}`
          : null,
        audiobook_title: null,
        audiobook_uri: null,
        audiobook_chapter_uri: null,
        audiobook_chapter_title: null,
        reason_start: 'trackdone',
        reason_end: random() < 0.2 ? 'fwdbtn' : 'trackdone',
        shuffle: random() < 0.5,
        skipped: random() < 0.2,
        offline: false,
        offline_timestamp: Math.floor(at / 1000),
        incognito_mode: false,
      });
    }
    const year = new Date(at).getUTCFullYear();
    const name = `Streaming_History_Audio_${year}_${fileIndex}.json`;
    const text = JSON.stringify(records, null, 2);
    await writeFile(join(dir, name), text);
    files.push(join(dir, name));
    bytes += Buffer.byteLength(text);
    written += count;
  }
  return { files, bytes, lastPlayAt: at };
}
