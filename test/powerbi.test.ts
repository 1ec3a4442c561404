/**
 * `wrapped powerbi`: the Power BI Project cannot drift from the models. The TMDL it writes is
 * parsed here and held against a real build: every table it imports is a published table of
 * the lake, every column exists there with the matching type, every relationship's one side is
 * unique in the data, every measure and visual names fields the model has, and the parts a
 * manifest lists (what the Power Query reads) hold the manifest's rows. NOT OPENED IN POWER BI
 * DESKTOP (none on the development machine): Power Query and DAX are not run here.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sqlString, Warehouse } from '../src/warehouse/engine.js';
import { REPO, wrapped } from './support/helpers.js';

const SAMPLES = join(REPO, '..', 'shared', 'samples');

interface ParsedTable {
  name: string;
  columns: Map<string, string>;
  measures: Map<string, string>;
  source?: { layer: string; table: string };
}

/** Reads the TMDL table files: names, columns with data types, measures, the M source. */
function parseTables(folder: string): Map<string, ParsedTable> {
  const tables = new Map<string, ParsedTable>();
  const unquote = (text: string) => text.replace(/^'(.*)'$/, '$1').replaceAll("''", "'");
  for (const file of readdirSync(folder)) {
    const lines = readFileSync(join(folder, file), 'utf8').split('\n');
    let table: ParsedTable | undefined;
    let current: string | undefined;
    for (const line of lines) {
      const t = /^table (.+)$/.exec(line);
      if (t) {
        table = { name: unquote(t[1] as string), columns: new Map(), measures: new Map() };
        tables.set(table.name, table);
        continue;
      }
      if (!table) continue;
      const col = /^\tcolumn ('[^']*'|\S+)/.exec(line);
      if (col) current = unquote(col[1] as string);
      const type = /^\t\tdataType: (\S+)$/.exec(line);
      if (type && current) table.columns.set(current, type[1] as string);
      const measure = /^\tmeasure ('[^']*'|\S+) = (.+)$/.exec(line);
      if (measure) {
        table.measures.set(unquote(measure[1] as string), measure[2] as string);
        current = undefined;
      }
      const source = /ReadLakeTable\("(\w+)", "(\w+)"\)/.exec(line);
      if (source) table.source = { layer: source[1] as string, table: source[2] as string };
    }
  }
  return tables;
}

/** DuckDB's type of a published column, as the TMDL data type Power BI gives it. */
function tmdlType(duckType: string): string {
  if (/^(BIGINT|INTEGER|SMALLINT|TINYINT)$/.test(duckType)) return 'int64';
  if (/^(DOUBLE|FLOAT|REAL)$/.test(duckType)) return 'double';
  if (/^(DATE|TIMESTAMP.*)$/.test(duckType)) return 'dateTime';
  if (duckType === 'BOOLEAN') return 'boolean';
  if (duckType === 'VARCHAR') return 'string';
  return `unmapped ${duckType}`;
}

