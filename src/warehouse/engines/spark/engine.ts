import { randomBytes } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { sparkDialect, sparkTableView } from '../../dialects/spark.js';
import type { QueryResult, Warehouse } from '../../engine.js';
import { localPart, readParts, type TableManifest } from '../../manifest.js';
import type { RawCatalog } from '../../raw-sources.js';
import { partitionFiles } from '../duckdb.js';
import type { Column, Engine, WrittenParquet } from '../engine.js';
import { EngineError } from '../errors.js';
import { emptyRelation, registerSparkRawViews, sparkPathList } from './raw-views.js';
import { sparkIdentifier, sparkString, sparkType } from './sql.js';
import type { ThriftSession } from './thrift-client.js';

/** Spark's name for the build's own scratch tables (staging writes, changed rows). */
const BUILD_DATABASE = 'wrapped_build';

/**
 * Apache Spark over its Thrift server (thrift-client.ts). Spark reads the raw lake and the
 * published parts, and writes each model's Parquet into the build's staging folder; Node moves
 * the files and writes the manifests (materializations/), as for DuckDB. A model's table is the
 * session view `<layer>__<name>` over exactly its manifest's parts; once the build is done,
 * `publishTables` registers external tables `bronze.*`, `silver.*`, `gold.*` over the folders.
 *
 * What Spark writes is looked at with an in-memory DuckDB (`inspector`): the rows and column
 * types recorded in a manifest are what the lake's other readers (`wrapped query`, the
 * dashboard, DuckDB builds) will see.
 */
export class SparkEngine implements Engine {
  readonly name = 'spark';
  readonly dialect = sparkDialect;
  private relations = 0;
  /** Scratch table names unique to this session: several builds may share one Spark. */
  private readonly prefix = `b${randomBytes(4).toString('hex')}`;
  private readonly scratch = new Set<string>();

  private constructor(
    private readonly session: ThriftSession,
    private readonly lakeRoot: string,
    readonly timezone: string,
    private readonly inspector: Warehouse,
    private readonly onClose: () => Promise<void>,
  ) {}

  static async open(options: {
    session: ThriftSession;
    lakeRoot: string;
    timezone: string;
    inspector: Warehouse;
    onClose?: () => Promise<void>;
  }): Promise<SparkEngine> {
    const engine = new SparkEngine(
      options.session,
      options.lakeRoot,
      options.timezone,
      options.inspector,
      options.onClose ?? (async () => {}),
    );
    // What the Spark dialect relies on (dialects/spark.ts): local time in WRAPPED_TIMEZONE, and
    // a bad cast failing as it does in DuckDB. Parquet as DuckDB writes it: zstd, timestamps in
    // microseconds (not Spark's legacy INT96).
    for (const sql of [
      `SET spark.sql.session.timeZone=${options.timezone}`,
      'SET spark.sql.ansi.enabled=true',
      'SET spark.sql.parquet.compression.codec=zstd',
      'SET spark.sql.parquet.outputTimestampType=TIMESTAMP_MICROS',
      `CREATE DATABASE IF NOT EXISTS ${BUILD_DATABASE}`,
    ])
      await engine.run(sql);
    return engine;
  }

  async run(sql: string): Promise<void> {
    await this.session.execute(sql);
  }

  query(sql: string): Promise<QueryResult> {
    return this.session.execute(sql);
  }

  registerRawViews(catalog: RawCatalog, onlyLoads?: ReadonlySet<string>) {
    return registerSparkRawViews((sql) => this.run(sql), this.lakeRoot, catalog, onlyLoads);
  }

  async parts(files: string[]): Promise<string> {
    const name = `parts_${++this.relations}`;
    await this.run(`CREATE OR REPLACE TEMP VIEW ${name} ${this.readParquet(files)}`);
    return name;
  }

  async writeParquet(
    sql: string,
    folder: string,
    partitionColumn?: string,
  ): Promise<WrittenParquet> {
    const absolute = localPart(this.lakeRoot, folder);
    // Spark writes into a folder that is not there yet (or empty).
    await rm(absolute, { recursive: true, force: true });
    const table = `${BUILD_DATABASE}.${this.prefix}_write_${++this.relations}`;
    const partition = partitionColumn === undefined ? '' : sparkIdentifier(partitionColumn);
    // One file per table (or per partition), as DuckDB writes them.
    const hint = partitionColumn === undefined ? 'REPARTITION(1)' : `REPARTITION(${partition})`;
    try {
      await this.run(
        `CREATE TABLE ${table} USING parquet ${partition ? `PARTITIONED BY (${partition})` : ''}
         LOCATION ${sparkString(absolute)}
         AS SELECT /*+ ${hint} */ * FROM (${sql}) AS rows_built`,
      );
    } finally {
      // An external table: dropping it keeps the files.
      await this.run(`DROP TABLE IF EXISTS ${table}`);
    }
    const files =
      partitionColumn === undefined
        ? new Map([['', await parquetFiles(absolute, folder)]])
        : await partitionFiles(absolute, folder, partitionColumn);
    const all = [...files.values()].flat();
    if (all.length === 0) {
      const columns = (await this.describe(sql)).filter((c) => c.name !== partitionColumn);
      return { rows: 0, files, columns };
    }
    const parts = readParts(this.lakeRoot, all);
    const counted = await this.inspector.query(`SELECT count(*) AS n FROM ${parts}`);
    const described = await this.inspector.query(`DESCRIBE SELECT * FROM ${parts}`);
    return {
      rows: Number(counted.rows[0]?.n ?? 0),
      files,
      columns: described.rows.map((r) => ({
        name: String(r.column_name),
        type: String(r.column_type),
      })),
    };
  }

