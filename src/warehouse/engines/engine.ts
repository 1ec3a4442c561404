import type { Dialect } from '../dialects/dialect.js';
import type { QueryResult } from '../engine.js';
import type { TableManifest } from '../manifest.js';
import type { RawCatalog } from '../raw-sources.js';

export type EngineName = 'duckdb' | 'spark' | 'databricks';
export const ENGINE_NAMES: EngineName[] = ['duckdb', 'spark', 'databricks'];

/** A column as the lake's readers see it: its name and DuckDB's name for its type. */
export interface Column {
  name: string;
  type: string;
}

/** What `writeParquet` wrote: lake paths of the files, by partition value ('' when not partitioned). */
export interface WrittenParquet {
  rows: number;
  files: Map<string, string[]>;
  columns: Column[];
}

/**
 * What the runner needs of a SQL engine to build the models into the lake (runner.ts and
 * materializations/). DuckDB (embedded) and Spark (over its Thrift server) implement it, and
 * one contract suite (engine.contract.ts) holds every engine to the same behaviour.
 *
 * Tables are never replaced in place: an engine writes Parquet into a hidden folder of the lake,
 * Node moves the files to their final names through the lake's driver and writes the manifest
 * last (manifest.ts), so a build killed midway leaves the previous tables readable, whatever the
 * engine and wherever the lake.
 */
export interface Engine {
  readonly name: EngineName;
  readonly dialect: Dialect;
  /** WRAPPED_TIMEZONE: the session time zone, so instants cast to dates are local days. */
  readonly timezone: string;
  /**
   * Where this engine reads and writes the lake: a folder on this machine, or a URL the engine
   * resolves itself (`abfss://container@account.dfs.core.windows.net/prefix` on Databricks).
   */
  readonly lakeRoot: string;
  /** Runs SQL for its effect. */
  run(sql: string): Promise<void>;
  /** Runs a query; values as JSON (integers as numbers when exact). */
  query(sql: string): Promise<QueryResult>;
  /**
   * The raw lake as the views the bronze models read (raw-sources.ts); files read per view.
   * With `sources`, only those raw views (and the gaps and loads, always whole) are created.
   */
  registerRawViews(
    catalog: RawCatalog,
    onlyLoads?: ReadonlySet<string>,
    sources?: readonly string[],
  ): Promise<Record<string, number>>;
  /** A relation (to follow FROM) reading exactly these Parquet parts (lake paths). */
  parts(files: string[]): Promise<string>;
  /**
   * Writes the rows of `sql` as Parquet (zstd) under `folder`, a lake path the build owns.
   * With `partitionColumn`, one hive-style sub-folder `<column>=<value>/` per value, the column
   * itself left out of the files. With `knownColumns` (what the caller already knows the rows'
   * columns to be: a narrowed build runs the SQL its published parts were built with), the
   * engine returns those instead of describing the SQL again (on DuckDB, planning it twice).
   */
  writeParquet(
    sql: string,
    folder: string,
    partitionColumn?: string,
    knownColumns?: Column[],
  ): Promise<WrittenParquet>;
  /** Makes `<layer>.<name>` read a published manifest's parts for the rest of the session. */
  expose(manifest: TableManifest): Promise<void>;
  /** Makes `<layer>.<name>` a view over other tables (a view model). */
  createView(id: string, sql: string): Promise<void>;
  /** Materialises rows now (they outlive the files they were read from); returns its name. */
  createTempTable(name: string, sql: string): Promise<string>;
  dropTempTable(name: string): Promise<void>;
  /**
   * Another session on the same warehouse, so that models that do not read each other build
   * side by side (runner.ts); it sees every table and temporary table this one does, except
   * the raw views. Engines without it build one model at a time. Closed with `close()`.
   */
  fork?(): Promise<Engine>;
  /** After a build: registers the published tables for the engine's other readers. */
  publishTables(manifests: TableManifest[]): Promise<string[]>;
  close(): Promise<void>;
}
