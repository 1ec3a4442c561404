import { createHash } from 'node:crypto';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelError, WrappedError } from '../errors.js';
import { ACCOUNT_STREAM_KEY_SQL, EXTENDED_STREAM_KEY_SQL } from '../export/natural-key.js';
import type { Lake } from '../lake/lake.js';
import { LAYERS } from '../lake/layout.js';
import { checkLakePath, TEMP_PREFIX } from '../lake/paths.js';
import {
  ALL_CHANGED,
  type Change,
  inputChange,
  NO_CHANGE,
  partitionWindowSql,
  yearsTouched,
} from './changes.js';
import { daysOfRows, diffRows } from './diff.js';
import { sqlIdentifier, sqlString, type Warehouse } from './engine.js';
import {
  allExist,
  exposeTable,
  localPart,
  manifestPath,
  publishedManifests,
  readManifest,
  readParts,
  removeUnpublishedParts,
  type TableManifest,
  versionOf,
  writeManifest,
} from './manifest.js';
import { buildOrder, type Materialization, type Model } from './models.js';
import { type RawCatalog, readRawCatalog, registerRawViews } from './raw-sources.js';
import { decodeUnicodeEscapesSql } from './sql-text.js';

export {
  manifestPath,
  publishedManifests,
  readManifest,
  removeUnpublishedParts,
  type TableManifest,
} from './manifest.js';

export interface ModelBuildResult {
  model: string;
  materialized: Materialization;
  rows: number | null;
  seconds: number;
  files: string[];
  /** Incremental models: rows added by this build (all of them on a full build). */
  added?: number;
  /** The published version stands: no input changed, or rebuilding changed no row. */
  reused?: boolean;
  /** Partitioned models: the parts this build rewrote (years, or "undated"). */
  partitions?: string[];
  /** What this build changed, as the models that read it see it (changes.ts). */
  change: Change['kind'];
}

