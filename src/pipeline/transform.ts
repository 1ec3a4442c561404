import type { Config } from '../config/load.js';
import { WrappedError } from '../errors.js';
import type { Lake } from '../lake/lake.js';
import { LoadLedger } from '../lake/ledger.js';
import { newLoadId } from '../lake/load-id.js';
import { LakeLock } from '../lake/lock.js';
import { openEngine } from '../warehouse/engines/open.js';
import {
  buildModels,
  LakeMirror,
  loadModels,
  type MirrorProgress,
  type MirrorReport,
  type ModelBuildResult,
  openWarehouse,
} from '../warehouse/index.js';
import { manifestPath } from '../warehouse/manifest.js';
import type { Model } from '../warehouse/models.js';
import { attachPublishedTables } from '../warehouse/runner.js';
import { dropRetiredViews } from '../warehouse/view-stamps.js';

export interface TransformResult {
  load_id: string;
  status: 'ok' | 'failed';
  models: ModelBuildResult[];
  /** Over a remote lake: what was fetched before the build and uploaded after it. */
  sync?: { pulled: MirrorReport; pushed: MirrorReport };
  error?: string;
}

export interface TransformOptions {
  config: Config;
  lake: Lake;
  onProgress?: Parameters<typeof buildModels>[0]['onProgress'];
  /** Over a remote lake: each file pulled into the local copy or pushed back. */
  onSync?: MirrorProgress;
  /** Rebuild the incremental (bronze) models from every raw file too. */
  fullRefresh?: boolean;
}

/**
 * The T of the pipeline: builds every model (bronze -> silver -> gold) and records the build in
 * the load ledger, success or failure, so `wrapped status` can tell what happened.
 * Builds are incremental (src/warehouse/runner.ts): bronze reads only the raw files of loads it
 * has not read, partitioned tables rebuild the years the new data touches, and a table whose
 * inputs did not change is kept; `fullRefresh` rebuilds everything from all raw files.
 *
 * Over a remote lake (Azure, S3) DuckDB and a local Spark build in HOME's local copy: the raw
 * files not cached yet are pulled first, and the tables are pushed back after
 * (src/warehouse/lake-mirror.ts). Databricks reads and writes the cloud lake itself, so it
 * builds there in place. The ledger entry goes to the remote lake, last.
 */
export async function transform(options: TransformOptions): Promise<TransformResult> {
  const { config, lake } = options;
  const models: Model[] = loadModels(config.settings.modelsDir);
  if (models.length === 0) return { load_id: newLoadId(), status: 'ok', models: [] };
  // One build per lake at a time, whichever home or machine starts it (the lock is a
  // create-only file in the lake: a conditional put on S3 and Azure).
  const lock = transformLock(lake);
  await lock.acquire();
  try {
    return await transformLocked(options, models);
  } finally {
    await lock.release();
  }
}

/** Held by a build, and by whatever must not run beside one (`wrapped loads remove`). */
export const transformLock = (lake: Lake) =>
  new LakeLock(lake, { name: 'transform', command: 'wrapped transform' });

async function transformLocked(
  options: TransformOptions,
  models: Model[],
): Promise<TransformResult> {
  const { config, lake } = options;
  const loadId = newLoadId();
  const startedAt = new Date().toISOString();

  const inPlace = config.settings.engine === 'databricks';
  const mirror = inPlace ? undefined : LakeMirror.forLake(config.settings.home, lake);
  const buildLake = mirror?.local ?? lake;
  const ledger = new LoadLedger(lake);
  let results: ModelBuildResult[] = [];
  let sync: TransformResult['sync'];
  try {
    const pulled = mirror ? await mirror.pullForBuild(options.onSync) : undefined;
    const warehouse = await openWarehouse(config, lake, { pull: false });
    try {
      const engine = await openEngine(config.settings.engine, {
        config,
        lake: buildLake,
        warehouse,
      });
      try {
        results = await buildModels({
          engine,
          warehouse,
          lake: buildLake,
          models,
          loadId,
          fullRefresh: options.fullRefresh ?? false,
          onProgress: (event) => {
            if (event.result) results.push(event.result);
            options.onProgress?.(event);
          },
        });
      } finally {
        await engine.close();
      }
      // Another engine built the tables: the warehouse's views follow the new manifests (over a
      // cloud lake, readers pull the new parts when they next open it).
      if (engine.name !== 'duckdb' && buildLake.localRoot !== undefined)
        await attachPublishedTables(warehouse, buildLake);
      // A model taken out of the project leaves no view behind in an older warehouse. The lake
      // is asked only about views no model names (a table still published there stays shown).
      const modelIds = new Set(models.map((m) => m.id));
      await dropRetiredViews(
        warehouse,
        (table) => modelIds.has(table.id) || buildLake.exists(manifestPath(table)),
      );
    } finally {
      warehouse.close();
    }
    if (mirror && pulled) sync = { pulled, pushed: await mirror.pushPublished(options.onSync) };
  } catch (error) {
    await ledger.record({
      load_id: loadId,
      kind: 'transform',
      source: 'transform',
      status: 'failed',
      started_at: startedAt,
      finished_at: new Date().toISOString(),
      files: [],
      counts: { models_built: results.length, models_total: models.length },
      error: {
        message: config.redact((error as Error).message),
        retryable: error instanceof WrappedError && error.retryable,
      },
    });
    throw error;
  }
  await ledger.record({
    load_id: loadId,
    kind: 'transform',
    source: 'transform',
    status: 'ok',
    started_at: startedAt,
    finished_at: new Date().toISOString(),
    files: [],
    counts: { models_built: results.length },
    details: {
      models: results.map((r) => ({
        model: r.model,
        rows: r.rows,
        files: r.files,
        seconds: r.seconds,
      })),
    },
  });
  return { load_id: loadId, status: 'ok', models: results, ...(sync ? { sync } : {}) };
}
