import { createHash } from 'node:crypto';
import { moveFile, removeFolder } from '../../lake/file-ops.js';
import type { Lake } from '../../lake/lake.js';
import { type Change, type DaySpan, NO_CHANGE } from '../changes.js';
import type { Column, Engine } from '../engines/engine.js';
import {
  manifestPath,
  removeUnpublishedParts,
  type TableManifest,
  versionOf,
  writeManifest,
} from '../manifest.js';
import type { Materialization, Model } from '../models.js';

export interface ModelBuildResult {
  model: string;
  /** How it was built on this engine: an ephemeral model is not written (ephemeral.ts). */
  materialized: Materialization | 'ephemeral';
  rows: number | null;
  seconds: number;
  files: string[];
  /** Incremental models: rows added by this build (all of them on a full build). */
  added?: number;
  /** The published version stands: no input changed, or rebuilding changed no row. */
  reused?: boolean;
  /** Partitioned models: the parts this build rewrote (years, or "undated"). */
  partitions?: string[];
  /** Partitioned models built day by day: the days rebuilt within those parts. */
  days?: DaySpan;
  /** What this build changed, as the models that read it see it (changes.ts). */
  change: Change['kind'];
}

/** Everything one model's build needs. */
export interface ModelBuild {
  engine: Engine;
  lake: Lake;
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

/** What a materialization returns: the result, the change for the models after, the version. */
export type Built = {
  result: Omit<ModelBuildResult, 'seconds'>;
  change: Change;
  version: string;
  /** The manifest the table stands on after this build (none for a view). */
  manifest?: TableManifest;
};

/**
 * Where a build writes a model's new Parquet before moving it into place:
 * `_staging/<load>/<layer>/<name>`. Outside the tables' own folders, since Unity Catalog refuses
 * a table whose location lies inside another table's; and named with `_`, which every lake
 * driver accepts and every reader of a folder skips (Spark and Databricks pass over `_` and `.`
 * names; DuckDB reads only what manifests name).
 */
export const STAGING_ROOT = '_staging';
export const stagingFolder = (model: Model, loadId: string, suffix = '') =>
  `${STAGING_ROOT}/${loadId}/${model.layer}/${model.name}${suffix}`;

/** A build's staging is removed as it goes; what a killed build left is swept after a day. */
const STALE_STAGING_MS = 24 * 3_600_000;

/** Removes the staging folders of builds that started over a day ago (killed midway). */
export async function sweepStaleStaging(lake: Lake, now = Date.now()): Promise<string[]> {
  const stale = new Set<string>();
  for await (const entry of lake.list(`${STAGING_ROOT}/`)) {
    const loadId = entry.path.split('/')[1] ?? '';
    const stamp = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z-/.exec(loadId);
    if (!stamp) continue;
    const [, y, mo, d, h, mi, sec, ms] = stamp.map(Number) as number[];
    const started = Date.UTC(y as number, (mo as number) - 1, d, h, mi, sec, ms);
    if (now - started > STALE_STAGING_MS) stale.add(loadId);
  }
  for (const loadId of stale) await removeFolder(lake, `${STAGING_ROOT}/${loadId}`);
  return [...stale];
}

/** The hash that says which SQL (and time zone: partitions are local years) built the parts. */
export function sqlHash(build: Pick<ModelBuild, 'sql' | 'timezone'>): string {
  return createHash('sha256').update(`${build.sql}\n-- timezone: ${build.timezone}`).digest('hex');
}

export const sameColumns = (a: Column[], b: Column[]) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Moves written files (lake paths under a staging folder) to their published names: `name(i)`
 * gives the lake path of the i-th file. Returns the new lake paths.
 */
export async function moveParts(
  lake: Lake,
  files: string[],
  name: (index: number) => string,
): Promise<string[]> {
  const moved: string[] = [];
  for (const [i, file] of files.entries()) {
    const target = name(i);
    await moveFile(lake, file, target);
    moved.push(target);
  }
  return moved;
}

/** Removes a staging folder and whatever a failed or finished build left in it. */
export const removeStaging = (lake: Lake, folder: string) => removeFolder(lake, folder);

/**
 * Publishes a manifest and shows the table: parts are in place, the manifest goes last, then
 * the parts it no longer names are removed.
 */
export async function publish(build: ModelBuild, manifest: TableManifest): Promise<void> {
  await writeManifest(build.lake, manifest);
  await build.engine.expose(manifest);
  await removeUnpublishedParts(build.lake, manifestPath(build.model), manifest.files);
}

export function newManifest(
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

/** The published version stands; this engine only needs to see it. */
export async function reuse(build: ModelBuild): Promise<Built> {
  const previous = build.previous as TableManifest;
  await build.engine.expose(previous);
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
    manifest: previous,
  };
}

/**
 * A rebuild that changed no row: the parts and version stay; the manifest is rewritten only when
 * it must record newer inputs (or the SQL hash), so the next build knows it is current.
 */
export async function keepWithInputs(build: ModelBuild, previous: TableManifest): Promise<Built> {
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
  return reuse({ ...build, previous: manifest });
}
