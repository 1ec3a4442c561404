/**
 * A small household worked out by hand: two listeners' extended histories of a few streams,
 * whose comparison is computed in the comments below from the records themselves.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FsLake } from '../../src/lake/drivers/fs.js';
import { saveListener } from '../../src/listeners/registry.js';
import { tempDir, wrapped } from './helpers.js';
import { GOOD_RECORD } from './import-refused.js';

/** A stream of a song: its URI from its name (22 characters, as Spotify's are). */
function stream(artist: string, song: string, endedAt: string, minutes: number) {
  return {
    ...GOOD_RECORD,
    ts: endedAt,
    ms_played: minutes * 60_000,
    master_metadata_album_artist_name: artist,
    master_metadata_track_name: song,
    master_metadata_album_album_name: `${song} (single)`,
    spotify_track_uri: `spotify:track:${song.padEnd(22, 'x')}`,
  };
}

// me: A "a1" twice (3 min each, 10:05 and 10:10), B "b1" once (2 min, 21:00), C "c1" (5 min,
// 21:30 the next day). 13 minutes: A 6/13, B 2/13, C 5/13. Clock: 10h 6 min, 21h 7 min.
export const ME = [
  stream('Artist A', 'a1', '2026-03-01T10:05:00Z', 3),
  stream('Artist A', 'a1', '2026-03-01T10:10:00Z', 3),
  stream('Artist B', 'b1', '2026-03-01T21:00:00Z', 2),
  stream('Artist C', 'c1', '2026-03-02T21:30:00Z', 5),
];
// anna: A "a1" (4 min, 20 February: before me), A "a2" (2 min), B "b1" (4 min, 5 March: after
// me), D "d1" (6 min). 16 minutes: A 6/16, B 4/16, D 6/16. Clock: 8h 6, 21h 4, 22h 6 minutes.
export const ANNA = [
  stream('Artist A', 'a1', '2026-02-20T08:00:00Z', 4),
  stream('Artist A', 'a2', '2026-03-03T08:10:00Z', 2),
  stream('Artist B', 'b1', '2026-03-05T21:05:00Z', 4),
  stream('Artist D', 'd1', '2026-03-05T22:00:00Z', 6),
];
// Affinity: min(6/13, 6/16) + min(2/13, 4/16) = 0.375 + 0.153846... = 0.5288 (to 4 places).

/**
 * A HOME (UTC) whose lake holds both listeners' histories, built. In `home` when given (a
 * `before` hook's own folder: tempDir() would remove it when the hook ends).
 */
export async function householdHome(
  given?: string,
): Promise<{ home: string; env: Record<string, string> }> {
  const home = given ?? (await tempDir());
  const env = { WRAPPED_HOME: home, WRAPPED_TIMEZONE: 'UTC' };
  await saveListener(new FsLake(join(home, 'lake')), { id: 'anna' });
  for (const [listener, records] of [
    ['me', ME],
    ['anna', ANNA],
  ] as const) {
    const file = join(home, `Streaming_History_Audio_2026_${listener}.json`);
    await writeFile(file, JSON.stringify(records));
    const imported = await wrapped(['import', file, '--listener', listener], { env });
    assert.equal(imported.code, 0, imported.stderr);
  }
  const built = await wrapped(['transform'], { env });
  assert.equal(built.code, 0, built.stderr);
  return { home, env };
}
