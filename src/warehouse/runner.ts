import { ModelError, WrappedError } from '../errors.js';
import { allExist, removeFolder } from '../lake/file-ops.js';
import type { Lake } from '../lake/lake.js';
import { LAYERS } from '../lake/layout.js';
import { ALL_CHANGED, type Change, inputChange } from './changes.js';
import type { Dialect } from './dialects/dialect.js';
import { duckdbDialect } from './dialects/duckdb.js';
import type { RenderContext } from './dialects/macros.js';
import { renderSql } from './dialects/render.js';
import { daysOfRows } from './diff.js';
import type { Warehouse } from './engine.js';
import { DuckdbEngine } from './engines/duckdb.js';
import type { Engine } from './engines/engine.js';
import { inlineEphemeralInputs, isEphemeralOn, windowedReads } from './ephemeral.js';
import {
  exposeTable,
  manifestPath,
  publishedManifests,
  readManifest,
  type TableManifest,
  versionOf,
} from './manifest.js';
import {
  type Built,
  type ModelBuild,
  type ModelBuildResult,
  reuse,
  STAGING_ROOT,
  sqlHash,
  sweepStaleStaging,
} from './materializations/build.js';
import { buildIncremental, MAX_PARTS, type RawViewsShown } from './materializations/incremental.js';
import {
  type BuildScope,
  buildPartitioned,
  inPartitionFolder,
} from './materializations/partitioned.js';
import { buildTable } from './materializations/table.js';
import { buildEphemeral, buildView, viewVersion } from './materializations/view.js';
import { buildOrder, type Model } from './models.js';
import { type RawCatalog, rawSourcesNamed, readRawCatalog } from './raw-sources.js';
import { readViewStamps } from './view-stamps.js';

export {
  manifestPath,
  publishedManifests,
  readManifest,
  removeUnpublishedParts,
  type TableManifest,
} from './manifest.js';
export type { ModelBuildResult } from './materializations/build.js';

export interface BuildOptions {
  /**
   * The engine that builds (DuckDB, Spark...); or a DuckDB warehouse, built with DuckDB. Given
   * both, the engine builds and the warehouse keeps the build's memory of the ledger.
   */
  engine?: Engine;
  warehouse?: Warehouse;
  lake: Lake;
  models: Model[];
  loadId: string;
  /** Rebuild every model from every raw file, as if built for the first time. */
  fullRefresh?: boolean;
  /** An incremental model never holds more parts than this; beyond it they are merged (24). */
  maxParts?: number;
  /** How many models may build at once, on engines that can fork a session (DuckDB): 2. */
  concurrency?: number;
  /** Called before and after each model, for progress output. */
  onProgress?: (event: {
    phase: 'start' | 'done';
    model: Model;
    index: number;
    total: number;
    result?: ModelBuildResult;
  }) => void;
}

export function requireLocalRoot(lake: Lake): string {
  if (lake.localRoot === undefined) {
    throw new WrappedError(`The warehouse needs a local lake; ${lake.location} is remote.`, {
      hint: 'Remote lakes are not supported yet: use a local folder.',
    });
  }
  return lake.localRoot;
}

/** A model's SQL with its macros rendered for a dialect (dialects/macros.ts); DuckDB by default. */
export function renderModelSql(
  model: Model,
  context: RenderContext,
  dialect: Dialect = duckdbDialect,
): string {
  return renderSql(model.sql, dialect, context, model.file);
}

export async function ensureSchemas(warehouse: Warehouse): Promise<void> {
  for (const layer of LAYERS) await warehouse.run(`CREATE SCHEMA IF NOT EXISTS ${layer}`);
}

/**
 * Builds models in dependency order, each only as far as its inputs changed
 * (materializations/ holds how each kind is built):
 * - a bronze incremental model reads only the raw files of loads it has not read;
 * - a table is rebuilt when an input changed (or always, when it reads no model);
 * - a partitioned model rebuilds the years its inputs' changes touch;
 * - a rebuild that changes no row keeps the published version, so nothing after it reruns.
 * Each manifest records the versions of the inputs it was built from: when an input moved on
 * without this model (a build stopped halfway), the model counts that input as changed all over.
 * New Parquet is written to a hidden folder, moved to `part-<load_id>...`, published by the
 * manifest, and only then exposed as `<layer>.<name>`; older parts are removed last. A model
 * that fails leaves its previous version in place and stops the build (later models would
 * read stale inputs); its error names the model, the engine and the engine's message.
 * Models whose inputs are all built run side by side, two at a time by default, each on a
 * session of its own when the engine can fork one (DuckDB: connections to one database, which
 * share its threads); on other engines one at a time.
 */
