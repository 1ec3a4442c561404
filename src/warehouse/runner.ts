import { createHash } from 'node:crypto';
import { access, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelError, WrappedError } from '../errors.js';
import { ACCOUNT_STREAM_KEY_SQL, EXTENDED_STREAM_KEY_SQL } from '../export/natural-key.js';
import type { Lake } from '../lake/lake.js';
import { LAYERS } from '../lake/layout.js';
import { checkLakePath, TEMP_PREFIX } from '../lake/paths.js';
import { sqlIdentifier, sqlString, type Warehouse } from './engine.js';
import { buildOrder, type Model } from './models.js';
import { type RawCatalog, readRawCatalog, registerRawViews } from './raw-sources.js';
import { decodeUnicodeEscapesSql } from './sql-text.js';

/**
 * A table model's published state, written last (after its Parquet file is complete) so a reader
 * that follows the manifest only ever sees whole files. Cloud lakes publish the same way.
 */
export interface TableManifest {
  table: string;
  load_id: string;
  built_at: string;
  rows: number;
  files: string[];
  columns: Array<{ name: string; type: string }>;
  /** Incremental models: the extract and import loads whose raw files the parts hold. */
  loads?: string[];
  /** Incremental models: a hash of the SQL that built the parts (another SQL rebuilds all). */
  sql_hash?: string;
}

export interface ModelBuildResult {
  model: string;
  materialized: 'table' | 'view' | 'incremental';
  rows: number | null;
  seconds: number;
  files: string[];
  /** Incremental models: rows added by this build (all of them on a full build). */
  added?: number;
}

export interface BuildOptions {
  warehouse: Warehouse;
  lake: Lake;
  models: Model[];
  loadId: string;
  /** Rebuild incremental models from every raw file, as if built for the first time. */
  fullRefresh?: boolean;
  /** An incremental model never holds more parts than this; beyond it they are merged (24). */
  maxParts?: number;
  /** Called before and after each model, for progress output. */
  onProgress?: (event: {
    phase: 'start' | 'done';
    model: Model;
    index: number;
    total: number;
    result?: ModelBuildResult;
  }) => void;
}

export const manifestPath = (model: Pick<Model, 'layer' | 'name'>) =>
  `${model.layer}/${model.name}/_manifest.json`;

function requireLocalRoot(lake: Lake): string {
  if (lake.localRoot === undefined) {
    throw new WrappedError(`The warehouse needs a local lake; ${lake.location} is remote.`, {
      hint: 'Remote lakes are not supported yet: use a local folder.',
    });
  }
  return lake.localRoot;
}

/** Replaces `{{ lake_path('...') }}` and `{{ timezone }}` with SQL literals. */
export function renderModelSql(
  model: Model,
  context: { lakeRoot: string; timezone: string },
): string {
  return model.sql.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (_whole, expression: string) => {
    const lakePath = /^lake_path\(\s*'([^']+)'\s*\)$/.exec(expression)?.[1];
    if (lakePath !== undefined) {
      // Glob characters are allowed; with them read as plain letters, the path must pass the
      // same checks as any lake path, so it cannot leave the lake.
      checkLakePath(lakePath.replace(/[*?[\]{}]/g, 'x'));
      return sqlString(join(context.lakeRoot, ...lakePath.split('/')));
    }
    if (expression === 'timezone') return sqlString(context.timezone);
    // The natural keys of export streams, defined once in src/export/natural-key.ts.
    if (expression === 'extended_stream_key') return EXTENDED_STREAM_KEY_SQL;
    if (expression === 'account_stream_key') return ACCOUNT_STREAM_KEY_SQL;
    // Names with literal \uXXXX escapes, decoded (src/warehouse/sql-text.ts).
    const decoded = /^decode_escapes\(\s*([a-z_][a-z0-9_.]*)\s*\)$/.exec(expression)?.[1];
    if (decoded !== undefined) return decodeUnicodeEscapesSql(decoded);
    throw new ModelError(
      `${model.file}: unknown template {{ ${expression} }}; known: lake_path('...'), timezone, extended_stream_key, account_stream_key, decode_escapes(column).`,
    );
  });
}

