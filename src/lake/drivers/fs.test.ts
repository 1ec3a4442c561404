import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
