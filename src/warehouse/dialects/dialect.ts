import { join } from 'node:path';
import { ACCOUNT_STREAM_KEY_SQL, EXTENDED_STREAM_KEY_SQL } from '../../importer/natural-key.js';
import { checkLakePath } from '../../lake/paths.js';
import { partitionWindowSql, partitionYearsSql } from '../changes.js';
import type { MacroName, MacroRenderer, RenderContext } from './macros.js';

export type DialectName = 'duckdb' | 'spark';

/**
 * How one engine family writes SQL. Models are written once; a dialect renders their macros
 * (macros.ts) and gives the few statements the runner itself needs.
 */
export interface Dialect {
  readonly name: DialectName;
  /** One renderer per macro in MACROS (a test checks none is missing). */
  readonly macros: Record<MacroName, MacroRenderer>;
  /** A string literal this dialect reads back as `value`. */
  string(value: string): string;
  /** A quoted identifier. */
  identifier(name: string): string;
  /** A whole row of the relation named `alias`, as one struct value (diff.ts groups by it). */
  row(alias: string): string;
  /**
   * The last pass over a rendered statement: what differs between the dialects everywhere
   * (Spark: escapes in string literals, quoted identifiers, how a model's table is named).
   */
  finish(sql: string): string;
}

/** A lake path as a location the engine reads: a local path, or a URL under a cloud root. */
export function lakeLocation(lakeRoot: string, path: string): string {
  // Glob characters are allowed; with them read as plain letters, the path must pass the same
  // checks as any lake path, so it cannot leave the lake.
  checkLakePath(path.replace(/[*?[\]{}]/g, 'x'));
  return lakeRoot.includes('://')
    ? `${lakeRoot.replace(/\/+$/, '')}/${path}`
    : join(lakeRoot, ...path.split('/'));
}

/** The macros whose SQL is the same in every dialect (or only needs the dialect's literals). */
export function commonMacros(
  string: (value: string) => string,
): Pick<
  Record<MacroName, MacroRenderer>,
  | 'timezone'
  | 'lake_path'
  | 'extended_stream_key'
  | 'account_stream_key'
  | 'partition_window'
  | 'partition_years'
> {
  return {
    timezone: (_args, context) => string(context.timezone),
    lake_path: ([path = ''], context) => {
      const literal = /^'([^']+)'$/.exec(path.trim())?.[1];
      if (literal === undefined)
        throw new Error("lake_path takes one literal: lake_path('raw/...')");
      return string(lakeLocation(context.lakeRoot, literal));
    },
    // The natural keys of export streams, defined once in src/importer/natural-key.ts.
    extended_stream_key: () => EXTENDED_STREAM_KEY_SQL,
    account_stream_key: () => ACCOUNT_STREAM_KEY_SQL,
    // The rows a partitioned build of some years or days reads (changes.ts); TRUE on a whole build.
    partition_window: ([column = ''], context: RenderContext) =>
      partitionWindowSql(column, context.years, context.days),
    // The rows of those years, by a date column holding a year's first day (changes.ts).
    partition_years: ([column = ''], context: RenderContext) =>
      partitionYearsSql(column, context.years),
  };
}