export async function ensureSchemas(warehouse: Warehouse): Promise<void> {
  for (const layer of LAYERS) await warehouse.run(`CREATE SCHEMA IF NOT EXISTS ${layer}`);
}

/**
 * Builds models in dependency order. A table model is written to a hidden temporary Parquet
 * file, renamed to `part-<load_id>.parquet`, published by its manifest, and only then exposed
 * as `<layer>.<name>`; older parts are removed last. An incremental model (bronze over raw
 * files) adds one part holding the loads it has not read before, and keeps its older parts.
 * A model that fails leaves its previous version in place and stops the build (later models
 * would read stale inputs).
 */
export async function buildModels(options: BuildOptions): Promise<ModelBuildResult[]> {
  const { warehouse, lake, loadId } = options;
  const lakeRoot = requireLocalRoot(lake);
  await ensureSchemas(warehouse);
  const order = buildOrder(options.models);
  const catalog = await readRawCatalog(lake, lakeRoot);
  const raw = new RawViews(warehouse, catalog);
  await raw.show(undefined);
  const results: ModelBuildResult[] = [];
  for (const [index, model] of order.entries()) {
    options.onProgress?.({ phase: 'start', model, index, total: order.length });
    const started = performance.now();
    const sql = renderModelSql(model, { lakeRoot, timezone: warehouse.timezone });
    const target = `${model.layer}.${sqlIdentifier(model.name)}`;
    let result: ModelBuildResult;
    try {
      if (model.materialized === 'view') {
        await warehouse.run(`CREATE OR REPLACE VIEW ${target} AS ${sql}`);
        result = { model: model.id, materialized: 'view', rows: null, seconds: 0, files: [] };
      } else if (model.materialized === 'incremental') {
        result = await buildIncremental({ warehouse, lake, lakeRoot, model, sql, loadId }, raw, {
          fullRefresh: options.fullRefresh ?? false,
          maxParts: options.maxParts ?? MAX_PARTS,
        });
      } else {
        // A table reads whole raw views (an incremental model before it may have narrowed them).
        if (model.layer === 'bronze') await raw.show(undefined);
        result = await buildTable(warehouse, lake, lakeRoot, model, sql, loadId);
      }
    } catch (error) {
      if (error instanceof WrappedError) throw error;
      throw new ModelError(
        `Model ${model.id} (${model.file}) failed: ${(error as Error).message}`,
        { cause: error },
      );
    }
    result.seconds = (performance.now() - started) / 1000;
    results.push(result);
    options.onProgress?.({ phase: 'done', model, index, total: order.length, result });
  }
  return results;
}

async function buildTable(
  warehouse: Warehouse,
  lake: Lake,
  lakeRoot: string,
  model: Model,
  sql: string,
  loadId: string,
  extra: Pick<TableManifest, 'loads' | 'sql_hash'> = {},
): Promise<ModelBuildResult> {
  const folder = join(lakeRoot, model.layer, model.name);
  await mkdir(folder, { recursive: true });
  const temp = join(folder, `${TEMP_PREFIX}${loadId}.parquet`);
  const partName = `part-${loadId}.parquet`;
  const partPath = `${model.layer}/${model.name}/${partName}`;
  try {
    const copied = await warehouse.query(
      `COPY (${sql}) TO ${sqlString(temp)} (FORMAT parquet, COMPRESSION zstd)`,
    );
    const rows = Number(copied.rows[0]?.Count ?? 0);
    await rename(temp, join(folder, partName));
    const described = await warehouse.query(
      `DESCRIBE SELECT * FROM read_parquet(${sqlString(join(folder, partName))})`,
    );
    const manifest: TableManifest = {
      table: model.id,
      load_id: loadId,
      built_at: new Date().toISOString(),
      rows,
      files: [partPath],
      columns: described.rows.map((r) => ({
        name: String(r.column_name),
        type: String(r.column_type),
      })),
      ...extra,
    };
    await lake.put(manifestPath(model), `${JSON.stringify(manifest, null, 2)}\n`);
    await exposeTable(warehouse, lakeRoot, manifest);
    await removeUnpublishedParts(lake, manifestPath(model), manifest.files);
    return { model: model.id, materialized: 'table', rows, seconds: 0, files: manifest.files };
  } finally {
    await rm(temp, { force: true });
  }
}

