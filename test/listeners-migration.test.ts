/**
 * A lake built by the previous release (0.1.0, before listeners: test/fixtures/lake-0.1.0)
 * migrates in place: `wrapped doctor --fix` writes the listener registry, the next transform
 * gives every listener's table `listener_id`, and no figure moves. The figures are recomputed
 * here from the export file itself, and compared with what the old release built.
 */
import assert from 'node:assert/strict';
import { cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { endsongStreams, musicByYear } from './support/endsong.js';
import { queryRows, REPO, tempDir, wrapped } from './support/helpers.js';

const OLD_LAKE = join(REPO, 'test', 'fixtures', 'lake-0.1.0');
/** Household-wide by design: the catalogue (what a track is called) is the same for everyone. */
const CATALOGUE = new Set([
  'silver.dim_track',
  'silver.dim_artist',
  'silver.dim_album',
  'silver.int_name_links',
  'silver.int_track_names',
  'silver.int_album_names',
  'silver.int_catalog_sightings',
  'silver.int_catalog_seen',
]);

describe('a single-listener lake from the previous release migrates in place', () => {
  it('doctor --fix names the listener; the next transform gives every row listener_id `me`; no figure moves', async () => {
    const home = await tempDir();
    await cp(OLD_LAKE, home, { recursive: true });
    const env = { WRAPPED_HOME: home };
    const oldYears = await queryRows(
      `SELECT year, minutes, plays FROM read_parquet('${join(home, 'lake', 'gold', 'wrapped_year')}/**/*.parquet') ORDER BY year`,
      env,
    );

    // Before: doctor sees a lake without a registry and says how to write it.
    const before = JSON.parse((await wrapped(['doctor', '--json'], { env })).stdout);
    const listeners = (c: { name: string }) => c.name === 'listeners';
    assert.equal(before.checks.find(listeners)?.status, 'warn');
    assert.match(before.checks.find(listeners)?.hint, /doctor --fix/);

    const fixed = JSON.parse((await wrapped(['doctor', '--fix', '--json'], { env })).stdout);
    assert.match(fixed.checks.find(listeners)?.summary, /wrote _state\/listeners\.json: me/);
    const registry = JSON.parse(
      await readFile(join(home, 'lake', '_state', 'listeners.json'), 'utf8'),
    );
    // The old lake's API poller landed a profile: the registry names that account.
    const profile = JSON.parse(
      await readFile(
        join(
          home,
          'lake',
          (
            await queryRows(
              "SELECT _source_file AS f FROM read_parquet('" +
                join(home, 'lake', 'bronze', 'stg_api_profile') +
                "/**/*.parquet') LIMIT 1",
              env,
            )
          )[0]?.f as string,
        ),
        'utf8',
      ),
    ).body;
    assert.deepEqual(
      registry.listeners.map((l: Record<string, unknown>) => [l.id, l.spotify_user_id]),
      [['me', profile.id]],
    );

    const built = await wrapped(['transform'], { env });
    assert.equal(built.code, 0, built.stderr);
    const checked = await wrapped(['check'], { env });
    assert.equal(checked.code, 0, checked.stdout);

    // Every table of a listener's data carries listener_id, and it is `me` on every row.
    const tables = await queryRows(
      `SELECT table_schema || '.' || table_name AS name,
         bool_or(column_name = 'listener_id') AS has_listener
       FROM information_schema.columns
       WHERE table_schema IN ('bronze', 'silver', 'gold')
       GROUP BY 1 ORDER BY 1`,
      env,
    );
    assert.ok(tables.length >= 40, `${tables.length} tables`);
    for (const { name, has_listener } of tables) {
      assert.equal(has_listener, !CATALOGUE.has(String(name)), String(name));
      if (!has_listener) continue;
      const ids = await queryRows(`SELECT DISTINCT listener_id AS id FROM ${name}`, env);
      assert.ok(
        ids.every((r) => r.id === 'me'),
        `${name}: ${JSON.stringify(ids)}`,
      );
    }
    const [plays] = await queryRows(
      "SELECT count(*) AS n FROM silver.fct_play WHERE listener_id = 'me' AND user_id = 'me'",
      env,
    );
    assert.ok(Number(plays?.n) > 900);

    // The figures: as the old release built them, and as the export file gives them.
    const newYears = await queryRows(
      "SELECT year, minutes, plays FROM gold.wrapped_year WHERE listener_id = 'me' ORDER BY year",
      env,
    );
    assert.deepEqual(newYears, oldYears);
    for (const [year, expected] of musicByYear(endsongStreams(), 'Europe/Berlin')) {
      const row = newYears.find((r) => r.year === year);
      assert.equal(Number(row?.plays), expected.plays, year);
      assert.equal(Number(row?.minutes), expected.minutes, year);
    }
  });
});
