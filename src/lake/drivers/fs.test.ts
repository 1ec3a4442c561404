import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { lakeContract } from '../testing/contract.js';
import { FsLake } from './fs.js';

lakeContract('local folder', {
  async create() {
    const root = await mkdtemp(join(tmpdir(), 'wrapped-lake-'));
    return {
      lake: new FsLake(join(root, 'lake')),
      cleanup: () => rm(root, { recursive: true, force: true }),
    };
  },
  childWriter: (lake) => ({
    module: fileURLToPath(new URL('../testing/fs-factory.ts', import.meta.url)),
    options: { root: lake.localRoot },
  }),
});

describe('local folder specifics', () => {
  it('sweeps temporary files of killed writers, not those of live ones', async () => {
    const root = await mkdtemp(join(tmpdir(), 'wrapped-lake-'));
    try {
      const lake = new FsLake(join(root, 'lake'));
      await lake.put('raw/export/x/keep.json', '{}');
      const folder = join(root, 'lake', 'raw', 'export', 'x');
      await writeFile(join(folder, '.tmp-stale'), 'half');
      await writeFile(join(folder, '.tmp-live'), 'half');
      const hourAgo = new Date(Date.now() - 2 * 3_600_000);
      await utimes(join(folder, '.tmp-stale'), hourAgo, hourAgo);
      assert.equal(await lake.sweepTemporaryFiles(), 1);
      assert.deepEqual((await readdir(folder)).sort(), ['.tmp-live', 'keep.json']);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('a failed put leaves no empty folders behind, but keeps folders that were there', async () => {
    const root = await mkdtemp(join(tmpdir(), 'wrapped-lake-'));
    try {
      const lake = new FsLake(join(root, 'lake'));
      await lake.put('raw/keep.json', '{}');
      async function* failing(): AsyncGenerator<Uint8Array> {
        yield Buffer.from('x');
        throw new Error('broken');
      }
      await assert.rejects(
        lake.put('raw/export/id/Spotify Extended Streaming History/a.json', failing()),
        /broken/,
      );
      assert.deepEqual(await readdir(join(root, 'lake', 'raw')), ['keep.json']);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