/** The raw views as the build needs them: whole, or narrowed to some loads (registered once). */
class RawViews {
  private shown: string | undefined;
  constructor(
    private readonly warehouse: Warehouse,
    readonly catalog: RawCatalog,
  ) {}

  async show(loads: ReadonlySet<string> | undefined): Promise<void> {
    const key = loads === undefined ? 'all' : [...loads].sort().join(',');
    if (this.shown === key) return;
    await registerRawViews(this.warehouse, this.catalog, loads);
    this.shown = key;
  }
}

/** An incremental model never holds more parts than this: beyond it, they are merged into one. */
const MAX_PARTS = 24;

/**
 * An incremental bronze model: the loads the manifest names are in its parts already, so only
 * the raw files of newer loads are read, into one more part. It is rebuilt whole when asked
 * (`--full-refresh`), when its SQL changed, or when its parts are not all here.
 */
async function buildIncremental(
  build: {
    warehouse: Warehouse;
    lake: Lake;
    lakeRoot: string;
    model: Model;
    sql: string;
    loadId: string;
  },
  raw: RawViews,
  { fullRefresh, maxParts }: { fullRefresh: boolean; maxParts: number },
): Promise<ModelBuildResult> {
  const { warehouse, lake, lakeRoot, model, sql, loadId } = build;
  const sqlHash = createHash('sha256').update(sql).digest('hex');
  const all = [...raw.catalog.dataLoads].sort();
  const previous = fullRefresh ? undefined : await readManifest(lake, manifestPath(model));
  const whole = async () => {
    await raw.show(undefined);
    const result = await buildTable(warehouse, lake, lakeRoot, model, sql, loadId, {
      loads: all,
      sql_hash: sqlHash,
    });
    return { ...result, materialized: 'incremental' as const, added: result.rows ?? 0 };
  };
  if (
    previous === undefined ||
    previous.sql_hash !== sqlHash ||
    !Array.isArray(previous.loads) ||
    !(await allExist(lakeRoot, previous.files))
  )
    return whole();
  const seen = new Set(previous.loads);
  const fresh = new Set(all.filter((id) => !seen.has(id)));
  if (fresh.size === 0) {
    // Nothing new: the published parts stand; this warehouse only needs to see them.
    await exposeTable(warehouse, lakeRoot, previous);
    return {
      model: model.id,
      materialized: 'incremental',
      rows: previous.rows,
      seconds: 0,
      files: previous.files,
      added: 0,
    };
  }
  await raw.show(fresh);
  const folder = join(lakeRoot, model.layer, model.name);
  const temp = join(folder, `${TEMP_PREFIX}${loadId}.parquet`);
  const partPath = `${model.layer}/${model.name}/part-${loadId}.parquet`;
  const merge = previous.files.length + 1 > maxParts;
  const older = previous.files.map((f) =>
    sqlString(join(lakeRoot, ...checkLakePath(f).split('/'))),
  );
  try {
    await mkdir(folder, { recursive: true });
    const source = merge
      ? `SELECT * FROM read_parquet([${older.join(', ')}]) UNION ALL SELECT * FROM (${sql})`
      : sql;
    const copied = await warehouse.query(
      `COPY (${source}) TO ${sqlString(temp)} (FORMAT parquet, COMPRESSION zstd)`,
    );
    const written = Number(copied.rows[0]?.Count ?? 0);
    const added = merge ? written - previous.rows : written;
    let files = previous.files;
    if (merge || added > 0) {
      await rename(temp, join(lakeRoot, ...partPath.split('/')));
      files = merge ? [partPath] : [...previous.files, partPath];
    }
    const manifest: TableManifest = {
      ...previous,
      load_id: loadId,
      built_at: new Date().toISOString(),
      rows: previous.rows + added,
      files,
      loads: [...new Set([...previous.loads, ...fresh])].sort(),
      sql_hash: sqlHash,
    };
    await lake.put(manifestPath(model), `${JSON.stringify(manifest, null, 2)}\n`);
    await exposeTable(warehouse, lakeRoot, manifest);
    await removeUnpublishedParts(lake, manifestPath(model), manifest.files);
    return {
      model: model.id,
      materialized: 'incremental',
      rows: manifest.rows,
      seconds: 0,
      files,
      added,
    };
  } finally {
    await rm(temp, { force: true });
  }
}

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

