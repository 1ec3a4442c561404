/**
 * Bad input is part of the product: each bad file or hostile zip gets a clear error naming the
 * file and what is wrong, the exit code is 1, and the lake's listing is the same before and after.
 */
import assert from 'node:assert/strict';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ImportReport } from '../src/importer/importer.js';
import { FsLake } from '../src/lake/drivers/fs.js';
import { tempDir, wrapped } from './support/helpers.js';
import { file, GOOD, GOOD_RECORD, importRefused, listing, zip } from './support/import-refused.js';

describe('bad export files are refused with a clear error and nothing lands', () => {
  it('truncated JSON names the record and byte where it ends', async () => {
    const { stdout, json } = await importRefused(
      file('Streaming_History_Audio_2024.json', GOOD.slice(0, GOOD.length - 80)),
    );
    assert.match(
      stdout,
      /FAILED +Streaming_History_Audio_2024\.json: ends early \(truncated\): record 1 starting at byte \d+ is incomplete/,
    );
    assert.equal(json.totals.failed, 1);
  });

  it('a file that is not JSON at all', async () => {
    const { stdout } = await importRefused(
      file('Streaming_History_Audio_2024.json', 'ts,ms_played\n2024-01-01,1000\n'),
    );
    assert.match(
      stdout,
      /Streaming_History_Audio_2024\.json: is not JSON: expected "\[" at byte 0, found "t"/,
    );
  });

  it('an object where an array of records is expected', async () => {
    const { stdout } = await importRefused(
      file('StreamingHistory_music_0.json', JSON.stringify({ endTime: '2024-01-01 10:00' })),
    );
    assert.match(
      stdout,
      /StreamingHistory_music_0\.json: expected a JSON array of records, found an object/,
    );
  });

  it('a field of the wrong type names the record, byte, field and what was expected', async () => {
    const bad = JSON.stringify([GOOD_RECORD, { ...GOOD_RECORD, ms_played: '11677' }]);
    const { stdout } = await importRefused(file('Streaming_History_Audio_2024.json', bad));
    assert.match(
      stdout,
      /record 1 at byte \d+: "ms_played" is "11677"; expected a whole number of milliseconds from 0 to 86,400,000 \(a day\)/,
    );
    const badTime = JSON.stringify([
      { endTime: '09/01/2021 02:11', artistName: 'a', trackName: 't', msPlayed: 1 },
    ]);
    const account = await importRefused(file('StreamingHistory_music_0.json', badTime));
    assert.match(
      account.stdout,
      /record 0 at byte 1: "endTime" is "09\/01\/2021 02:11"; expected a UTC time like "2021-01-09 02:11"/,
    );
  });

  it('a 0-byte file', async () => {
    const { stdout } = await importRefused(file('Streaming_History_Audio_2024.json', ''));
    assert.match(stdout, /Streaming_History_Audio_2024\.json: is empty \(0 bytes\)/);
  });

  it('a file that is not UTF-8 text', async () => {
    const latin1 = Buffer.from(
      JSON.stringify([{ ...GOOD_RECORD, master_metadata_track_name: 'Caf\u00e9' }]),
      'latin1',
    );
    const { stdout } = await importRefused(file('Streaming_History_Audio_2024.json', latin1));
    assert.match(stdout, /record 0 at byte 1: is not valid UTF-8 text/);
  });

  it('an empty zip', async () => {
    const { stdout } = await importRefused(zip([]));
    assert.match(stdout, /my_spotify_data\.zip contains no files/);
  });

  it('a zip entry that climbs out with ..', async () => {
    const { stdout } = await importRefused(
      zip([
        {
          name: 'Spotify Extended Streaming History/Streaming_History_Audio_2024.json',
          data: GOOD,
        },
        { name: '../evil.json', data: GOOD },
      ]),
    );
    assert.match(
      stdout,
      /my_spotify_data\.zip: entry 2 \("\.\.\/evil\.json"\) has "\.\." in its path .*nothing from this zip was imported/,
    );
  });

  it('a zip entry with an absolute path', async () => {
    const { stdout } = await importRefused(zip([{ name: '/etc/cron.d/evil.json', data: GOOD }]));
    assert.match(stdout, /has an absolute path/);
  });

  it('a symbolic link inside the zip', async () => {
    const { stdout } = await importRefused(
      zip([
        { name: 'MyData/StreamingHistory0.json', data: '[]' },
        { name: 'MyData/link.json', data: '/etc/passwd', method: 'store', unixMode: 0o120777 },
      ]),
    );
    assert.match(
      stdout,
      /entry "MyData\/link\.json" is a symbolic link; nothing from this zip was imported/,
    );
  });

  it('a zip bomb', async () => {
    const zeros = Buffer.alloc(64 * 1024 * 1024);
    const { stdout } = await importRefused(
      zip([{ name: 'Streaming_History_Audio_2024.json', data: zeros }]),
    );
    assert.match(stdout, /would expand \d+-fold to 67108864 bytes \(a zip bomb\?\)/);
  });

  it('a zip whose header lies about the size', async () => {
    // Declares 100 bytes but inflates to 5 MB: caught while reading, before anything lands.
    const big = JSON.stringify(Array.from({ length: 20000 }, () => GOOD_RECORD));
    const { stdout } = await importRefused(
      zip([{ name: 'Streaming_History_Audio_2024.json', data: big, declaredSize: 100 }]),
    );
    assert.match(
      stdout,
      /Streaming_History_Audio_2024\.json: is damaged in the zip: its content does not match the zip's header/,
    );
  });

  it('an encrypted entry', async () => {
    const { stdout } = await importRefused(
      zip([{ name: 'Streaming_History_Audio_2024.json', data: GOOD, encrypted: true }]),
    );
    assert.match(stdout, /entry "Streaming_History_Audio_2024\.json" is encrypted/);
  });

  it('a zip entry whose name is not UTF-8', async () => {
    const name = Buffer.concat([
      Buffer.from('Playlist'),
      Buffer.from([0xe9]),
      Buffer.from('1.json'),
    ]);
    const { stdout } = await importRefused(
      zip([{ name, data: '{"playlists":[]}', utf8Flag: false }]),
    );
    assert.match(stdout, /entry 1 has a file name that is not UTF-8/);
  });

  it('a .zip that is not a zip', async () => {
    const { stdout } = await importRefused(
      file('my_spotify_data.zip', 'PK\u0003\u0004 but then garbage'),
    );
    assert.match(stdout, /my_spotify_data\.zip is not a readable zip file/);
  });

  it('a path that does not exist', async () => {
    const { stdout } = await importRefused(async (dir) => join(dir, 'nope.zip'));
    assert.match(stdout, /nope\.zip does not exist/);
    assert.match(stdout, /1 input could not be read/);
  });
});

