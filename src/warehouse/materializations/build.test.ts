import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FsLake } from '../../lake/drivers/fs.js';
import { newLoadId } from '../../lake/load-id.js';
import { STAGING_ROOT, sweepStaleStaging } from './build.js';

describe('staging folders', () => {
  it('what a killed build left is swept after a day; a build under way keeps its own', async () => {
    const root = await mkdtemp(join(tmpdir(), 'wrapped-staging-'));
    try {
      const lake = new FsLake(root);
      const now = Date.parse('2026-12-01T12:00:00Z');
      const old = newLoadId(new Date(now - 25 * 3_600_000));
      const recent = newLoadId(new Date(now - 2 * 3_600_000));
      for (const load of [old, recent])
        await lake.put(`${STAGING_ROOT}/${load}/silver/fct_play/part-0.parquet`, 'x');
      await lake.put(`${STAGING_ROOT}/not-a-load/file`, 'x');
      assert.deepEqual(await sweepStaleStaging(lake, now), [old]);
      assert.equal(existsSync(join(root, STAGING_ROOT, old)), false);
      assert.ok(await lake.exists(`${STAGING_ROOT}/${recent}/silver/fct_play/part-0.parquet`));
      assert.ok(await lake.exists(`${STAGING_ROOT}/not-a-load/file`));
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
