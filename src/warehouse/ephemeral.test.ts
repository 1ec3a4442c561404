import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { duckdbDialect } from './dialects/duckdb.js';
import { inlineEphemeralInputs, readOnlyInWindow } from './ephemeral.js';
import { loadModels, parseModel } from './models.js';

const REPO = join(import.meta.dirname, '..', '..');

describe('ephemeral models', () => {
  it('narrow an input only where every read of it is cut by the partition window', () => {
    const id = 'silver.x';
    assert.equal(
      readOnlyInWindow('SELECT * FROM silver.x WHERE {{ partition_window(t) }}', id),
      true,
    );
    assert.equal(
      readOnlyInWindow('SELECT * FROM silver.x AS p\n  WHERE {{ partition_window(p.t) }}', id),
      true,
    );
    assert.equal(readOnlyInWindow('SELECT count(*) FROM silver.x', id), false);
    assert.equal(
      readOnlyInWindow(
        'SELECT * FROM silver.x WHERE {{ partition_window(t) }} UNION ALL SELECT * FROM silver.x',
        id,
      ),
      false,
    );
    assert.equal(
      readOnlyInWindow('SELECT * FROM silver.xy WHERE {{ partition_window(t) }}', id),
      false,
    );
  });

  it('silver.fct_play reads silver.int_spotify_plays only within its window, as a CTE', () => {
    const models = loadModels(join(REPO, 'models'));
    const byId = new Map(models.map((m) => [m.id, m]));
    const reader = byId.get('silver.fct_play');
    const input = byId.get('silver.int_spotify_plays');
    assert.ok(reader && input);
    assert.deepEqual(input.ephemeralOn, ['duckdb']);
    assert.equal(readOnlyInWindow(reader.sql, input.id), true);
    const calls: Array<[string, boolean]> = [];
    const notMaterialized = duckdbDialect.macros.not_materialized([], {
      timezone: 'UTC',
      lakeRoot: '/lake',
    });
    const sql = inlineEphemeralInputs(
      reader,
      reader.sql,
      'duckdb',
      byId,
      (m, narrowed) => {
        calls.push([m.id, narrowed]);
        return m.sql;
      },
      notMaterialized,
    );
    assert.deepEqual(calls, [['silver.int_spotify_plays', true]]);
    // Computed where fct_play reads it, never held whole (DuckDB would hold a CTE read twice).
    assert.match(sql, /^WITH ephemeral_silver_int_spotify_plays AS NOT MATERIALIZED \(\n/);
    assert.doesNotMatch(sql, /silver\.int_spotify_plays/);
    // On Spark it stays a table that fct_play reads.
    assert.equal(
      inlineEphemeralInputs(reader, reader.sql, 'spark', byId, (m) => m.sql, ''),
      reader.sql,
    );
  });

  it('a model file may not be ephemeral and checked, or name an unknown engine', () => {
    const header = (lines: string) => `${lines}\nSELECT 1 AS a`;
    assert.throws(
      () => parseModel('silver/x.sql', 'silver', header('-- ephemeral_on: duckdb\n-- key: a')),
      /can have no checks/,
    );
    assert.throws(
      () => parseModel('silver/x.sql', 'silver', header('-- ephemeral_on: postgres')),
      /engines are duckdb, spark, databricks/,
    );
  });
});
