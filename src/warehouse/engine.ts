import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  type DuckDBConnection,
  DuckDBInstance,
  type DuckDBType,
  DuckDBTypeId,
  type DuckDBValue,
  type Json,
} from '@duckdb/node-api';
import { WrappedError } from '../errors.js';

export type Row = Record<string, Json>;

export interface QueryResult {
  columns: Array<{ name: string; type: string }>;
  rows: Row[];
}

export class WarehouseError extends WrappedError {}

/** DuckDB values that JSON has no exact type for: BIGINT arrives as a string, converted back when safe. */
const INTEGER_TYPES = new Set<DuckDBTypeId>([
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UHUGEINT,
]);

/** SQL string literal with quotes doubled; for values we must splice (SET does not take parameters). */
export function sqlString(value: string): string {
  if (value.includes('\0')) throw new WarehouseError('NUL character in a SQL string');
  return `'${value.replaceAll("'", "''")}'`;
}

/** A quoted identifier, for names the code builds (schemas, model names). */
export function sqlIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * The DuckDB warehouse: one database file in HOME holding the `bronze`, `silver` and `gold`
 * schemas, whose views read Parquet in the lake. The session time zone is always set
 * explicitly, never left to the machine, so results do not depend on where the code runs.
 */
export class Warehouse {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    readonly file: string,
    readonly timezone: string,
    /** A fork shares its parent's database and leaves it open when it closes. */
    private readonly ownsInstance = true,
  ) {}

  /**
   * Another connection to the same database, with the same time zone: queries on different
   * connections run in parallel (the dashboard asks several questions per page).
   */
  async fork(): Promise<Warehouse> {
    const connection = await this.instance.connect();
    await connection.run(`SET TimeZone = ${sqlString(this.timezone)}`);
    return new Warehouse(this.instance, connection, this.file, this.timezone, false);
  }

  static async open(options: { file: string; timezone: string }): Promise<Warehouse> {
    if (options.file !== ':memory:') mkdirSync(dirname(options.file), { recursive: true });
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(options.file);
    } catch (error) {
      const message = (error as Error).message;
      if (/lock/i.test(message)) {
        throw new WarehouseError(`The warehouse ${options.file} is in use by another process.`, {
          hint: 'Wait for the other wrapped command (a run, transform or schedule) to finish, then try again.',
          retryable: true,
          cause: error,
        });
      }
      throw new WarehouseError(`Cannot open the warehouse ${options.file}: ${message}`, {
        cause: error,
      });
    }
    const connection = await instance.connect();
    const warehouse = new Warehouse(instance, connection, options.file, options.timezone);
    await connection.run(`SET TimeZone = ${sqlString(options.timezone)}`);
    return warehouse;
  }

  /** Runs SQL for its effect. `params` bind to `?` / `$1` placeholders: user text never goes into SQL. */
  async run(sql: string, params?: DuckDBValue[]): Promise<void> {
    await this.connection.run(sql, params);
  }

  /** Runs SQL and returns rows as JSON-ready objects (BIGINT as number when exact, else string). */
  async query(sql: string, params?: DuckDBValue[]): Promise<QueryResult> {
    const reader = await this.connection.runAndReadAll(sql, params);
    const names = reader.columnNames();
    const types = reader.columnTypes();
    const rows = reader.getRowObjectsJson() as Row[];
    convertRows(rows, names, types);
    return {
      columns: names.map((name, i) => ({ name, type: types[i]?.toString() ?? 'UNKNOWN' })),
      rows,
    };
  }

  /**
   * Runs SQL and yields its rows a chunk at a time (about 2,048 rows each), converted as by
   * `query`: for results too large to hold in memory (a whole table as a download).
   */
  async *stream(
    sql: string,
    params?: DuckDBValue[],
  ): AsyncGenerator<{ columns: string[]; rows: Row[] }> {
    const result = await this.connection.stream(sql, params);
    const names = result.columnNames();
    const types = result.columnTypes();
    for await (const chunk of result.yieldRowObjectJson()) {
      const rows = chunk as Row[];
      convertRows(rows, names, types);
      yield { columns: names, rows };
    }
  }

  close(): void {
    this.connection.closeSync();
    if (this.ownsInstance) this.instance.closeSync();
  }
}

function convertRows(rows: Row[], names: string[], types: DuckDBType[]): void {
  const converters = names.map((name, i) => ({ name, convert: converterFor(types[i]) }));
  for (const row of rows) {
    for (const { name, convert } of converters) {
      if (convert) row[name] = convert(row[name] ?? null);
    }
  }
}

function converterFor(type: DuckDBType | undefined): ((value: Json) => Json) | undefined {
  if (type === undefined) return undefined;
  if (INTEGER_TYPES.has(type.typeId)) {
    return (value) => {
      if (typeof value !== 'string') return value;
      const n = Number(value);
      return Number.isSafeInteger(n) ? n : value;
    };
  }
  if (type.typeId === DuckDBTypeId.DECIMAL) {
    return (value) => (typeof value === 'string' ? Number(value) : value);
  }
  return undefined;
}
