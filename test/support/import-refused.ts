/**
 * Bad input is part of the product: each refused import names the file and what is wrong,
 * exits 1, and leaves the lake's listing as it was. Shared by the bad-input and hostile suites.
 */
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImportReport } from '../../src/importer/importer.js';
import { FsLake } from '../../src/lake/drivers/fs.js';
import { makeZip } from '../../src/simulator/zip-writer.js';
import { tempDir, wrapped } from './helpers.js';

export const GOOD_RECORD = {
  ts: '2024-08-02T11:56:55Z',
  platform: 'android',
  ms_played: 11677,
  conn_country: 'IN',
  ip_addr: '192.0.2.1',
  master_metadata_track_name: 'Moments',
  master_metadata_album_artist_name: 'MitiS',
  master_metadata_album_album_name: "'Til the End",
  spotify_track_uri: 'spotify:track:2QWGkc7Tnz6672asv4BtLi',
  episode_name: null,
  episode_show_name: null,
  spotify_episode_uri: null,
  reason_start: 'playbtn',
  reason_end: 'trackdone',
  shuffle: true,
  skipped: false,
  offline: false,
  offline_timestamp: 1722558601,
  incognito_mode: false,
};
export const GOOD = JSON.stringify(
  [GOOD_RECORD, { ...GOOD_RECORD, ts: '2024-08-02T12:00:30Z' }],
  null,
  2,
);

export async function listing(lake: FsLake): Promise<string[]> {
  const paths: string[] = [];
  for await (const entry of lake.list()) paths.push(entry.path);
  return paths;
}

/** Imports `path` into a lake that already holds an earlier import, and checks nothing changed. */
export async function importRefused(
  makeInput: (dir: string) => Promise<string>,
): Promise<{ stdout: string; stderr: string; json: ImportReport }> {
  const dir = await tempDir();
  const env = { WRAPPED_HOME: join(dir, 'home') };
  await writeFile(join(dir, 'earlier.json'), GOOD);
  // Name it like an extended history file so the earlier import is a real one.
  await mkdir(join(dir, 'earlier'));
  await writeFile(join(dir, 'earlier', 'Streaming_History_Audio_2024.json'), GOOD);
  const seeded = await wrapped(['import', join(dir, 'earlier')], { env });
  assert.equal(seeded.code, 0, seeded.stderr);
  const lake = new FsLake(join(dir, 'home', 'lake'));
  const before = await listing(lake);

  const input = await makeInput(dir);
  const result = await wrapped(['import', input, '--json'], { env });
  assert.equal(result.code, 1, `exit code for ${input}: ${result.stdout}${result.stderr}`);
  assert.deepEqual(await listing(lake), before, 'the lake is unchanged');
  const text = await wrapped(['import', input], { env });
  assert.equal(text.code, 1);
  return { stdout: text.stdout, stderr: text.stderr, json: JSON.parse(result.stdout) };
}

export const file = (name: string, content: string | Buffer) => async (dir: string) => {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
};
export const zip = (entries: Parameters<typeof makeZip>[0]) =>
  file('my_spotify_data.zip', makeZip(entries));
