import { createHash } from 'node:crypto';
import { LAYERS, type Layer } from '../lake/layout.js';
import { sqlIdentifier, sqlString, type Warehouse } from './engine.js';

/** How every stamp begins: a view with another comment, or none, is not wrapped-me's. */
const STAMP_PREFIX = 'wrapped-me view ';

/**
 * A view's stamp, kept in its comment: a hash of the SQL it reads. For a published table that
 * SQL names its Parquet parts, which are never rewritten, so the stamp is the table's version
 * as this warehouse shows it. The DuckDB engine re-creates only views whose stamp moved
 * (`showView`: builds, and every opening of the warehouse), and the checks remember results by it
 * (check-memory.ts). Replacing a view any other way drops its comment, and with it the stamp.
 */
export const viewStamp = (sql: string) =>
  `${STAMP_PREFIX}${createHash('sha256').update(sql).digest('hex').slice(0, 32)}`;

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

/**
 * Makes `id` (`layer.name`) a view over `sql`, stamped, unless `stamps` says it already is: then
 * it is left as it is, and its stamp with it. `stamps` follows what it does.
 */
export async function showView(
  warehouse: Warehouse,
  stamps: Map<string, string>,
  id: string,
  sql: string,
): Promise<void> {
  const stamp = viewStamp(sql);
  if (stamps.get(id) === stamp) return;
  const [layer, name] = id.split('.') as [string, string];
  const target = `${layer}.${sqlIdentifier(name)}`;
  await warehouse.run(`CREATE OR REPLACE VIEW ${target} AS ${sql}`);
  await warehouse.run(`COMMENT ON VIEW ${target} IS ${sqlString(stamp)}`);
  stamps.set(id, stamp);
}

/**
 * Drops the views a build no longer makes: a stamped view (made by wrapped-me) in bronze, silver
 * or gold that `isCurrent` does not claim. A model taken out of the project
 * (`silver.int_play_periods`, in December 2026) would otherwise stay in an older warehouse,
 * listed beside the tables and still reading them. A view of the user's own carries no stamp and
 * is left alone. Returns the views dropped, `layer.name`.
 */
export async function dropRetiredViews(
  warehouse: Warehouse,
  isCurrent: (table: { id: string; layer: Layer; name: string }) => boolean | Promise<boolean>,
): Promise<string[]> {
  const dropped: string[] = [];
  for (const [id, stamp] of await readViewStamps(warehouse)) {
    const [layer, name] = id.split('.') as [Layer, string];
    if (!stamp.startsWith(STAMP_PREFIX) || !LAYERS.includes(layer)) continue;
    if (await isCurrent({ id, layer, name })) continue;
    await warehouse.run(`DROP VIEW IF EXISTS ${layer}.${sqlIdentifier(name)}`);
    dropped.push(id);
  }
  return dropped;
}