describe('wrapped powerbi (not opened in Power BI Desktop here)', () => {
  let lake: string;
  let out: string;
  let tables: Map<string, ParsedTable>;
  let dir: string;
  before(async () => {
    // Not tempDir(): its cleanup, registered inside a hook, would run when the hook ends.
    dir = await mkdtemp(join(tmpdir(), 'wrapped-powerbi-'));
    const env = { WRAPPED_HOME: join(dir, 'home'), WRAPPED_TIMEZONE: 'UTC' };
    lake = join(dir, 'home', 'lake');
    for (const sample of ['extended-2026-a', 'account-2025-wrapped'])
      assert.equal((await wrapped(['import', join(SAMPLES, sample)], { env })).code, 0);
    assert.equal((await wrapped(['transform'], { env })).code, 0);
    out = join(dir, 'pbi');
    const written = await wrapped(['powerbi', '--out', out, '--json'], { env });
    assert.equal(written.code, 0, written.stderr);
    assert.equal(JSON.parse(written.stdout).lake_root, lake);
    tables = parseTables(join(out, 'wrapped-me.SemanticModel', 'definition', 'tables'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('writes a project: the .pbip, a TMDL semantic model and a report bound to it', () => {
    const pbip = JSON.parse(readFileSync(join(out, 'wrapped-me.pbip'), 'utf8'));
    assert.deepEqual(pbip.artifacts, [{ report: { path: 'wrapped-me.Report' } }]);
    const pbir = JSON.parse(
      readFileSync(join(out, 'wrapped-me.Report', 'definition.pbir'), 'utf8'),
    );
    assert.equal(pbir.datasetReference.byPath.path, '../wrapped-me.SemanticModel');
    for (const file of ['database.tmdl', 'model.tmdl', 'expressions.tmdl', 'relationships.tmdl'])
      assert.ok(existsSync(join(out, 'wrapped-me.SemanticModel', 'definition', file)), file);
    const expressions = readFileSync(
      join(out, 'wrapped-me.SemanticModel', 'definition', 'expressions.tmdl'),
      'utf8',
    );
    assert.ok(expressions.includes(`expression LakeRoot = "${lake}"`), 'LakeRoot is this lake');
    assert.ok(tables.size >= 6);
  });

  it('every imported table and column exists in the build, with the type Power BI will read', async () => {
    for (const table of tables.values()) {
      if (!table.source) continue; // the calculated Calendar
      const manifestPath = join(lake, table.source.layer, table.source.table, '_manifest.json');
      assert.ok(existsSync(manifestPath), `${table.name}: ${manifestPath}`);
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
        rows: number;
        files: string[];
        columns: Array<{ name: string; type: string }>;
      };
      const published = new Map(manifest.columns.map((c) => [c.name, c.type]));
      for (const [column, type] of table.columns) {
        assert.ok(published.has(column), `${table.name}.${column} is published`);
        assert.equal(tmdlType(published.get(column) as string), type, `${table.name}.${column}`);
      }
      // What the Power Query reads: the parts the manifest names, relative to LakeRoot.
      const duck = await Warehouse.open({ file: ':memory:', timezone: 'UTC' });
      try {
        const files = manifest.files.map((f) => sqlString(join(lake, f))).join(', ');
        const [row] = (
          await duck.query(
            `SELECT count(*) AS n FROM read_parquet([${files}], union_by_name = true)`,
          )
        ).rows;
        assert.equal(Number(row?.n), manifest.rows, `${table.name}: the parts hold the rows`);
      } finally {
        duck.close();
      }
    }
  });

  it('measures, relationships and visuals name only what the model has; each relationship is many-to-one in the data', async () => {
    const has = (t: string, f: string) =>
      tables.get(t)?.columns.has(f) || tables.get(t)?.measures.has(f) || false;
    for (const table of tables.values())
      for (const [measure, dax] of table.measures) {
        for (const [, t, f] of dax.matchAll(/(\w+)\[(\w+)\]/g))
          assert.ok(has(t as string, f as string), `${measure}: ${t}[${f}]`);
        for (const [, t] of dax.matchAll(/ALL\((\w+)\)/g))
          assert.ok(tables.has(t as string), `${measure}: ${t}`);
      }
    const relationships = readFileSync(
      join(out, 'wrapped-me.SemanticModel', 'definition', 'relationships.tmdl'),
      'utf8',
    );
    const pairs = [
      ...relationships.matchAll(/fromColumn: (\w+)\.(\w+)\n\ttoColumn: (\w+)\.(\w+)/g),
    ];
    assert.ok(pairs.length >= 4);
    const duck = await Warehouse.open({ file: ':memory:', timezone: 'UTC' });
    try {
      for (const [, ft, fc, tt, tc] of pairs) {
        assert.ok(has(ft as string, fc as string), `${ft}.${fc}`);
        assert.ok(has(tt as string, tc as string), `${tt}.${tc}`);
        const source = tables.get(tt as string)?.source;
        if (!source) continue;
        const manifest = JSON.parse(
          readFileSync(join(lake, source.layer, source.table, '_manifest.json'), 'utf8'),
        ) as { files: string[] };
        const files = manifest.files.map((f) => sqlString(join(lake, f))).join(', ');
        const [row] = (
          await duck.query(
            `SELECT count(${tc}) AS n, count(DISTINCT ${tc}) AS d FROM read_parquet([${files}])`,
          )
        ).rows;
        assert.equal(row?.n, row?.d, `${tt}.${tc} is unique: the one side of ${ft}.${fc}`);
      }
    } finally {
      duck.close();
    }
    const report = JSON.parse(readFileSync(join(out, 'wrapped-me.Report', 'report.json'), 'utf8'));
    const refs = (report.sections[0].visualContainers as Array<{ config: string }>).flatMap((v) =>
      Object.values(
        JSON.parse(v.config).singleVisual.projections as Record<
          string,
          Array<{ queryRef: string }>
        >,
      ).flatMap((list) => list.map((p) => p.queryRef)),
    );
    assert.ok(refs.length >= 5);
    for (const ref of refs) {
      const [t, f] = ref.split('.') as [string, string];
      assert.ok(has(t, f), `the report's ${ref}`);
    }
  });
});
