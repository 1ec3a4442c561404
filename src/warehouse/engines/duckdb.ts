import { mkdir, readdir } from 'node:fs/promises';
import { sep } from 'node:path';
import { duckdbDialect } from '../dialects/duckdb.js';
import { type QueryResult, sqlIdentifier, sqlString, type Warehouse } from '../engine.js';
import { exposeTable, localPart, readParts, type TableManifest } from '../manifest.js';
import { type RawCatalog, registerRawViews } from '../raw-sources.js';
import { showView, ViewStamps } from '../view-stamps.js';
import type { Column, Engine, WrittenParquet } from './engine.js';
import { writtenFiles } from './written-files.js';

/**
 * Rows per row group in partitioned writes. DuckDB writes a row group on one thread, and a
 * year of plays (40,000 rows at 500k streams) fits in one of the default 122,880: a partitioned
 * write used one core of two. At this size fct_play's write took 0.51-0.62 s instead of 0.78.
 */
const PARTITIONED_ROW_GROUP = 32_768;

/**
 * Rows a partitioned write holds before it writes them out. DuckDB's default (524,288) holds a
 * whole table of plays at 500k streams, outside the memory limit the build sets (runner.ts):
 * the full build peaked at 436-543 MB (one bench run: 631) in 6.16-6.73 s. Flushed at every
 * row group's worth (the row groups come out the same), it peaked at 424-483 MB in 5.91-6.24 s
 * (ten runs each, 4 December).
 */
const PARTITIONED_FLUSH_ROWS = PARTITIONED_ROW_GROUP;

/** The attached in-memory database holding a build's temporary tables (createTempTable). */
const SCRATCH = 'build_scratch';

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
    /** A fork closes its own connection; the warehouse belongs to whoever opened it. */
    private readonly ownsConnection = false,
    /** Shared with the forks: one build, one view of what the views read. */
    private readonly viewStamps = new ViewStamps(),
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

  registerRawViews(
    catalog: RawCatalog,
    onlyLoads?: ReadonlySet<string>,
    sources?: readonly string[],
  ) {
    return registerRawViews(this.warehouse, catalog, onlyLoads, sources);
  }

  async parts(files: string[]): Promise<string> {
    return readParts(this.lakeRoot, files);
  }

  async writeParquet(
    sql: string,
    folder: string,
    partitionColumn?: string,
    knownColumns?: Column[],
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
    await this.warehouse.run(`SET partitioned_write_flush_threshold = ${PARTITIONED_FLUSH_ROWS}`);
    const copied = await this.warehouse.query(
      `COPY (${sql}) TO ${sqlString(absolute)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${PARTITIONED_ROW_GROUP}, PARTITION_BY (${sqlIdentifier(partitionColumn)}))`,
    );
    // DESCRIBE plans the SQL again: 8-12 ms for silver.fct_play, on an hourly build's path.
    const columns =
      knownColumns ??
      (await this.describe(`SELECT * FROM (${sql})`)).filter((c) => c.name !== partitionColumn);
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

  /** A view that already reads exactly these parts (its stamp says so) is left as it is. */
  async expose(manifest: TableManifest): Promise<void> {
    const stamps = await this.viewStamps.read(this.warehouse);
    await exposeTable(this.warehouse, this.lakeRoot, manifest, { stamps });
  }

  async createView(id: string, sql: string): Promise<void> {
    await showView(this.warehouse, await this.viewStamps.read(this.warehouse), id, sql);
  }

  /** A connection of its own to the same database: its queries run beside this one's. */
  async fork(): Promise<DuckdbEngine> {
    // Attached before any fork runs a query: connections never race to attach it.
    await this.attachScratch();
    return new DuckdbEngine(await this.warehouse.fork(), this.lakeRoot, true, this.viewStamps);
  }

  /**
   * In an in-memory database attached to the warehouse, not in the connection's own temporary
   * schema: every connection of the build (a fork) reads it, and it never reaches the file.
   */
  async createTempTable(name: string, sql: string): Promise<string> {
    await this.attachScratch();
    const table = `${SCRATCH}.${sqlIdentifier(name)}`;
    await this.warehouse.run(`CREATE OR REPLACE TABLE ${table} AS ${sql}`);
    return table;
  }

  private attachScratch(): Promise<void> {
    return this.warehouse.run(`ATTACH IF NOT EXISTS ':memory:' AS ${SCRATCH}`);
  }

  async dropTempTable(name: string): Promise<void> {
    await this.warehouse.run(`DROP TABLE IF EXISTS ${name}`);
  }

  /** The warehouse's views are the published tables: nothing more to register. */
  async publishTables(): Promise<string[]> {
    return [];
  }

  async close(): Promise<void> {
    if (this.ownsConnection) this.warehouse.close();
  }
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
