import { mkdir, readdir } from 'node:fs/promises';
import { sep } from 'node:path';
import { duckdbDialect } from '../dialects/duckdb.js';
import { type QueryResult, sqlIdentifier, sqlString, type Warehouse } from '../engine.js';
import { exposeTable, localPart, readParts, type TableManifest } from '../manifest.js';
import { type RawCatalog, registerRawViews } from '../raw-sources.js';
import type { Column, Engine, WrittenParquet } from './engine.js';
import { writtenFiles } from './written-files.js';

/**
 * DuckDB, embedded: the default engine. It builds in HOME's warehouse file, whose views are what
 * `wrapped query`, the dashboard and the exports read, so exposing a table is all it publishes.
 */
export class DuckdbEngine implements Engine {
  readonly name = 'duckdb';
  readonly dialect = duckdbDialect;

  constructor(
    readonly warehouse: Warehouse,
    readonly lakeRoot: string,
  ) {}

  get timezone(): string {
    return this.warehouse.timezone;
  }

  run(sql: string): Promise<void> {
    return this.warehouse.run(sql);
  }

  query(sql: string): Promise<QueryResult> {
    return this.warehouse.query(sql);
  }

  registerRawViews(catalog: RawCatalog, onlyLoads?: ReadonlySet<string>) {
    return registerRawViews(this.warehouse, catalog, onlyLoads);
  }

  async parts(files: string[]): Promise<string> {
    return readParts(this.lakeRoot, files);
  }

  async writeParquet(
    sql: string,
    folder: string,
    partitionColumn?: string,
  ): Promise<WrittenParquet> {
    const absolute = localPart(this.lakeRoot, folder);
    await mkdir(absolute, { recursive: true });
    if (partitionColumn === undefined) {
      const file = `${folder}/data.parquet`;
      const copied = await this.warehouse.query(
        `COPY (${sql}) TO ${sqlString(localPart(this.lakeRoot, file))} (FORMAT parquet, COMPRESSION zstd)`,
      );
      return {
        rows: Number(copied.rows[0]?.Count ?? 0),
        files: new Map([['', [file]]]),
        columns: await this.describe(`SELECT * FROM ${readParts(this.lakeRoot, [file])}`),
      };
    }
    const copied = await this.warehouse.query(
      `COPY (${sql}) TO ${sqlString(absolute)} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (${sqlIdentifier(partitionColumn)}))`,
    );
    const columns = (await this.describe(`SELECT * FROM (${sql})`)).filter(
      (c) => c.name !== partitionColumn,
    );
    return {
      rows: Number(copied.rows[0]?.Count ?? 0),
      files: await partitionFiles(absolute, folder, partitionColumn),
      columns,
    };
  }

  private async describe(sql: string): Promise<Column[]> {
    const described = await this.warehouse.query(`DESCRIBE ${sql}`);
    return described.rows.map((r) => ({
      name: String(r.column_name),
      type: String(r.column_type),
    }));
  }

  expose(manifest: TableManifest): Promise<void> {
    return exposeTable(this.warehouse, this.lakeRoot, manifest);
  }

  async createView(id: string, sql: string): Promise<void> {
    const [layer, name] = id.split('.') as [string, string];
    await this.warehouse.run(`CREATE OR REPLACE VIEW ${layer}.${sqlIdentifier(name)} AS ${sql}`);
  }

  async createTempTable(name: string, sql: string): Promise<string> {
    await this.warehouse.run(`CREATE OR REPLACE TEMP TABLE ${sqlIdentifier(name)} AS ${sql}`);
    return sqlIdentifier(name);
  }

  async dropTempTable(name: string): Promise<void> {
    await this.warehouse.run(`DROP TABLE IF EXISTS ${name}`);
  }

  /** The warehouse's views are the published tables: nothing more to register. */
  async publishTables(): Promise<string[]> {
    return [];
  }

  /** The warehouse belongs to whoever opened it. */
  async close(): Promise<void> {}
}

/** The Parquet files DuckDB wrote under a folder of this machine, by partition value. */
async function partitionFiles(
  absolute: string,
  folder: string,
  column: string,
): Promise<Map<string, string[]>> {
  let paths: string[];
  try {
    paths = await readdir(absolute, { recursive: true });
  } catch {
    return new Map(); // no row, no folder
  }
  return writtenFiles(
    paths.map((p) => p.split(sep).join('/')),
    folder,
    column,
  );
}
