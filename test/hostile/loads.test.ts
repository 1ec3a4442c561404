/**
 * Loads can be listed and taken back: `wrapped loads remove` then `wrapped transform` gives the
 * tables the lake had before that load landed; what a killed import leaves is found and removed
 * by `wrapped doctor --fix`; and one build runs per lake, whichever home starts it.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cp, mkdir, readdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FsLake } from '../../src/lake/drivers/fs.js';
import { newLoadId } from '../../src/lake/load-id.js';
import { compareLakes, publishedTables } from '../support/compare-lakes.js';
import { BIN, queryRows, tempDir, wrapped } from '../support/helpers.js';
import { GOOD_RECORD, listing } from '../support/import-refused.js';

const streams = (year: number, count: number, track: string) =>
  JSON.stringify(
    Array.from({ length: count }, (_, i) => ({
      ...GOOD_RECORD,
      ts: new Date(Date.UTC(year, 2, 1 + (i % 25), 8, i % 60)).toISOString().replace('.000', ''),
      master_metadata_track_name: `${track} ${i % 7}`,
      spotify_track_uri: `spotify:track:${track}${i % 7}`,
    })),
  );

describe('wrapped loads', () => {
  it('remove, then transform, gives the tables as they were before the load landed', async () => {
    const dir = await tempDir();
    const env = { WRAPPED_HOME: join(dir, 'home'), WRAPPED_TIMEZONE: 'Europe/Berlin' };
    const lake = join(dir, 'home', 'lake');
    await mkdir(join(dir, 'first'));
    await writeFile(
      join(dir, 'first', 'Streaming_History_Audio_2023.json'),
      streams(2023, 40, 'a'),
    );
    // The second load touches the first one's year and adds a year of its own.
    await mkdir(join(dir, 'second'));
    await writeFile(
      join(dir, 'second', 'Streaming_History_Audio_2023.json'),
      streams(2023, 30, 'b'),
    );
    await writeFile(
      join(dir, 'second', 'Streaming_History_Audio_2024.json'),
      streams(2024, 20, 'c'),
    );

    assert.equal((await wrapped(['import', join(dir, 'first')], { env })).code, 0);
    assert.equal((await wrapped(['transform'], { env })).code, 0);
    const before = join(dir, 'before');
    await cp(lake, before, { recursive: true });

    const second = await wrapped(['import', join(dir, 'second'), '--json'], { env });
    const secondId = JSON.parse(second.stdout).inputs[0].import_id as string;
    assert.equal((await wrapped(['transform'], { env })).code, 0);
    const [withSecond] = await queryRows('SELECT count(*) AS n FROM silver.fct_play', env);
    assert.equal(Number(withSecond?.n), 90);

    const listed = await wrapped(['loads', 'list', '--json'], { env });
    const loads = JSON.parse(listed.stdout) as Array<{
      load_id: string;
      files: number;
      records: number;
      source: string;
    }>;
    assert.deepEqual(
      loads.map((l) => [l.source, l.files, l.records]),
      [
        ['export', 1, 40],
        ['export', 2, 50],
      ],
    );
    const text = await wrapped(['loads', 'list'], { env });
    assert.match(text.stdout, new RegExp(`${secondId}  import  export +2 files +50 records`));

    const removed = await wrapped(['loads', 'remove', secondId], { env });
    assert.equal(removed.code, 0, removed.stderr);
    assert.match(removed.stdout, /Removed import .*: 2 files, 50 records/);
    assert.equal((await wrapped(['transform'], { env })).code, 0);
    const differences = await compareLakes(
      before,
      lake,
      publishedTables(before, ['bronze', 'silver', 'gold']),
    );
    assert.deepEqual(differences, []);
    assert.ok(
      !(await listing(new FsLake(lake))).some((p) => p.includes(secondId)),
      'no file of the load is left',
    );

    // Taken back, the same files can be imported again.
    const again = await wrapped(['import', join(dir, 'second'), '--json'], { env });
    assert.equal(JSON.parse(again.stdout).totals.landed, 2);
  });

  it('an unknown load id, or a transform, is refused with the way to find the right one', async () => {
    const dir = await tempDir();
    const env = { WRAPPED_HOME: join(dir, 'home') };
    const unknown = await wrapped(['loads', 'remove', '20260101T000000000Z-0000000000'], { env });
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /There is no load "20260101T000000000Z-0000000000" in the lake/);
    assert.match(unknown.stderr, /wrapped loads list/);
    assert.equal((await wrapped(['transform'], { env })).code, 0);
    const built = new FsLake(join(dir, 'home', 'lake'));
    const before = await listing(built);
    const transformId = before.find((p) => p.startsWith('_loads/'))?.slice(7, -5) as string;
    const refused = await wrapped(['loads', 'remove', transformId], { env });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /is a transform: it landed no data/);
    assert.deepEqual(await listing(built), before);
  });
});

describe('wrapped doctor --fix', () => {
  it('finds and removes what a killed import left, and nothing else', async () => {
    const dir = await tempDir();
    const env = { WRAPPED_HOME: join(dir, 'home') };
    await mkdir(join(dir, 'small'));
    await writeFile(join(dir, 'small', 'Streaming_History_Audio_2023.json'), streams(2023, 5, 'a'));
    assert.equal((await wrapped(['import', join(dir, 'small')], { env })).code, 0);
    const lake = new FsLake(join(dir, 'home', 'lake'));
    const before = await listing(lake);

    // A big import, killed while it writes.
    await writeFile(join(dir, 'Streaming_History_Audio_2024.json'), streams(2024, 300_000, 'k'));
    const child = spawn(
      process.execPath,
      [BIN, 'import', join(dir, 'Streaming_History_Audio_2024.json')],
      {
        env: { PATH: process.env.PATH ?? '', ...env },
        stdio: 'ignore',
      },
    );
    // Listened for from the start: the child can exit while the test is still looking.
    const exited = new Promise((r) => child.once('exit', r));
    // Killed while the raw file is half written (a temporary file, which listings do not show).
    const writing = async () =>
      (await readdir(join(dir, 'home', 'lake'), { recursive: true })).some((p) =>
        p.includes('.tmp-'),
      );
    for (let i = 0; i < 800 && !(await writing()); i++) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGKILL');
    assert.ok(await writing(), 'caught the import while it writes');
    await exited;
    // And an orphan of a load killed after its raw file was published.
    const old = newLoadId(new Date(Date.now() - 2 * 3_600_000));
    await lake.put(`raw/export/${old}/Streaming_History_Audio_2022.json`, '[]');
    const left = await listing(lake);
    assert.ok(left.length > before.length, 'the killed import left something');

    const later = { ...env, WRAPPED_NOW: new Date(Date.now() + 2 * 3_600_000).toISOString() };
    const seen = await wrapped(['doctor', '--json'], { env: later });
    const leftovers = JSON.parse(seen.stdout).checks.find(
      (c: { name: string }) => c.name === 'leftovers',
    );
    assert.equal(leftovers.status, 'warn');
    assert.match(leftovers.hint, /wrapped doctor --fix/);
    assert.deepEqual(await listing(lake), left, 'doctor alone changes nothing');

    const fixed = await wrapped(['doctor', '--fix', '--json'], { env: later });
    const after = JSON.parse(fixed.stdout).checks.find(
      (c: { name: string }) => c.name === 'leftovers',
    );
    assert.match(after.summary, /^removed /);
    // What the killed import left is gone; the one thing --fix adds is the listener registry.
    assert.deepEqual(await listing(lake), [...before, '_state/listeners.json'].sort());
    // A fresh import is not an orphan yet: it may still be writing.
    const now = await wrapped(['doctor', '--json'], { env });
    assert.equal(
      JSON.parse(now.stdout).checks.find((c: { name: string }) => c.name === 'leftovers').status,
      'ok',
    );
  });
});

describe('one transform per lake', () => {
  const lockOf = (heartbeatAgoMs: number) =>
    JSON.stringify({
      pid: 1,
      host: `other-${hostname()}`,
      since: new Date(Date.now() - 3_600_000).toISOString(),
      heartbeat_at: new Date(Date.now() - heartbeatAgoMs).toISOString(),
      command: 'wrapped transform',
      token: 'feedface',
    });

  it('a build running from another home refuses a second one; a stale lock is taken over', async () => {
    const dir = await tempDir();
    const env = { WRAPPED_HOME: join(dir, 'home') };
    const lake = new FsLake(join(dir, 'home', 'lake'));
    await lake.put('_state/locks/transform.json', lockOf(10_000));
    const before = await listing(lake);
    const refused = await wrapped(['transform'], { env });
    assert.notEqual(refused.code, 0);
    assert.match(
      refused.stderr,
      /wrapped transform is already running on this lake \(pid 1 on other-/,
    );
    assert.deepEqual(await listing(lake), before, 'the lake is unchanged');

    await lake.put('_state/locks/transform.json', lockOf(10 * 60_000));
    const taken = await wrapped(['transform'], { env });
    assert.equal(taken.code, 0, taken.stderr);
    assert.ok(!(await lake.exists('_state/locks/transform.json')), 'released after the build');
  });
});