/** The paths of every table manifest in the lake (`<layer>/<table>/_manifest.json`), by layer. */
export async function publishedManifests(lake: Lake): Promise<string[]> {
  const found: string[] = [];
  for (const layer of LAYERS)
    for await (const entry of lake.list(`${layer}/`))
      if (/^[a-z]+\/[a-z][a-z0-9_]*\/_manifest\.json$/.test(entry.path)) found.push(entry.path);
  return found;
}

async function allExist(lakeRoot: string, files: string[]): Promise<boolean> {
  for (const file of files) {
    try {
      await access(join(lakeRoot, ...checkLakePath(file).split('/')));
    } catch {
      return false;
    }
  }
  return true;
}

async function exposeTable(
  warehouse: Warehouse,
  lakeRoot: string,
  manifest: TableManifest,
  copy = false,
): Promise<void> {
  const [layer, name] = manifest.table.split('.') as [string, string];
  const files = manifest.files.map((f) =>
    sqlString(join(lakeRoot, ...checkLakePath(f).split('/'))),
  );
  const target = `${layer}.${sqlIdentifier(name)}`;
  const source = `SELECT * FROM read_parquet([${files.join(', ')}])`;
  if (!copy) {
    await warehouse.run(`CREATE OR REPLACE VIEW ${target} AS ${source}`);
    return;
  }
  // A copy in memory: replaces whichever of view or table held the name before.
  const existing = await warehouse.query(
    'SELECT table_type FROM information_schema.tables WHERE table_schema = ? AND table_name = ?',
    [layer, name],
  );
  if (existing.rows[0]?.table_type === 'VIEW') await warehouse.run(`DROP VIEW ${target}`);
  // Sorted (by the first column first: the day, for the daily tables) so a filter on it skips
  // most of the table.
  await warehouse.run(`CREATE OR REPLACE TABLE ${target} AS ${source} ORDER BY ALL`);
}

/** Removes the Parquet parts in the manifest's folder that the manifest does not name. */
export async function removeUnpublishedParts(lake: Lake, manifestAt: string, keep: string[]) {
  const named = new Set(keep);
  const folder = manifestAt.slice(0, manifestAt.lastIndexOf('/') + 1);
  for await (const entry of lake.list(folder)) {
    if (entry.path.endsWith('.parquet') && !named.has(entry.path)) await lake.delete(entry.path);
  }
}

/**
 * Re-creates the warehouse views of every published table from the manifests in the lake: a new
 * HOME pointed at an existing lake (or a deleted warehouse file) sees the same tables.
 */
export async function attachPublishedTables(
  warehouse: Warehouse,
  lake: Lake,
  options: { copy?: (table: string) => boolean } = {},
): Promise<string[]> {
  const lakeRoot = requireLocalRoot(lake);
  await ensureSchemas(warehouse);
  const attached: string[] = [];
  for (const path of await publishedManifests(lake)) {
    const manifest = JSON.parse((await lake.get(path)).toString('utf8')) as TableManifest;
    if (
      !/^(bronze|silver|gold)\.[a-z][a-z0-9_]*$/.test(manifest.table) ||
      !Array.isArray(manifest.files)
    )
      continue;
    await exposeTable(warehouse, lakeRoot, manifest, options.copy?.(manifest.table) ?? false);
    attached.push(manifest.table);
  }
  return attached;
}