  /** Columns with DuckDB's names for Spark's types (what a manifest records). */
  private async describe(sql: string): Promise<Column[]> {
    const described = await this.query(`DESCRIBE QUERY SELECT * FROM (${sql}) AS described`);
    return described.rows.map((r) => ({
      name: String(r.col_name),
      type: duckdbType(String(r.data_type)),
    }));
  }

  async expose(manifest: TableManifest): Promise<void> {
    const view = sparkTableView(manifest.table);
    await this.run(
      manifest.files.length > 0
        ? `CREATE OR REPLACE TEMP VIEW ${view} ${this.readParquet(manifest.files)}`
        : `CREATE OR REPLACE TEMP VIEW ${view} AS ${emptyRelation(sparkColumns(manifest))}`,
    );
  }

  async createView(id: string, sql: string): Promise<void> {
    await this.run(`CREATE OR REPLACE TEMP VIEW ${sparkTableView(id)} AS ${sql}`);
  }

  async createTempTable(name: string, sql: string): Promise<string> {
    // Spark has no temporary tables: a table of the build's own, dropped when done.
    const table = `${BUILD_DATABASE}.${this.prefix}_${name.replace(/\W/g, '_')}`;
    await this.run(`DROP TABLE IF EXISTS ${table}`);
    await this.run(`CREATE TABLE ${table} USING parquet AS ${sql}`);
    this.scratch.add(table);
    return table;
  }

  async dropTempTable(name: string): Promise<void> {
    await this.run(`DROP TABLE IF EXISTS ${name}`);
    this.scratch.delete(name);
  }

  /**
   * External tables `<layer>.<name>` over each published table's folder, for Spark's other
   * readers (a notebook, a BI tool on the Thrift server). Files are found under the folder's
   * partition sub-folders too; hidden staging folders and `_manifest.json` are never read.
   */
  async publishTables(manifests: TableManifest[]): Promise<string[]> {
    const registered: string[] = [];
    for (const layer of new Set(manifests.map((m) => m.table.split('.')[0])))
      await this.run(`CREATE SCHEMA IF NOT EXISTS ${layer}`);
    for (const manifest of manifests) {
      const [layer, name] = manifest.table.split('.') as [string, string];
      const table = `${layer}.${sparkIdentifier(name)}`;
      await this.run(`DROP TABLE IF EXISTS ${table}`);
      await this.run(
        `CREATE TABLE ${table} (${sparkColumns(manifest)}) USING parquet
         OPTIONS (recursiveFileLookup 'true')
         LOCATION ${sparkString(localPart(this.lakeRoot, `${layer}/${name}`))}`,
      );
      registered.push(manifest.table);
    }
    return registered;
  }

  async close(): Promise<void> {
    try {
      for (const table of this.scratch) await this.run(`DROP TABLE IF EXISTS ${table}`);
    } catch {
      // The session may already be gone; its scratch tables go with the server's warehouse.
    } finally {
      await this.session.close();
      this.inspector.close();
      await this.onClose();
    }
  }

  /** `USING parquet` over these parts (lake paths), each read as named. */
  private readParquet(files: string[]): string {
    const paths = files.map((f) => localPart(this.lakeRoot, f));
    return `USING parquet OPTIONS (path ${sparkString(sparkPathList(this.lakeRoot, paths))}, recursiveFileLookup 'true')`;
  }
}

/** A manifest's columns as a Spark column list. */
const sparkColumns = (manifest: TableManifest) =>
  manifest.columns.map((c) => `${sparkIdentifier(c.name)} ${sparkType(c.type)}`).join(', ');

/** Spark's name for a type as DuckDB's (for `describe`; a written table is inspected instead). */
function duckdbType(spark: string): string {
  const type = spark.toLowerCase();
  const names: Record<string, string> = {
    string: 'VARCHAR',
    bigint: 'BIGINT',
    int: 'INTEGER',
    smallint: 'SMALLINT',
    tinyint: 'TINYINT',
    double: 'DOUBLE',
    float: 'FLOAT',
    boolean: 'BOOLEAN',
    date: 'DATE',
    timestamp: 'TIMESTAMP WITH TIME ZONE',
    timestamp_ntz: 'TIMESTAMP',
    binary: 'BLOB',
  };
  if (names[type]) return names[type];
  if (type.startsWith('decimal')) return type.toUpperCase();
  const list = /^array<(.*)>$/.exec(type);
  if (list) return `${duckdbType(list[1] as string)}[]`;
  throw new EngineError(`No lake type for Spark's ${spark}`);
}

/** The Parquet files Spark wrote in a folder (not its _SUCCESS or .crc files), as lake paths. */
async function parquetFiles(absolute: string, folder: string): Promise<string[]> {
  try {
    return (await readdir(absolute))
      .filter((f) => f.endsWith('.parquet') && !f.startsWith('.') && !f.startsWith('_'))
      .sort()
      .map((f) => `${folder}/${f}`);
  } catch {
    return [];
  }
}
