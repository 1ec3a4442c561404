/**
 * Property: no record that passes `wrapped import` can make a build fail. Records are generated
 * at the limits the import allows (test/support/limits-export.ts; the Spark suite builds them
 * too). Each generated file must import with no record refused, build with exit 0, pass its
 * data checks, and give the same tables incrementally (two imports, a build after each) as in
 * one full build.
 */
import assert from 'node:assert/strict';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { extendedStreamKey } from '../../src/importer/natural-key.js';
import { compareLakes, publishedTables } from '../support/compare-lakes.js';
import { queryRows, tempDir, wrapped } from '../support/helpers.js';
import { writeLimitsExport } from '../support/limits-export.js';

describe('records at the limits import and build', () => {
  it('every generated record passes import, builds, passes its checks, and incremental equals full', async () => {
    const dir = await tempDir();
    const parts = [join(dir, 'export-1'), join(dir, 'export-2')];
    const extended = [
      ...(await writeLimitsExport(parts[0] as string, 1)),
      ...(await writeLimitsExport(parts[1] as string, 2)),
    ];
    const env = { WRAPPED_HOME: join(dir, 'home'), WRAPPED_TIMEZONE: 'Europe/Berlin' };
    const lake = join(dir, 'home', 'lake');

    for (const part of parts) {
      const imported = await wrapped(['import', part, '--json'], { env });
      assert.equal(imported.code, 0, imported.stdout + imported.stderr);
      assert.equal(JSON.parse(imported.stdout).totals.refused, 0);
      const built = await wrapped(['transform'], { env });
      assert.equal(built.code, 0, built.stderr);
    }
    const checked = await wrapped(['check'], { env });
    assert.equal(checked.code, 0, checked.stdout + checked.stderr);

    // Every distinct extended stream is one row: counted here from the records themselves.
    const keys = new Set(extended.map(extendedStreamKey));
    const [streams] = await queryRows(
      'SELECT count(DISTINCT stream_key) AS n FROM bronze.stg_export_streams',
      env,
    );
    assert.equal(Number(streams?.n), keys.size);

    // The same lake built again from all raw at once gives the same tables.
    const incremental = join(dir, 'incremental-lake');
    await cp(lake, incremental, { recursive: true });
    const full = await wrapped(['transform', '--full-refresh'], { env });
    assert.equal(full.code, 0, full.stderr);
    const differences = await compareLakes(
      lake,
      incremental,
      publishedTables(lake, ['bronze', 'silver', 'gold']),
    );
    assert.deepEqual(differences, []);
  });
});
