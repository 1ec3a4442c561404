import { createHash } from 'node:crypto';
import type { Warehouse } from './engine.js';

/**
 * A view's stamp, kept in its comment: a hash of the SQL it reads. For a published table that
 * SQL names its Parquet parts, which are never rewritten, so the stamp is the table's version
 * as this warehouse shows it. The DuckDB engine re-creates only views whose stamp moved
 * (engines/duckdb.ts), and the checks remember results by it (check-memory.ts). Replacing a
 * view any other way drops its comment, and with it the stamp.
 */
export const viewStamp = (sql: string) =>
  `wrapped-me view ${createHash('sha256').update(sql).digest('hex').slice(0, 32)}`;

/** Every stamped view of the warehouse: `layer.name` -> stamp. */
export async function readViewStamps(warehouse: Warehouse): Promise<Map<string, string>> {
  const result = await warehouse.query(
    "SELECT schema_name || '.' || view_name AS id, comment FROM duckdb_views() WHERE NOT internal AND comment IS NOT NULL",
  );
  return new Map(result.rows.map((r) => [String(r.id), String(r.comment)]));
}

/**
 * The stamps as a build sees them: read from the warehouse once, then kept up to date by the
 * build's own connections (JavaScript runs one at a time, so they cannot race).
 */
export class ViewStamps {
  private stamps: Promise<Map<string, string>> | undefined;

  read(warehouse: Warehouse): Promise<Map<string, string>> {
    this.stamps ??= readViewStamps(warehouse);
    return this.stamps;
  }
}
