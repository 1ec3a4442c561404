/**
 * LIVE DATABRICKS: runs only against a real workspace, when these are set (otherwise it is
 * reported as skipped, with the reason):
 * - DATABRICKS_HOST, DATABRICKS_HTTP_PATH, and DATABRICKS_TOKEN (or DATABRICKS_CLIENT_ID and
 *   DATABRICKS_CLIENT_SECRET), with the grants README "Engines" lists;
 * - WRAPPED_LIVE_LAKE: an abfss:// folder inside the lake's Unity Catalog external location,
 *   and storage credentials for it (AZURE_STORAGE_KEY with AZURE_STORAGE_ACCOUNT, a SAS token,
 *   or a connection string). The test writes under a new sub-folder and leaves it for review.
 *
 * A sample export is imported into the cloud lake and built on the SQL warehouse; a DuckDB
 * build of the same sample on this machine must read back equal, row for row.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { queryRows, REPO, tempDir, wrapped } from '../support/helpers.js';

const SAMPLE = join(REPO, '..', 'shared', 'samples', 'extended-2022-endsong');
const env = process.env;
const missing = [
  env.DATABRICKS_HOST ? undefined : 'DATABRICKS_HOST',
  env.DATABRICKS_HTTP_PATH ? undefined : 'DATABRICKS_HTTP_PATH',
  env.DATABRICKS_TOKEN || (env.DATABRICKS_CLIENT_ID && env.DATABRICKS_CLIENT_SECRET)
    ? undefined
    : 'DATABRICKS_TOKEN',
  env.WRAPPED_LIVE_LAKE ? undefined : 'WRAPPED_LIVE_LAKE',
].filter((v): v is string => v !== undefined);
const skip =
  missing.length > 0
    ? `live Databricks only: set ${missing.join(', ')} to run against a workspace`
    : false;

describe('LIVE Databricks SQL warehouse over ADLS', { skip }, () => {
  it("builds every table in the cloud lake, equal to DuckDB's build of the same export", async () => {
    const dir = await tempDir();
    const lake = `${(env.WRAPPED_LIVE_LAKE as string).replace(/\/+$/, '')}/test-${randomBytes(4).toString('hex')}`;
    const cloud = {
      WRAPPED_HOME: join(dir, 'cloud-home'),
      WRAPPED_LAKE: lake,
      WRAPPED_TIMEZONE: 'UTC',
    };
    const local = { WRAPPED_HOME: join(dir, 'local-home'), WRAPPED_TIMEZONE: 'UTC' };
    for (const home of [cloud, local]) {
      const imported = await wrapped(['import', SAMPLE], { env: home });
      assert.equal(imported.code, 0, imported.stderr);
    }
    const doctor = await wrapped(['doctor', '--json', '--engine', 'databricks'], { env: cloud });
    const builds = JSON.parse(doctor.stdout).checks.find(
      (c: { name: string }) => c.name === 'builds',
    );
    assert.equal(builds.status, 'ok', builds.summary);
    const remote = await wrapped(['transform', '--engine', 'databricks'], { env: cloud });
    assert.equal(remote.code, 0, remote.stderr);
    const here = await wrapped(['transform'], { env: local });
    assert.equal(here.code, 0, here.stderr);
    for (const sql of [
      'SELECT * FROM gold.wrapped_year ORDER BY year',
      'SELECT * FROM gold.agg_top_artists ORDER BY ALL',
    ])
      assert.deepEqual(await queryRows(sql, cloud), await queryRows(sql, local), sql);
  });
});