export interface BuildOptions {
  warehouse: Warehouse;
  lake: Lake;
  models: Model[];
  loadId: string;
  /** Rebuild every model from every raw file, as if built for the first time. */
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
  context: { lakeRoot: string; timezone: string; years?: ReadonlySet<number> },
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
    // The rows a partitioned build of some years reads (changes.ts); TRUE on a whole build.
    const windowed = /^partition_window\(\s*([a-z_][a-z0-9_.]*)\s*\)$/.exec(expression)?.[1];
    if (windowed !== undefined) return partitionWindowSql(windowed, context.years);
    throw new ModelError(
      `${model.file}: unknown template {{ ${expression} }}; known: lake_path('...'), timezone, extended_stream_key, account_stream_key, decode_escapes(column), partition_window(column).`,
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
/** Everything one model's build needs. */
interface ModelBuild {
  warehouse: Warehouse;
  lake: Lake;
  lakeRoot: string;
  model: Model;
  /** The SQL rendered for a whole build. */
  sql: string;
  loadId: string;
  timezone: string;
  fullRefresh: boolean;
  /** The published manifest, when it can be built on (undefined on --full-refresh). */
  previous: TableManifest | undefined;
  /** The versions of this model's inputs now, recorded in its manifest. */
  inputs: Record<string, string>;
}

type Built = { result: Omit<ModelBuildResult, 'seconds'>; change: Change; version: string };

/**
 * Builds models in dependency order, each only as far as its inputs changed:
 * - a bronze incremental model reads only the raw files of loads it has not read;
 * - a table is rebuilt when an input changed (or always, when it reads no model);
 * - a partitioned model rebuilds the years its inputs' changes touch;
 * - a rebuild that changes no row keeps the published version, so nothing after it reruns.
 * Each manifest records the versions of the inputs it was built from: when an input moved on
 * without this model (a build stopped halfway), the model counts that input as changed all over.
 * A table's new Parquet is written to a hidden temporary file, renamed to `part-<load_id>...`,
 * published by its manifest, and only then exposed as `<layer>.<name>`; older parts are removed
 * last. A model that fails leaves its previous version in place and stops the build (later
 * models would read stale inputs).
 */
export async function buildModels(options: BuildOptions): Promise<ModelBuildResult[]> {
  const { warehouse, lake, loadId } = options;
  const lakeRoot = requireLocalRoot(lake);
  const fullRefresh = options.fullRefresh ?? false;
  await ensureSchemas(warehouse);
  const order = buildOrder(options.models);
  const catalog = await readRawCatalog(lake, lakeRoot);
  const raw = new RawViews(warehouse, catalog);
  await raw.show(undefined);
  const changes = new Map<string, Change>();
  /** Each model's version before this build, and after it. */
  const before = new Map<string, string>();
  const after = new Map<string, string>();
  const results: ModelBuildResult[] = [];
  for (const [index, model] of order.entries()) {
    options.onProgress?.({ phase: 'start', model, index, total: order.length });
    const started = performance.now();
    const sql = renderModelSql(model, { lakeRoot, timezone: warehouse.timezone });
    let built: Built;
    try {
      const published = await readManifest(lake, manifestPath(model));
      before.set(
        model.id,
        model.materialized === 'view'
          ? viewVersion(model, before)
          : published
            ? versionOf(published)
            : 'none',
      );
      const build: ModelBuild = {
        warehouse,
        lake,
        lakeRoot,
        model,
        sql,
        loadId,
        timezone: warehouse.timezone,
        fullRefresh,
        previous: fullRefresh ? undefined : published,
        inputs: Object.fromEntries(model.dependsOn.map((d) => [d, after.get(d) ?? 'none'])),
      };
      // What changed in the inputs since this model's published version was built: this
      // build's changes, unless an input moved on before it (then all of that input changed).
      // A view has no published version: it passes on what its inputs say.
      const seen = new Map(changes);
      if (model.materialized !== 'view')
        for (const dep of model.dependsOn)
          if (published?.inputs?.[dep] !== before.get(dep)) seen.set(dep, ALL_CHANGED);
      // Published parts that are all here can be compared with; built by this SQL, they can
      // also be kept or built on.
      if (build.previous && !(await allExist(lakeRoot, build.previous.files)))
        build.previous = undefined;
      const current = build.previous !== undefined && publishedIsCurrent(build);
      if (current && model.materialized === 'partitioned') await narrowLookupChanges(build, seen);
      const change = inputChange(model, seen);
      if (model.materialized === 'view') {
        await warehouse.run(`CREATE OR REPLACE VIEW ${target(model)} AS ${sql}`);
        built = {
          result: {
            model: model.id,
            materialized: 'view',
            rows: null,
            files: [],
            change: change.kind,
          },
          change,
          version: viewVersion(model, after),
        };
      } else if (model.materialized === 'incremental') {
        built = await buildIncremental(build, raw, options.maxParts ?? MAX_PARTS);
      } else {
        // A table reads whole raw views (an incremental model before it may have narrowed them).
        if (model.layer === 'bronze') await raw.show(undefined);
        if (current && change.kind === 'none' && model.dependsOn.length > 0)
          built = await reuse(build);
        else if (model.materialized === 'partitioned')
          built = await buildPartitioned(build, current ? change : ALL_CHANGED);
        else built = await buildTable(build);
      }
    } catch (error) {
      if (error instanceof WrappedError) throw error;
      throw new ModelError(
        `Model ${model.id} (${model.file}) failed: ${(error as Error).message}`,
        { cause: error },
      );
    }
    changes.set(model.id, built.change);
    after.set(model.id, built.version);
    const result: ModelBuildResult = {
      ...built.result,
      seconds: (performance.now() - started) / 1000,
    };
    results.push(result);
    options.onProgress?.({ phase: 'done', model, index, total: order.length, result });
  }
  for (const change of changes.values())
    if (change.kind === 'all' && change.rows !== undefined)
      await warehouse.run(`DROP TABLE IF EXISTS ${sqlIdentifier(change.rows)}`);
  return results;
}

const target = (model: Model) => `${model.layer}.${sqlIdentifier(model.name)}`;

/**
 * A lookup whose existing rows changed (a track's album, a name's key) concerns only this
 * model's rows that meet a changed key: their days replace "all" for that input. Only for a
 * lookup declared with its key columns, whose build kept the changed rows (diff.ts).
 */
async function narrowLookupChanges(build: ModelBuild, seen: Map<string, Change>): Promise<void> {
  const { model, previous, warehouse, lakeRoot } = build;
  for (const lookup of model.lookups) {
    const change = seen.get(lookup);
    const keys = model.lookupKeys[lookup];
    if (change?.kind !== 'all' || change.rows === undefined || keys === undefined) continue;
    if (previous === undefined || previous.files.length === 0) continue;
    const ours = keys.map((k, i) => `${k.expression} AS __key${i}`).join(', ');
    const on = keys.map((k, i) => `l.${sqlIdentifier(k.column)} = t.__key${i}`).join(' AND ');
    seen.set(
      lookup,
      await daysOfRows(
        warehouse,
        't.__event',
        `(SELECT ${sqlIdentifier(model.eventTime as string)} AS __event, ${ours} FROM ${readParts(lakeRoot, previous.files)}) AS t
         SEMI JOIN ${sqlIdentifier(change.rows)} AS l ON ${on}`,
      ),
    );
  }
}

/** A view holds no rows: its version is that of what it reads. */
function viewVersion(model: Model, versions: ReadonlyMap<string, string>): string {
  const parts = model.dependsOn.map((d) => `${d}=${versions.get(d) ?? 'none'}`).join(',');
  return createHash('sha256').update(parts).digest('hex').slice(0, 16);
}

/** The hash that says which SQL (and time zone: partitions are local years) built the parts. */
function sqlHash(build: Pick<ModelBuild, 'sql' | 'timezone'>): string {
  return createHash('sha256').update(`${build.sql}\n-- timezone: ${build.timezone}`).digest('hex');
}

/** The published parts were built by this very SQL (and time zone). */
function publishedIsCurrent(build: ModelBuild): boolean {
  const previous = build.previous;
  return (
    previous !== undefined &&
    previous.sql_hash === sqlHash(build) &&
    (build.model.materialized !== 'partitioned' || previous.partitions !== undefined)
  );
}

/** The published version stands; this warehouse only needs to see it. */
async function reuse(build: ModelBuild): Promise<Built> {
  const previous = build.previous as TableManifest;
  await exposeTable(build.warehouse, build.lakeRoot, previous);
  return {
    result: {
      model: build.model.id,
      materialized: build.model.materialized,
      rows: previous.rows,
      files: previous.files,
      reused: true,
      change: 'none',
      ...(build.model.materialized === 'incremental' ? { added: 0 } : {}),
      ...(build.model.materialized === 'partitioned' ? { partitions: [] } : {}),
    },
    change: NO_CHANGE,
    version: versionOf(previous),
  };
}

async function describeFile(warehouse: Warehouse, path: string): Promise<TableManifest['columns']> {
  const described = await warehouse.query(
    `DESCRIBE SELECT * FROM read_parquet(${sqlString(path)})`,
  );
  return described.rows.map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
}

const sameColumns = (a: TableManifest['columns'], b: TableManifest['columns']) =>
  JSON.stringify(a) === JSON.stringify(b);

/**
 * Publishes a manifest and shows the table: parts are in place, the manifest goes last, then
 * the parts it no longer names are removed.
 */
async function publish(build: ModelBuild, manifest: TableManifest): Promise<void> {
  await writeManifest(build.lake, manifest);
  await exposeTable(build.warehouse, build.lakeRoot, manifest);
  await removeUnpublishedParts(build.lake, manifestPath(build.model), manifest.files);
}

function newManifest(
  build: ModelBuild,
  fields: Pick<TableManifest, 'rows' | 'files' | 'columns'> & Partial<TableManifest>,
): TableManifest {
  return {
    table: build.model.id,
    load_id: build.loadId,
    built_at: new Date().toISOString(),
    version: build.loadId,
    inputs: build.inputs,
    sql_hash: sqlHash(build),
    ...fields,
  };
}

/**
 * A whole table: one part. When it holds the same rows as the published parts, those stay.
 * `extra` adds fields to the manifest (an incremental model's loads).
 */
async function buildTable(build: ModelBuild, extra: Partial<TableManifest> = {}): Promise<Built> {
  const { warehouse, lakeRoot, model, loadId } = build;
  const folder = join(lakeRoot, model.layer, model.name);
  await mkdir(folder, { recursive: true });
  const temp = join(folder, `${TEMP_PREFIX}${loadId}.parquet`);
  const partPath = `${model.layer}/${model.name}/part-${loadId}.parquet`;
  try {
    const copied = await warehouse.query(
      `COPY (${build.sql}) TO ${sqlString(temp)} (FORMAT parquet, COMPRESSION zstd)`,
    );
    const rows = Number(copied.rows[0]?.Count ?? 0);
    const columns = await describeFile(warehouse, temp);
    const previous = build.previous;
    const change =
      previous && !build.fullRefresh && sameColumns(previous.columns, columns)
        ? await diffRows(
            warehouse,
            previous.files.length > 0 ? readParts(lakeRoot, previous.files) : undefined,
            `read_parquet(${sqlString(temp)})`,
            model.eventTime,
            `__changed_${model.layer}_${model.name}`,
          )
        : ALL_CHANGED;
    // Same rows: the published version stands, and records the inputs it is now current with.
    if (change.kind === 'none' && previous) return await keepWithInputs(build, previous);
    await rename(temp, localPart(lakeRoot, partPath));
    const manifest = newManifest(build, { rows, files: [partPath], columns, ...extra });
    await publish(build, manifest);
    return {
      result: {
        model: model.id,
        materialized: model.materialized,
        rows,
        files: manifest.files,
        change: change.kind,
      },
      change,
      version: loadId,
    };
  } finally {
    await rm(temp, { force: true });
  }
}

/**
 * A rebuild that changed no row: the parts and version stay; the manifest is rewritten only when
 * it must record newer inputs (or the SQL hash), so the next build knows it is current.
 */
async function keepWithInputs(build: ModelBuild, previous: TableManifest): Promise<Built> {
  const manifest: TableManifest = {
    ...previous,
    version: versionOf(previous),
    inputs: build.inputs,
    sql_hash: sqlHash(build),
  };
  if (JSON.stringify(manifest) !== JSON.stringify(previous)) {
    manifest.load_id = build.loadId;
    manifest.built_at = new Date().toISOString();
    await writeManifest(build.lake, manifest);
  }
  const reused = await reuse({ ...build, previous: manifest });
  return reused;
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
 * (`--full-refresh`), when its SQL changed, or when its parts are not all here (buildModels then
 * passes no previous version). Its change is
 * the days of the new rows (with an event_time), else that rows were added.
 */
async function buildIncremental(
  build: ModelBuild,
  raw: RawViews,
  maxParts: number,
): Promise<Built> {
  const { warehouse, lakeRoot, model, sql, loadId } = build;
  const all = [...raw.catalog.dataLoads].sort();
  const previous = build.previous;
  if (
    previous === undefined ||
    previous.sql_hash !== incrementalHash(sql) ||
    !Array.isArray(previous.loads)
  ) {
    await raw.show(undefined);
    const whole = await buildTable(
      { ...build, previous: undefined },
      { loads: all, sql_hash: incrementalHash(sql) },
    );
    return { ...whole, result: { ...whole.result, added: whole.result.rows ?? 0 } };
  }
  const seen = new Set(previous.loads);
  const fresh = new Set(all.filter((id) => !seen.has(id)));
  if (fresh.size === 0) return reuse(build);
  await raw.show(fresh);
  const folder = join(lakeRoot, model.layer, model.name);
  const temp = join(folder, `${TEMP_PREFIX}${loadId}.parquet`);
  const merged = join(folder, `${TEMP_PREFIX}${loadId}-merged.parquet`);
  const partPath = `${model.layer}/${model.name}/part-${loadId}.parquet`;
  const merge = previous.files.length + 1 > maxParts;
  try {
    await mkdir(folder, { recursive: true });
    const copied = await warehouse.query(
      `COPY (${sql}) TO ${sqlString(temp)} (FORMAT parquet, COMPRESSION zstd)`,
    );
    const added = Number(copied.rows[0]?.Count ?? 0);
    const change =
      added === 0
        ? NO_CHANGE
        : model.eventTime === undefined
          ? ({ kind: 'additions' } as const)
          : await daysOfRows(
              warehouse,
              sqlIdentifier(model.eventTime),
              `read_parquet(${sqlString(temp)})`,
            );
    if (merge)
      await warehouse.run(
        `COPY (SELECT * FROM ${readParts(lakeRoot, previous.files)} UNION ALL SELECT * FROM read_parquet(${sqlString(temp)})) TO ${sqlString(merged)} (FORMAT parquet, COMPRESSION zstd)`,
      );
    let files = previous.files;
    if (merge || added > 0) {
      await rename(merge ? merged : temp, localPart(lakeRoot, partPath));
      files = merge ? [partPath] : [...previous.files, partPath];
    }
    const manifest: TableManifest = {
      ...previous,
      load_id: loadId,
      built_at: new Date().toISOString(),
      // The rows' version moves only when rows were added: a build that found nothing new in
      // new loads changes nothing downstream.
      version: added > 0 ? loadId : versionOf(previous),
      rows: previous.rows + added,
      files,
      loads: [...new Set([...previous.loads, ...fresh])].sort(),
      sql_hash: incrementalHash(sql),
    };
    await publish(build, manifest);
    return {
      result: {
        model: model.id,
        materialized: 'incremental',
        rows: manifest.rows,
        files,
        added,
        change: change.kind,
      },
      change,
      version: versionOf(manifest),
    };
  } finally {
    await rm(temp, { force: true });
    await rm(merged, { force: true });
  }
}

/** Bronze parts depend on the SQL only (raw files carry their own times). */
const incrementalHash = (sql: string) => createHash('sha256').update(sql).digest('hex');

const UNDATED = 'undated';

/**
 * A partitioned model: one part per year of its event_time (local years), plus one for rows
 * with no date. When its inputs changed on some days and the published parts are current, only
 * the years those days touch (with a margin, changes.ts) are rebuilt, from inputs narrowed by
 * `{{ partition_window(column) }}`; the undated part is rebuilt on any change. Otherwise every
 * year is. Its change is the days of the rows that differ from the parts they replace.
 */
async function buildPartitioned(build: ModelBuild, inputs: Change): Promise<Built> {
  const { warehouse, lakeRoot, model, loadId } = build;
  const eventTime = sqlIdentifier(model.eventTime as string);
  const previous = inputs.kind === 'dated' ? build.previous : undefined;
  const years = previous && inputs.kind === 'dated' ? yearsTouched(inputs.days) : undefined;
  const sql = renderModelSql(model, { lakeRoot, timezone: build.timezone, years });
  const folder = join(lakeRoot, model.layer, model.name);
  const temp = join(folder, `${TEMP_PREFIX}${loadId}`);
  const keep =
    years === undefined
      ? ''
      : `WHERE year(${eventTime}) IN (${[...years].join(', ')}) OR ${eventTime} IS NULL`;
  try {
    await mkdir(folder, { recursive: true });
    const partitioned = `SELECT *, coalesce(CAST(year(${eventTime}) AS VARCHAR), '${UNDATED}') AS __partition FROM (${sql}) ${keep}`;
    await warehouse.run(
      `COPY (${partitioned}) TO ${sqlString(temp)} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (__partition))`,
    );
    const written = await writtenPartitions(temp);
    const rebuilt =
      years === undefined
        ? new Set([...Object.keys(build.previous?.partitions ?? {}), ...written.keys()])
        : new Set([...[...years].map(String), UNDATED]);
    const columns = (await warehouse.query(`DESCRIBE SELECT * FROM (${build.sql})`)).rows.map(
      (r) => ({
        name: String(r.column_name),
        type: String(r.column_type),
      }),
    );
    // What changed: the rebuilt parts' rows against the rows they replace.
    const old = build.previous;
    const oldFiles = [...rebuilt].flatMap((key) => old?.partitions?.[key] ?? []);
    const newFiles = [...written.values()].flat();
    const change =
      old === undefined || build.fullRefresh || !sameColumns(old.columns, columns)
        ? ALL_CHANGED
        : await diffRows(
            warehouse,
            oldFiles.length > 0 ? readParts(lakeRoot, oldFiles) : undefined,
            newFiles.length > 0
              ? // Not read as hive partitions: the folder names only sort the files.
                `read_parquet([${newFiles.map((f) => sqlString(f)).join(', ')}], hive_partitioning = false)`
              : undefined,
            model.eventTime,
          );
    // Same rows in the same parts: the published version stands. Same rows cut another way (in
    // another time zone) are published, keeping the version: nothing downstream changes.
    if (change.kind === 'none' && old && old.sql_hash === sqlHash(build))
      return await keepWithInputs(build, old);
    const partitions: Record<string, string[]> = {};
    for (const [key, files] of Object.entries(old?.partitions ?? {}))
      if (!rebuilt.has(key)) partitions[key] = files;
    for (const [key, files] of written) {
      partitions[key] = [];
      for (const [i, file] of files.entries()) {
        const partPath = `${model.layer}/${model.name}/part-${loadId}-${key}${i > 0 ? `-${i}` : ''}.parquet`;
        await rename(file, localPart(lakeRoot, partPath));
        partitions[key].push(partPath);
      }
    }
    const files = Object.keys(partitions)
      .sort()
      .flatMap((key) => partitions[key] as string[]);
    const rows =
      files.length === 0
        ? 0
        : Number(
            (await warehouse.query(`SELECT count(*) AS n FROM ${readParts(lakeRoot, files)}`))
              .rows[0]?.n ?? 0,
          );
    const manifest = newManifest(build, { rows, files, columns, partitions });
    if (change.kind === 'none' && old) manifest.version = versionOf(old);
    await publish(build, manifest);
    return {
      result: {
        model: model.id,
        materialized: 'partitioned',
        rows,
        files,
        partitions: [...rebuilt].sort(),
        change: change.kind,
      },
      change,
      version: versionOf(manifest),
    };
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

/** The Parquet files a `COPY ... PARTITION_BY (__partition)` wrote, by partition value. */
async function writtenPartitions(folder: string): Promise<Map<string, string[]>> {
  const written = new Map<string, string[]>();
  let entries: string[];
  try {
    entries = await readdir(folder);
  } catch {
    return written; // no row, no folder
  }
  for (const entry of entries.sort()) {
    const key = /^__partition=(-?\d+|undated)$/.exec(entry)?.[1];
    // Rows in a folder not understood here would be lost: refuse rather than publish without them.
    if (key === undefined)
      throw new ModelError(`DuckDB wrote an unexpected partition folder ${entry} in ${folder}.`);
    const files = (await readdir(join(folder, entry))).filter((f) => f.endsWith('.parquet')).sort();
    written.set(
      key,
      files.map((f) => join(folder, entry, f)),
    );
  }
  return written;
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