export async function buildModels(options: BuildOptions): Promise<ModelBuildResult[]> {
  const { lake, loadId } = options;
  const engine = options.engine ?? duckdbEngine(options.warehouse, requireLocalRoot(lake));
  // Where the engine reads the lake: this machine's folder, or the cloud URL (Databricks).
  const { lakeRoot } = engine;
  const fullRefresh = options.fullRefresh ?? false;
  if (engine instanceof DuckdbEngine) await ensureSchemas(engine.warehouse);
  const order = buildOrder(options.models);
  await sweepStaleStaging(lake);
  // The DuckDB warehouse remembers the ledger entries it has read (`wrapped transform` gives
  // it whatever the engine; without one, every entry is read).
  const catalog = await readRawCatalog(
    lake,
    lakeRoot,
    options.warehouse ?? (engine instanceof DuckdbEngine ? engine.warehouse : undefined),
  );
  const raw = new RawViews(engine, catalog);
  const changes = new Map<string, Change>();
  /** Each model's version before this build, and after it. */
  const before = new Map<string, string>();
  const after = new Map<string, string>();
  const results: Array<{ index: number; result: ModelBuildResult }> = [];
  const manifests: TableManifest[] = [];
  const context = { lakeRoot, timezone: engine.timezone };
  const modelsById = new Map(options.models.map((m) => [m.id, m]));
  /**
   * A model's SQL on a session, its ephemeral inputs written in, for a build of some years or
   * days (a whole build when neither).
   */
  const render = (model: Model, session: Engine, scope: BuildScope = {}) => {
    const own = (m: Model, narrowed: boolean) =>
      renderModelSql(m, narrowed ? { ...context, ...scope } : context, session.dialect);
    const notMaterialized = session.dialect.macros.not_materialized([], context);
    return inlineEphemeralInputs(
      model,
      own(model, true),
      session.name,
      modelsById,
      own,
      notMaterialized,
    );
  };

  /** One model, on one of the build's sessions: what it built, or its error named. */
  const buildOne = async (model: Model, session: Engine): Promise<Built> => {
    try {
      const sql = render(model, session);
      const published = await readManifest(lake, manifestPath(model));
      // An ephemeral model is versioned as a view: by its inputs and its SQL.
      const asView = model.materialized === 'view' || isEphemeralOn(model, session.name);
      before.set(
        model.id,
        asView ? viewVersion(model, before, sql) : published ? versionOf(published) : 'none',
      );
      const build: ModelBuild = {
        engine: session,
        lake,
        model,
        sql,
        loadId,
        timezone: session.timezone,
        fullRefresh,
        previous: fullRefresh ? undefined : published,
        inputs: Object.fromEntries(model.dependsOn.map((d) => [d, after.get(d) ?? 'none'])),
      };
      // What changed in the inputs since this model's published version was built: this
      // build's changes, unless an input moved on before it (then all of that input changed).
      // A view has no published version: it passes on what its inputs say.
      const seen = new Map(changes);
      if (!asView)
        for (const dep of model.dependsOn)
          if (published?.inputs?.[dep] !== before.get(dep)) seen.set(dep, ALL_CHANGED);
      // Published parts that are all here can be compared with; built by this SQL, they can
      // also be kept or built on.
      if (build.previous && !(await allExist(lake, build.previous.files)))
        build.previous = undefined;
      const current = build.previous !== undefined && publishedIsCurrent(build);
      if (current && model.materialized === 'partitioned') await narrowLookupChanges(build, seen);
      const change = inputChange(model, seen);
      if (model.materialized === 'view') return await buildView(build, change, after);
      if (asView) return await buildEphemeral(build, change, after);
      if (model.materialized === 'incremental')
        return await buildIncremental(build, raw, options.maxParts ?? MAX_PARTS);
      // A table reads whole raw views (an incremental model before it may have narrowed them).
      if (model.layer === 'bronze') await raw.show(undefined, rawSourcesNamed(sql));
      if (current && change.kind === 'none' && model.dependsOn.length > 0)
        return await reuse(build);
      if (model.materialized === 'partitioned')
        return await buildPartitioned(
          build,
          current ? change : ALL_CHANGED,
          (scope) => render(model, session, scope),
          current ? periodInputChange(model, seen) : undefined,
        );
      return await buildTable(build);
    } catch (error) {
      if (error instanceof WrappedError) throw error;
      throw new ModelError(
        `Model ${model.id} (${model.file}) failed on ${session.name}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  };

  // Models whose inputs are all built run side by side, each on a session of its own (bronze
  // ones on the first: the raw views are that session's). A model that fails stops the build:
  // no model starts after it, those under way finish, and its error is the build's.
  const sessions = await buildSessions(engine, options.concurrency ?? DEFAULT_CONCURRENCY);
  const memory = buildMemory(engine);
  const building = new Map<string, Promise<void>>();
  const waiting = [...order.entries()];
  const inBuild = new Set(order.map((m) => m.id));
  let failure: unknown;
  try {
    while (waiting.length > 0 || building.size > 0) {
      const bronzeLeft =
        waiting.some(([, m]) => m.layer === 'bronze') ||
        [...building.keys()].some((id) => id.startsWith('bronze.'));
      if (!bronzeLeft) await memory.hold();
      while (failure === undefined && sessions.free.length > 0) {
        const next = waiting.findIndex(
          ([, model]) =>
            model.dependsOn.every((dep) => after.has(dep) || !inBuild.has(dep)) &&
            (model.layer !== 'bronze' || sessions.free.includes(engine)),
        );
        if (next < 0) break;
        const [index, model] = waiting.splice(next, 1)[0] as [number, Model];
        const session =
          model.layer === 'bronze' ? engine : (sessions.free.find((e) => e !== engine) ?? engine);
        sessions.free.splice(sessions.free.indexOf(session), 1);
        options.onProgress?.({ phase: 'start', model, index, total: order.length });
        const started = performance.now();
        const job = buildOne(model, session).then(
          (done) => {
            changes.set(model.id, done.change);
            after.set(model.id, done.version);
            if (done.manifest) manifests.push(done.manifest);
            const result: ModelBuildResult = {
              ...done.result,
              seconds: (performance.now() - started) / 1000,
            };
            results.push({ index, result });
            options.onProgress?.({ phase: 'done', model, index, total: order.length, result });
          },
          (error: unknown) => {
            failure ??= error;
          },
        );
        building.set(
          model.id,
          job.finally(() => {
            building.delete(model.id);
            sessions.free.push(session);
          }),
        );
      }
      if (building.size === 0) {
        // Nothing under way and nothing ready: only a failure leaves models waiting.
        if (failure === undefined && waiting.length > 0)
          throw new ModelError(
            `Models waiting on inputs this build never built: ${waiting.map(([, m]) => m.id).join(', ')}.`,
          );
        break;
      }
      await Promise.race(building.values());
    }
  } finally {
    await Promise.allSettled(building.values());
    await sessions.close();
    await memory.release();
  }
  if (failure !== undefined) throw failure;
  // Each model removed its own staging; the build's folder goes with the last of them.
  await removeFolder(lake, `${STAGING_ROOT}/${loadId}`);
  for (const change of changes.values())
    if (change.kind === 'all' && change.rows !== undefined) await engine.dropTempTable(change.rows);
  // The engine's own catalog (Spark's external tables) names the tables just published.
  await engine.publishTables(manifests);
  return results.sort((a, b) => a.index - b.index).map((r) => r.result);
}

/**
 * DuckDB's memory once the bronze models are built. Left to itself it keeps up to 80% of the
 * machine's memory for caches and buffers (a full build of 500,000 streams peaked at 950 MB);
 * held to this, silver and gold spill what does not fit to disk. The process needs about 250 MB
 * more than this (Node, and what DuckDB holds outside its buffers while writing Parquet). Held
 * to 320 MB that build peaked at 494-683 MB, over 600 MB in five runs of ten; held to 256 MB, at
 * 494-557 MB in six runs, and took 0.3 s longer. Bronze keeps the default: it parses JSON
 * documents whole (a playlist or Wrapped file of the export), which DuckDB cannot spill.
 */
export const BUILD_MEMORY_LIMIT = '256MB';

/** Holds DuckDB to BUILD_MEMORY_LIMIT (once), and gives it back its default after the build. */
function buildMemory(engine: Engine): { hold(): Promise<void>; release(): Promise<void> } {
  let held = false;
  return {
    async hold() {
      if (held || !(engine instanceof DuckdbEngine)) return;
      held = true;
      await engine.run(`SET memory_limit = '${BUILD_MEMORY_LIMIT}'`);
    },
    // Nothing else in wrapped-me sets the limit: the default is what it had.
    async release() {
      if (held) await engine.run('RESET memory_limit');
    },
  };
}

/**
 * For a model made by months (`rebuild: months where ...`): the change of the inputs its picked
 * rows are made from, which it reads through `{{ partition_window }}` (and its lookups). An
 * input read only whole or through `{{ partition_years }}` (a top list's `silver.int_play_years`,
 * dated on each year's first day) makes its year and all-time rows, so it moves the years
 * rebuilt but not the days. Undefined for other models: every input counts.
 */
function periodInputChange(model: Model, seen: ReadonlyMap<string, Change>): Change | undefined {
  if (model.rebuild?.unit !== 'months') return undefined;
  const byDay = model.dependsOn.filter(
    (dep) => model.lookups.includes(dep) || windowedReads(model.sql, dep) > 0,
  );
  return inputChange({ ...model, dependsOn: byDay }, seen);
}

/** Models built side by side by default: two, for the 2-core machines this runs on. */
export const DEFAULT_CONCURRENCY = 2;

/** The build's sessions: the engine itself, and forks of it up to `concurrency` when it can. */
async function buildSessions(
  engine: Engine,
  concurrency: number,
): Promise<{ free: Engine[]; close: () => Promise<void> }> {
  const forks: Engine[] = [];
  if (engine.fork)
    for (let i = 1; i < Math.max(1, concurrency); i++) forks.push(await engine.fork());
  return {
    free: [engine, ...forks],
    close: async () => {
      for (const fork of forks) await fork.close();
    },
  };
}

function duckdbEngine(warehouse: Warehouse | undefined, lakeRoot: string): Engine {
  if (!warehouse) throw new Error('buildModels needs an engine or a warehouse');
  return new DuckdbEngine(warehouse, lakeRoot);
}

/**
 * A lookup whose existing rows changed (a track's album, a name's key) concerns only this
 * model's rows that meet a changed key: their days replace "all" for that input. Only for a
 * lookup declared with its key columns, whose build kept the changed rows (diff.ts).
 */
async function narrowLookupChanges(build: ModelBuild, seen: Map<string, Change>): Promise<void> {
  const { model, previous, engine } = build;
  const id = (name: string) => engine.dialect.identifier(name);
  for (const lookup of model.lookups) {
    const change = seen.get(lookup);
    const keys = model.lookupKeys[lookup];
    if (change?.kind !== 'all' || change.rows === undefined || keys === undefined) continue;
    if (previous === undefined || previous.files.length === 0) continue;
    const ours = keys.map((k, i) => `${k.expression} AS __key${i}`).join(', ');
    const on = keys.map((k, i) => `l.${id(k.column)} = t.__key${i}`).join(' AND ');
    seen.set(
      lookup,
      await daysOfRows(
        engine,
        't.__event',
        `(SELECT ${id(model.eventTime as string)} AS __event, ${ours} FROM ${await engine.parts(previous.files)}) AS t
         WHERE EXISTS (SELECT 1 FROM ${change.rows} AS l WHERE ${on})`,
      ),
    );
  }
}

/**
 * The published parts were built by this very SQL (and time zone); a partitioned table's parts
 * sit in their partitions' folders (older builds wrote them flat: rebuilt once, so that readers
 * of the folder, like Spark's external tables, see one layout).
 */
function publishedIsCurrent(build: ModelBuild): boolean {
  const previous = build.previous;
  if (previous === undefined || previous.sql_hash !== sqlHash(build)) return false;
  if (build.model.materialized !== 'partitioned') return true;
  return previous.partitions !== undefined && previous.files.every(inPartitionFolder);
}

/**
 * The raw views as the build needs them: each whole, or narrowed to some loads, registered when
 * a model reads it and it does not already hold those loads. Only the views a model reads are
 * registered: registering all nine took 18-25 ms of an hourly build at 500k streams, before
 * any silver model could start, for a table that reads only the gaps (always whole).
 */
class RawViews implements RawViewsShown {
  /** Each registered raw view: which loads it holds ('all', or their ids). */
  private readonly shown = new Map<string, string>();
  private registered = false;
  constructor(
    private readonly engine: Engine,
    readonly catalog: RawCatalog,
  ) {}

  async show(loads: ReadonlySet<string> | undefined, sources: readonly string[]): Promise<void> {
    const key = loads === undefined ? 'all' : [...loads].sort().join(',');
    const stale = sources.filter((source) => this.shown.get(source) !== key);
    if (stale.length === 0 && this.registered) return;
    await this.engine.registerRawViews(this.catalog, loads, stale);
    for (const source of stale) this.shown.set(source, key);
    this.registered = true;
  }
}

/**
 * Re-creates the warehouse views of every published table from the manifests in the lake: a new
 * HOME pointed at an existing lake (or a deleted warehouse file) sees the same tables.
 */
export async function attachPublishedTables(
  warehouse: Warehouse,
  lake: Lake,
  options: { copy?: (table: string) => boolean; listener?: string } = {},
): Promise<string[]> {
  const lakeRoot = requireLocalRoot(lake);
  await ensureSchemas(warehouse);
  // Views that already read what the manifests name are left alone, stamps and all: the checks
  // remember results by them, and re-creating fifty views costs a build about 70 ms.
  const stamps = await readViewStamps(warehouse);
  const attached: string[] = [];
  for (const path of await publishedManifests(lake)) {
    const manifest = JSON.parse((await lake.get(path)).toString('utf8')) as TableManifest;
    if (
      !/^(bronze|silver|gold)\.[a-z][a-z0-9_]*$/.test(manifest.table) ||
      !Array.isArray(manifest.files)
    )
      continue;
    await exposeTable(warehouse, lakeRoot, manifest, {
      stamps,
      copy: options.copy?.(manifest.table) ?? false,
      listener: options.listener,
    });
    attached.push(manifest.table);
  }
  return attached;
}
