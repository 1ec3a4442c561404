/**
 * Two lakes' published tables compared row for row, as their readers see them: each table's
 * manifest parts read with DuckDB, every value as text (numbers as numbers), rows sorted.
 * Text must be equal exactly; numbers within 1e-9 relative. For the engines suite: Spark's
 * tables against DuckDB's, and an incremental build against a full one.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Warehouse } from '../../src/warehouse/engine.js';

interface Manifest {
  table: string;
  files: string[];
  columns: Array<{ name: string; type: string }>;
}

export interface TableDifference {
  table: string;
  problem: string;
}

const NUMERIC =
  /^(BIGINT|INTEGER|SMALLINT|TINYINT|HUGEINT|DOUBLE|FLOAT|DECIMAL.*|UBIGINT|UINTEGER)$/;

function manifest(lake: string, table: string): Manifest | undefined {
  const [layer, name] = table.split('.') as [string, string];
  try {
    return JSON.parse(readFileSync(join(lake, layer, name, '_manifest.json'), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

async function rowsOf(duck: Warehouse, lake: string, m: Manifest): Promise<unknown[][]> {
  if (m.files.length === 0) return [];
  const columns = m.columns.map((c) => {
    const id = `"${c.name.replaceAll('"', '""')}"`;
    return NUMERIC.test(c.type) ? `CAST(${id} AS DOUBLE)` : `CAST(${id} AS VARCHAR)`;
  });
  const files = m.files.map((f) => `'${join(lake, ...f.split('/')).replaceAll("'", "''")}'`);
  const result = await duck.query(
    `SELECT ${columns.map((c, i) => `${c} AS c${i}`).join(', ')} FROM read_parquet([${files.join(', ')}], hive_partitioning = false) ORDER BY ALL`,
  );
  return result.rows.map((r) => m.columns.map((_, i) => r[`c${i}`]));
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number')
    return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
  return false;
}

/**
 * Compares the named tables of two lakes; returns what differs (empty: all equal). Columns must
 * have the same names in the same order; types may differ where both are numbers.
 */
export async function compareLakes(
  expectedLake: string,
  actualLake: string,
  tables: string[],
): Promise<TableDifference[]> {
  const duck = await Warehouse.open({ file: ':memory:', timezone: 'UTC' });
  const differences: TableDifference[] = [];
  try {
    for (const table of tables) {
      const expected = manifest(expectedLake, table);
      const actual = manifest(actualLake, table);
      if (!expected || !actual) {
        differences.push({
          table,
          problem: `manifest missing (${expected ? 'actual' : 'expected'})`,
        });
        continue;
      }
      const names = (m: Manifest) => m.columns.map((c) => c.name).join(', ');
      if (names(expected) !== names(actual)) {
        differences.push({ table, problem: `columns ${names(actual)} != ${names(expected)}` });
        continue;
      }
      const [want, got] = [
        await rowsOf(duck, expectedLake, expected),
        await rowsOf(duck, actualLake, actual),
      ];
      if (want.length !== got.length) {
        differences.push({ table, problem: `${got.length} rows != ${want.length}` });
        continue;
      }
      const at = want.findIndex((row, i) => row.some((v, j) => !sameValue(v, got[i]?.[j])));
      if (at >= 0)
        differences.push({
          table,
          problem: `row ${at} differs: ${JSON.stringify(got[at])} != ${JSON.stringify(want[at])}`,
        });
    }
  } finally {
    duck.close();
  }
  return differences;
}

/**
 * A table of a lake against the view of the same name in a DuckDB warehouse file (a model
 * ephemeral on DuckDB is a view there, a table on Spark): what differs, as compareLakes says it.
 */
export async function compareViewWithTable(
  warehouseFile: string,
  timezone: string,
  lake: string,
  table: string,
): Promise<TableDifference[]> {
  const actual = manifest(lake, table);
  if (!actual) return [{ table, problem: 'manifest missing (actual)' }];
  const warehouse = await Warehouse.open({ file: warehouseFile, timezone });
  try {
    const columns = actual.columns.map((c) => {
      const id = `"${c.name.replaceAll('"', '""')}"`;
      return NUMERIC.test(c.type) ? `CAST(${id} AS DOUBLE)` : `CAST(${id} AS VARCHAR)`;
    });
    const result = await warehouse.query(
      `SELECT ${columns.map((c, i) => `${c} AS c${i}`).join(', ')} FROM ${table} ORDER BY ALL`,
    );
    const want = result.rows.map((r) => actual.columns.map((_, i) => r[`c${i}`]));
    const got = await rowsOf(warehouse, lake, actual);
    if (want.length !== got.length)
      return [{ table, problem: `${got.length} rows != ${want.length}` }];
    const at = want.findIndex((row, i) => row.some((v, j) => !sameValue(v, got[i]?.[j])));
    return at < 0
      ? []
      : [
          {
            table,
            problem: `row ${at} differs: ${JSON.stringify(got[at])} != ${JSON.stringify(want[at])}`,
          },
        ];
  } finally {
    warehouse.close();
  }
}

/** Every silver and gold table a lake has published. */
export function publishedTables(lake: string, layers = ['silver', 'gold']): string[] {
  return layers.flatMap((layer) =>
    existsSync(join(lake, layer))
      ? readdirSync(join(lake, layer))
          .filter((name) => existsSync(join(lake, layer, name, '_manifest.json')))
          .sort()
          .map((name) => `${layer}.${name}`)
      : [],
  );
}
