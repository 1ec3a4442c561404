import { sparkIdentifier, sparkString } from './sql.js';

/**
 * What differs between open-source Spark and a Databricks SQL warehouse when the same engine
 * (engine.ts) builds on them. The SQL of the models is the same Spark SQL on both.
 */
export interface SparkPlatform {
  readonly name: 'spark' | 'databricks';
  /**
   * The session settings the Spark dialect relies on (dialects/spark.ts): local time in
   * WRAPPED_TIMEZONE, a bad cast failing as it does in DuckDB, and timestamps written to
   * Parquet as DuckDB writes them (microseconds, not the legacy INT96).
   */
  sessionSetup(timezone: string): string[];
  /** How a scratch table (rows kept for the rest of a build) is stored. */
  readonly scratchTableFormat: string;
}

export const SPARK: SparkPlatform = {
  name: 'spark',
  sessionSetup: (timezone) => [
    `SET spark.sql.session.timeZone=${timezone}`,
    'SET spark.sql.ansi.enabled=true',
    'SET spark.sql.parquet.outputTimestampType=TIMESTAMP_MICROS',
  ],
  scratchTableFormat: 'USING parquet',
};

/**
 * A Databricks SQL warehouse, in a Unity Catalog catalog. A SQL warehouse takes only the
 * settings its documentation lists (`SET TIME ZONE`, `ANSI_MODE`, ...), not Spark's own; its
 * managed tables are Delta, so scratch tables are Delta (the published tables stay Parquet in
 * the lake, external tables over an external location). Untested against a live workspace here.
 */
export function databricksPlatform(catalog: string): SparkPlatform {
  return {
    name: 'databricks',
    sessionSetup: (timezone) => [
      `USE CATALOG ${sparkIdentifier(catalog)}`,
      `SET TIME ZONE ${sparkString(timezone)}`,
      'SET ANSI_MODE = true',
    ],
    scratchTableFormat: '',
  };
}
