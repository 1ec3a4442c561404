import { join } from 'node:path';
import type { Lake } from '../lake/lake.js';
import { LAYERS } from '../lake/layout.js';
import { checkLakePath } from '../lake/paths.js';
import { sqlIdentifier, sqlString, type Warehouse } from './engine.js';
import type { Model } from './models.js';
import { showView } from './view-stamps.js';

/**
 * A table model's published state, written last (after its Parquet files are complete) so a
 * reader that follows the manifest only ever sees whole files. Cloud lakes publish the same way.
 */
export interface TableManifest {
  table: string;
  /** The build that wrote this manifest. */
  load_id: string;
  built_at: string;
  rows: number;
  files: string[];
  columns: Array<{ name: string; type: string }>;
  /**
   * The build whose rows the table holds: it stays when a build changed no row (an incremental
   * build that found nothing new), so readers can tell what they read before. Older manifests
   * lack it: their load_id is their version.
   */
  version?: string;
  /** The versions of the models this one read when it was built (see runner.ts). */
  inputs?: Record<string, string>;
  /** Incremental models: the extract and import loads whose raw files the parts hold. */
  loads?: string[];
  /** Incremental and partitioned models: a hash of the SQL that built the parts (another SQL rebuilds all). */
  sql_hash?: string;
  /** Partitioned models: each part by the year of its event_time ("undated" for no date). */
  partitions?: Record<string, string[]>;
}

export const manifestPath = (model: Pick<Model, 'layer' | 'name'>) =>
  `${model.layer}/${model.name}/_manifest.json`;

export const versionOf = (manifest: TableManifest) => manifest.version ?? manifest.load_id;

/** A table's manifest, or undefined when it is missing or not a manifest (unreadable, say). */
export async function readManifest(lake: Lake, path: string): Promise<TableManifest | undefined> {
  if (!(await lake.exists(path))) return undefined;
  try {
    const manifest = JSON.parse((await lake.get(path)).toString('utf8')) as TableManifest;
    return Array.isArray(manifest.files) &&
      typeof manifest.rows === 'number' &&
      typeof manifest.load_id === 'string'
      ? manifest
      : undefined;
  } catch {
    return undefined;
  }
}

export async function writeManifest(lake: Lake, manifest: TableManifest): Promise<void> {
  const [layer, name] = manifest.table.split('.') as [string, string];
  await lake.put(`${layer}/${name}/_manifest.json`, `${JSON.stringify(manifest, null, 2)}\n`);
}

/** The paths of every table manifest in the lake (`<layer>/<table>/_manifest.json`), by layer. */
export async function publishedManifests(lake: Lake): Promise<string[]> {
  const found: string[] = [];
  for (const layer of LAYERS)
    for await (const entry of lake.list(`${layer}/`))
      if (/^[a-z]+\/[a-z][a-z0-9_]*\/_manifest\.json$/.test(entry.path)) found.push(entry.path);
  return found;
}

/** A lake path of a part as a local file path, checked so it cannot leave the lake. */
export const localPart = (lakeRoot: string, path: string) => {
  checkLakePath(path);
  return join(lakeRoot, ...path.split('/'));
};

/**
 * `read_parquet([...])` over parts of the lake. Not read as hive partitions: a partitioned
 * table's `event_year=.../` folders only sort its files, the year is in the rows already.
 */
export const readParts = (lakeRoot: string, files: string[]) =>
  `read_parquet([${files.map((f) => sqlString(localPart(lakeRoot, f))).join(', ')}], hive_partitioning = false)`;

/** Removes the Parquet parts in the manifest's folder that the manifest does not name. */
export async function removeUnpublishedParts(lake: Lake, manifestAt: string, keep: string[]) {
  const named = new Set(keep);
  const folder = manifestAt.slice(0, manifestAt.lastIndexOf('/') + 1);
  for await (const entry of lake.list(folder)) {
    if (entry.path.endsWith('.parquet') && !named.has(entry.path)) await lake.delete(entry.path);
  }
}

/**
 * The rows a published table shows: its parts, or no row of its columns when it has none.
 * Seen as one `listener`: their rows only, without `listener_id` (src/listeners).
 */
export function exposedRows(lakeRoot: string, manifest: TableManifest, listener?: string): string {
  // A table with no part (a partitioned one with no row) is an empty table of its columns.
  const all =
    manifest.files.length > 0
      ? `SELECT * FROM ${readParts(lakeRoot, manifest.files)}`
      : `SELECT ${manifest.columns.map((c) => `NULL::${c.type} AS ${sqlIdentifier(c.name)}`).join(', ')} LIMIT 0`;
  // A reader written for one listener reads one. The catalogue has no listener.
  return listener !== undefined && manifest.columns.some((c) => c.name === 'listener_id')
    ? `SELECT * EXCLUDE (listener_id) FROM (${all}) WHERE listener_id = ${sqlString(listener)}`
    : all;
}

/**
 * Shows a published table in the warehouse: a view over its parts, or a copy in memory. A view
 * already reading exactly these parts (its stamp in `stamps` says so) is left as it is.
 */
export async function exposeTable(
  warehouse: Warehouse,
  lakeRoot: string,
  manifest: TableManifest,
  options: { stamps: Map<string, string>; copy?: boolean; listener?: string },
): Promise<void> {
  const [layer, name] = manifest.table.split('.') as [string, string];
  const target = `${layer}.${sqlIdentifier(name)}`;
  const source = exposedRows(lakeRoot, manifest, options.listener);
  if (!options.copy) {
    await showView(warehouse, options.stamps, manifest.table, source);
    return;
  }
  options.stamps.delete(manifest.table);
  // A copy in memory: replaces whichever of view or table held the name before.
  const existing = await warehouse.query(
    'SELECT table_type FROM information_schema.tables WHERE table_schema = ? AND table_name = ?',
    [layer, name],
  );
  if (existing.rows[0]?.table_type === 'VIEW') await warehouse.run(`DROP VIEW ${target}`);
  // Sorted (by the first column first: the day, for the daily tables) so a filter on it skips
  // most of the table.
  await warehouse.run(
    `CREATE OR REPLACE TABLE ${target} AS SELECT * FROM (${source}) ORDER BY ALL`,
  );
}
