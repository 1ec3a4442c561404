import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FsLake } from '../lake/drivers/fs.js';
import { sweepWhenDue } from './housekeeping.js';

describe('housekeeping', () => {
  it('sweeps killed writers’ files at the first run, then once a day by the run’s clock', async () => {
    const root = await mkdtemp(join(tmpdir(), 'wrapped-sweep-'));
    try {
      const lake = new FsLake(join(root, 'lake'));
      await lake.put('raw/export/x/keep.json', '{}');
      const folder = join(root, 'lake', 'raw', 'export', 'x');
      const stale = async (name: string) => {
        await writeFile(join(folder, name), 'half');
        const earlier = new Date(Date.now() - 2 * 3_600_000);
        await utimes(join(folder, name), earlier, earlier);
      };
      const monday = new Date('2026-11-30T10:00:00Z');
      const hours = (n: number) => new Date(monday.getTime() + n * 3_600_000);

      await stale('.tmp-first');
      assert.equal(await sweepWhenDue(lake, monday), 1);
      await stale('.tmp-second');
      assert.equal(await sweepWhenDue(lake, hours(1)), undefined);
      assert.equal(await sweepWhenDue(lake, hours(23)), undefined);
      assert.ok((await readdir(folder)).includes('.tmp-second'));
      assert.equal(await sweepWhenDue(lake, hours(24)), 1);
      assert.deepEqual(await readdir(folder), ['keep.json']);
      // A clock set back (the demo starts its weeks over) sweeps.
      await stale('.tmp-third');
      assert.equal(await sweepWhenDue(lake, hours(-48)), 1);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
