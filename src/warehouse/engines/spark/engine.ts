import { randomBytes } from 'node:crypto';
import { filesUnder, removeFolder } from '../../../lake/file-ops.js';
import type { Lake } from '../../../lake/lake.js';
import { lakeLocation } from '../../dialects/dialect.js';
import { sparkDialect, sparkTableView } from '../../dialects/spark.js';
import type { QueryResult, Warehouse } from '../../engine.js';
import { readParts, type TableManifest } from '../../manifest.js';
import type { RawCatalog } from '../../raw-sources.js';
import type { Column, Engine, WrittenParquet } from '../engine.js';
import { EngineError } from '../errors.js';
import { writtenFiles } from '../written-files.js';
import { SPARK, type SparkPlatform } from './platform.js';
import { emptyRelation, registerSparkRawViews, sparkPathList } from './raw-views.js';
import { sparkIdentifier, sparkString, sparkType } from './sql.js';
import type { ThriftSession } from './thrift-client.js';

/** Spark's name for the build's own scratch tables (staging writes, changed rows). */
const BUILD_DATABASE = 'wrapped_build';

/**
 * Apache Spark over its Thrift server (thrift-client.ts), and a Databricks SQL warehouse over
 * the same protocol (platform.ts says what differs). Spark reads the raw lake and the published
 * parts, and writes each model's Parquet into the build's staging folder; Node moves the files
 * through the lake's driver and writes the manifests (materializations/), as for DuckDB. A
 * model's table is the session view `<layer>__<name>` over exactly its manifest's parts; once
 * the build is done, `publishTables` registers external tables `bronze.*`, `silver.*`, `gold.*`
 * over the folders.
 *
 * When the lake is on this machine, what Spark writes is looked at with an in-memory DuckDB
 * (`inspector`): the rows and column types recorded in a manifest are exactly what the lake's
 * other readers (`wrapped query`, the dashboard, DuckDB builds) will see. Over a cloud lake
 * (Databricks), the engine counts and describes what it wrote itself.
 */
export class SparkEngine implements Engine {
  readonly dialect = sparkDialect;
  private relations = 0;
  /** Scratch table names unique to this session: several builds may share one Spark. */
  private readonly prefix = `b${randomBytes(4).toString('hex')}`;
  private readonly scratch = new Set<string>();

  private constructor(
    private readonly session: ThriftSession,
    private readonly platform: SparkPlatform,
    private readonly lake: Lake,
    readonly lakeRoot: string,
    readonly timezone: string,
    private readonly inspector: Warehouse | undefined,
    private readonly onClose: () => Promise<void>,
  ) {}

  get name() {
    return this.platform.name;
  }

  static async open(options: {
    session: ThriftSession;
    /** Open-source Spark (the default) or Databricks. */
    platform?: SparkPlatform;
    lake: Lake;
    /** Where Spark finds the lake: its folder here, or its cloud URL. */
    lakeRoot: string;
    timezone: string;
    /** A DuckDB to inspect written Parquet with; only when the lake is on this machine. */
    inspector?: Warehouse;
    onClose?: () => Promise<void>;
  }): Promise<SparkEngine> {
    const platform = options.platform ?? SPARK;
    const engine = new SparkEngine(
      options.session,
      platform,
      options.lake,
      options.lakeRoot,
      options.timezone,
      options.lake.localRoot === undefined ? closed(options.inspector) : options.inspector,
      options.onClose ?? (async () => {}),
    );
    for (const sql of [
      ...platform.sessionSetup(options.timezone),
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

  registerRawViews(
    catalog: RawCatalog,
    onlyLoads?: ReadonlySet<string>,
    sources?: readonly string[],
  ) {
    return registerSparkRawViews(
      (sql) => this.run(sql),
      this.lakeRoot,
      catalog,
      onlyLoads,
      sources,
    );
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
    // Spark writes into a folder that is not there yet (or empty).
    await removeFolder(this.lake, folder);
    const table = `${BUILD_DATABASE}.${this.prefix}_write_${++this.relations}`;
    const partition = partitionColumn === undefined ? '' : sparkIdentifier(partitionColumn);
    // One file per table (or per partition), as DuckDB writes them; zstd, as DuckDB writes.
    const hint = partitionColumn === undefined ? 'REPARTITION(1)' : `REPARTITION(${partition})`;
    let inspected: { rows: number; columns: Column[] } | undefined;
    try {
      await this.run(
        `CREATE TABLE ${table} USING parquet OPTIONS (compression 'zstd')
         ${partition ? `PARTITIONED BY (${partition})` : ''}
         LOCATION ${sparkString(lakeLocation(this.lakeRoot, folder))}
         AS SELECT /*+ ${hint} */ * FROM (${sql}) AS rows_built`,
      );
      if (!this.inspector) inspected = await this.inspectTable(table, partitionColumn);
    } finally {
      // An external table: dropping it keeps the files.
      await this.run(`DROP TABLE IF EXISTS ${table}`);
    }
    const files = writtenFiles(
      (await filesUnder(this.lake, folder)).map((path) => path.slice(folder.length + 1)),
      folder,
      partitionColumn,
    );
    if (inspected) return { ...inspected, files };
    const all = [...files.values()].flat();
    if (all.length === 0) {
      const columns = (await this.describe(sql)).filter((c) => c.name !== partitionColumn);
      return { rows: 0, files, columns };
    }
    // The lake is on this machine: DuckDB says what its readers will see.
    const inspector = this.inspector as Warehouse;
    const parts = readParts(this.lake.localRoot as string, all);
    const counted = await inspector.query(`SELECT count(*) AS n FROM ${parts}`);
    const described = await inspector.query(`DESCRIBE SELECT * FROM ${parts}`);
    return {
      rows: Number(counted.rows[0]?.n ?? 0),
      files,
      columns: described.rows.map((r) => ({
        name: String(r.column_name),
        type: String(r.column_type),
      })),
    };
  }

  /** Rows and columns of a table just written, as the engine itself sees them. */
  private async inspectTable(
    table: string,
    partitionColumn: string | undefined,
  ): Promise<{ rows: number; columns: Column[] }> {
    const counted = await this.query(`SELECT count(*) AS n FROM ${table}`);
    const columns = (await this.describe(`SELECT * FROM ${table}`)).filter(
      (c) => c.name !== partitionColumn,
    );
    return { rows: Number(counted.rows[0]?.n ?? 0), columns };
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
    await this.run(`CREATE TABLE ${table} ${this.platform.scratchTableFormat} AS ${sql}`);
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
         LOCATION ${sparkString(lakeLocation(this.lakeRoot, `${layer}/${name}`))}`,
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
      this.inspector?.close();
      await this.onClose();
    }
  }

  /** `USING parquet` over these parts (lake paths), each read as named. */
  private readParquet(files: string[]): string {
    const paths = files.map((f) => lakeLocation(this.lakeRoot, f));
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

/** An inspector that cannot be used (the lake is not on this machine), closed at once. */
function closed(inspector: Warehouse | undefined): undefined {
  inspector?.close();
  return undefined;
}
