/**
 * The contract every engine passes (as every lake driver passes the lake's): what the runner
 * and the materializations rely on, checked against a real engine over a real lake folder.
 * `duckdb.test.ts` runs it on DuckDB; the Spark suite (test/engines/spark.test.ts) on Spark.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { it } from 'node:test';
import { renderSql } from '../dialects/render.js';
import { diffRows } from '../diff.js';
import type { TableManifest } from '../manifest.js';
import type { Engine } from './engine.js';

export interface ContractSubject {
  engine: Engine;
  lakeRoot: string;
}

export function engineContract(open: () => ContractSubject): void {
  const sql = (text: string) => {
    const { engine, lakeRoot } = open();
    return renderSql(text, engine.dialect, { lakeRoot, timezone: engine.timezone }, 'contract');
  };
  const count = async (relation: string) =>
    Number((await open().engine.query(`SELECT count(*) AS n FROM ${relation}`)).rows[0]?.n);
  const ROWS = `SELECT CAST(id AS BIGINT) AS n, CAST(concat('row ', CAST(id AS STRING)) AS STRING) AS s,
      {{ to_instant('2026-01-01T10:00:00Z') }} AS at
    FROM (SELECT 1 AS id UNION ALL SELECT 2 UNION ALL SELECT 3) AS ids`;

  it('writes a query as Parquet in a lake folder, with its rows and columns as DuckDB names them', async () => {
    const { engine, lakeRoot } = open();
    const written = await engine.writeParquet(sql(ROWS), 'silver/contract_table/_staging-a');
    assert.equal(written.rows, 3);
    const files = written.files.get('') ?? [];
    assert.ok(
      files.length >= 1 &&
        files.every((f) => /^silver\/contract_table\/_staging-a\/[^/]+\.parquet$/.test(f)),
      files.join(),
    );
    for (const f of files) assert.ok(existsSync(join(lakeRoot, f)), f);
    assert.deepEqual(written.columns, [
      { name: 'n', type: 'BIGINT' },
      { name: 's', type: 'VARCHAR' },
      { name: 'at', type: 'TIMESTAMP WITH TIME ZONE' },
    ]);
    assert.equal(await count(await engine.parts(files)), 3);
  });

  it('writes hive-style partition folders, the partition column left out of the files', async () => {
    const { engine } = open();
    const written = await engine.writeParquet(
      `SELECT *, CASE WHEN n = 1 THEN '2025' WHEN n = 2 THEN '2026' ELSE 'undated' END AS event_year FROM (${sql(ROWS)}) AS r`,
      'silver/contract_partitioned/_staging-b',
      'event_year',
    );
    assert.equal(written.rows, 3);
    assert.deepEqual([...written.files.keys()].sort(), ['2025', '2026', 'undated']);
    for (const [year, files] of written.files)
      for (const f of files)
        assert.match(
          f,
          new RegExp(`^silver/contract_partitioned/_staging-b/event_year=${year}/[^/]+\\.parquet$`),
        );
    assert.deepEqual(
      written.columns.map((c) => c.name),
      ['n', 's', 'at'],
    );
    const only2026 = await engine.parts(written.files.get('2026') ?? []);
    const rows = await engine.query(`SELECT n FROM ${only2026}`);
    assert.deepEqual(
      rows.rows.map((r) => Number(r.n)),
      [2],
    );
  });

  it('an empty result writes no rows, and keeps its columns', async () => {
    const { engine } = open();
    const written = await engine.writeParquet(
      `${sql(ROWS)} WHERE false`,
      'silver/contract_empty/_staging-c',
    );
    assert.equal(written.rows, 0);
    assert.deepEqual(
      written.columns.map((c) => c.name),
      ['n', 's', 'at'],
    );
    const partitioned = await engine.writeParquet(
      `SELECT *, 'x' AS event_year FROM (${sql(ROWS)}) AS r WHERE false`,
      'silver/contract_empty/_staging-d',
      'event_year',
    );
    assert.equal(partitioned.rows, 0);
    assert.equal([...partitioned.files.values()].flat().length, 0);
  });

  it('exposes a published manifest as <layer>.<name>, an empty one as an empty table', async () => {
    const { engine } = open();
    const written = await engine.writeParquet(sql(ROWS), 'silver/contract_exposed/_staging-e');
    const manifest = (files: string[], rows: number): TableManifest => ({
      table: 'silver.contract_exposed',
      load_id: 'contract',
      built_at: new Date().toISOString(),
      rows,
      files,
      columns: written.columns,
    });
    await engine.expose(manifest(written.files.get('') ?? [], 3));
    const read = await engine.query(sql('SELECT max(s) AS s FROM silver.contract_exposed'));
    assert.equal(read.rows[0]?.s, 'row 3');
    await engine.expose(manifest([], 0));
    assert.equal(await count(sql('silver.contract_exposed')), 0);
  });

  it('a temporary table keeps its rows after the files it read are gone', async () => {
    const { engine, lakeRoot } = open();
    const written = await engine.writeParquet(sql(ROWS), 'silver/contract_temp/_staging-f');
    const table = await engine.createTempTable(
      'contract_changed',
      `SELECT * FROM ${await engine.parts(written.files.get('') ?? [])}`,
    );
    await rm(join(lakeRoot, 'silver', 'contract_temp'), { recursive: true, force: true });
    assert.equal(await count(table), 3);
    await engine.dropTempTable(table);
  });

  it('a view model reads the tables it names', async () => {
    const { engine } = open();
    await engine.createView(
      'gold.contract_view',
      sql('SELECT count(*) AS n FROM silver.contract_exposed'),
    );
    const read = await engine.query(sql('SELECT n FROM gold.contract_view'));
    assert.equal(Number(read.rows[0]?.n), 0);
  });

  it('an empty raw lake gives every raw view, with no rows', async () => {
    const { engine } = open();
    const counts = await engine.registerRawViews({
      files: new Map(),
      ingestedAt: new Map(),
      gapFiles: [],
      dataLoads: new Set(),
    });
    assert.equal(counts.raw_export_extended, 0);
    for (const view of [
      'raw_export_extended',
      'raw_api_responses',
      'raw_api_recently_played',
      'raw_gaps',
      'raw_loads',
    ])
      assert.equal(await count(view), 0, view);
  });

  it('compares two versions of a table as multisets of whole rows: order aside, NULLs equal, copies counted', async () => {
    const { engine } = open();
    type Row = [number, string | null, string | null];
    const literal = (v: string | null) => (v === null ? 'NULL' : `'${v}'`);
    const version = async (rows: Row[]) => {
      const select = rows
        .map(
          ([n, s, d]) =>
            `SELECT CAST(${n} AS BIGINT) AS n, CAST(${literal(s)} AS STRING) AS s, CAST(${literal(d)} AS DATE) AS d`,
        )
        .join(' UNION ALL ');
      const written = await engine.writeParquet(
        sql(select),
        `silver/contract_diff/_staging-${randomUUID()}`,
      );
      return engine.parts(written.files.get('') ?? []);
    };
    // One row with NULLs, one held twice.
    const base: Row[] = [
      [1, 'a', '2026-01-01'],
      [2, null, null],
      [3, 'c', '2026-01-03'],
      [3, 'c', '2026-01-03'],
    ];
    const old = await version(base);
    const diff = async (rows: Row[], eventTime?: string, changedRows?: string) =>
      diffRows(engine, old, await version(rows), eventTime, changedRows);

    assert.deepEqual(await diff([...base].reverse()), { kind: 'none' });
    assert.deepEqual(await diff([...base, [4, 'd', '2026-01-04']]), { kind: 'additions' });
    // One copy of the twice-held row gone: a change, though every row is still there once.
    assert.deepEqual(await diff(base.slice(0, 3)), { kind: 'all' });
    const altered: Row[] = [...base.slice(0, 3), [3, 'C', '2026-01-05']];
    const dated = await diff(altered, 'd');
    assert.ok(dated.kind === 'dated');
    assert.deepEqual([...dated.days].sort(), ['2026-01-03', '2026-01-05']);
    assert.equal(dated.undated, false);
    const undated = await diff([base[0] as Row, [2, null, '2026-01-02'], ...base.slice(2)], 'd');
    assert.ok(undated.kind === 'dated' && undated.undated);
    assert.deepEqual([...undated.days], ['2026-01-02']);

    // The changed rows, both versions, in the table's columns: for lookups by key.
    const changed = await diff(altered, undefined, 'contract_diff_changed');
    assert.ok(changed.kind === 'all' && changed.rows !== undefined);
    const rows = await engine.query(
      `SELECT n, s, CAST(d AS STRING) AS d FROM ${changed.rows} ORDER BY d`,
    );
    assert.deepEqual(
      rows.rows.map((r) => [Number(r.n), r.s, r.d]),
      [
        [3, 'c', '2026-01-03'],
        [3, 'C', '2026-01-05'],
      ],
    );
    await engine.dropTempTable(changed.rows);
  });

  it('bad SQL fails with the engine message', async () => {
    const { engine } = open();
    await assert.rejects(
      engine.query('SELECT no_such_column FROM (SELECT 1 AS a) AS t'),
      /no_such_column/i,
    );
  });
}