describe('a folder with good and bad files', () => {
  async function mixedFolder() {
    const dir = await tempDir();
    const root = join(dir, 'my_spotify_data');
    await mkdir(join(root, 'Spotify Extended Streaming History'), { recursive: true });
    await writeFile(
      join(root, 'Spotify Extended Streaming History', 'Streaming_History_Audio_2024.json'),
      GOOD,
    );
    await writeFile(
      join(root, 'Spotify Extended Streaming History', 'Streaming_History_Audio_2025.json'),
      '[{"ts": 5, "ms_played": 1}]',
    );
    await writeFile(join(root, 'Payments.json'), '{"card": "4111 1111 1111 1111"}');
    await writeFile(join(root, 'notes.txt'), 'hello');
    await symlink('/etc/passwd', join(root, 'passwd.json'));
    const env = { WRAPPED_HOME: join(dir, 'home') };
    const lake = new FsLake(join(dir, 'home', 'lake'));
    return { root, env, lake };
  }
  const good = 'Spotify Extended Streaming History/Streaming_History_Audio_2024.json';
  const bad = 'Spotify Extended Streaming History/Streaming_History_Audio_2025.json';
  const byPath = (report: ImportReport) =>
    Object.fromEntries(report.inputs[0]?.files.map((f) => [f.path, f]) ?? []);

  it('lands nothing when one file fails, names it, skips personal and unknown ones, and exits 1', async () => {
    const { root, env, lake } = await mixedFolder();
    const result = await wrapped(['import', root, '--json'], { env });
    assert.equal(result.code, 1);
    const report = JSON.parse(result.stdout);
    const files = byPath(report);
    assert.equal(files[good]?.status, 'held_back');
    assert.equal(files[bad]?.status, 'failed');
    assert.match(files[bad]?.error ?? '', /record 0 at byte 1: "ts" is 5/);
    assert.equal(files['Payments.json']?.status, 'skipped');
    assert.equal(files['notes.txt']?.status, 'skipped');
    assert.match(files['passwd.json']?.reason ?? '', /symbolic link: not followed/);
    assert.equal(report.inputs[0].import_id, null);
    assert.deepEqual(await listing(lake), [], 'nothing at all was landed');
    const text = await wrapped(['import', root], { env });
    assert.match(text.stdout, /nothing was landed and the lake is as it was/);
    assert.match(text.stdout, /--skip-bad/);
  });

  it('with --skip-bad lands the good file and keeps the bad one, with why, in the quarantine', async () => {
    const { root, env, lake } = await mixedFolder();
    const result = await wrapped(['import', root, '--skip-bad', '--json'], { env });
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    const files = byPath(report);
    assert.equal(files[good]?.status, 'landed');
    assert.equal(files[bad]?.status, 'failed');
    assert.equal(report.inputs[0].status, 'partial');
    const ledger = JSON.parse(
      (await lake.get(`_loads/${report.inputs[0].import_id}.json`)).toString(),
    );
    assert.equal(ledger.status, 'partial');
    assert.deepEqual(
      ledger.files.map((f: { source_path: string }) => f.source_path),
      [good],
    );
    const raw = (await listing(lake)).filter((p) => p.startsWith('raw/'));
    assert.equal(raw.length, 1);
    assert.doesNotMatch(JSON.stringify(ledger), /4111/);
    const quarantine = (await lake.get(files[bad]?.quarantine as string)).toString();
    assert.match(quarantine, /"record":0,"byte":1,"reason":"\\"ts\\" is 5/);
    assert.match(files[bad]?.error ?? '', /every record was refused/);
    assert.deepEqual(ledger.details.quarantine, [files[bad]?.quarantine]);
  });
});
