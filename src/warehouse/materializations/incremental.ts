import { createHash } from 'node:crypto';
import { NO_CHANGE } from '../changes.js';
import { daysOfRows } from '../diff.js';
import type { TableManifest } from '../manifest.js';
import { versionOf, writeManifest } from '../manifest.js';
import { loadsHoldAny, type RawCatalog, rawSourcesNamed, rowSourcesOf } from '../raw-sources.js';
import {
  type Built,
  type ModelBuild,
  moveParts,
  publish,
  removeStaging,
  reuse,
  stagingFolder,
} from './build.js';
import { buildTable, tablePart } from './table.js';

/** Bronze parts depend on the SQL only (raw files carry their own times). */
export const incrementalHash = (sql: string) => createHash('sha256').update(sql).digest('hex');

/** An incremental model never holds more parts than this: beyond it, they are merged into one. */
export const MAX_PARTS = 24;

/** The raw views as a build needs them: whole, or narrowed to some loads. */
export interface RawViewsShown {
  readonly catalog: RawCatalog;
  /** These raw views (by name) holding these loads (all when undefined). */
  show(loads: ReadonlySet<string> | undefined, sources: readonly string[]): Promise<void>;
}

/**
 * An incremental bronze model: the loads the manifest names are in its parts already, so only
 * the raw files of newer loads are read, into one more part. It is rebuilt whole when asked
 * (`--full-refresh`), when its SQL changed, when a load it read is no longer in the ledger, or
 * when its parts are not all here (buildModels then passes no previous version). Its change is the days of the new rows (with an event_time),
 * else that rows were added.
 */
export async function buildIncremental(
  build: ModelBuild,
  raw: RawViewsShown,
  maxParts: number,
): Promise<Built> {
  const { engine, lake, model, sql, loadId } = build;
  const all = [...raw.catalog.dataLoads].sort();
  const previous = build.previous;
  const present = new Set(all);
  if (
    previous === undefined ||
    previous.sql_hash !== incrementalHash(sql) ||
    !Array.isArray(previous.loads) ||
    // A load it read was taken back (`wrapped loads remove`): its rows must go too.
    previous.loads.some((id) => !present.has(id))
  ) {
    await raw.show(undefined, rawSourcesNamed(sql));
    const whole = await buildTable(
      { ...build, previous: undefined },
      { loads: all, sql_hash: incrementalHash(sql) },
    );
    return { ...whole, result: { ...whole.result, added: whole.result.rows ?? 0 } };
  }
  const seen = new Set(previous.loads);
  const fresh = new Set(all.filter((id) => !seen.has(id)));
  if (fresh.size === 0) return reuse(build);
  // New loads holding none of the raw files this model reads add no row (an hourly extract
  // lands no export file, an import no API response): they are recorded as read, no query run.
  const sources = rowSourcesOf(sql);
  if (sources !== undefined && !loadsHoldAny(raw.catalog, sources, fresh)) {
    const manifest: TableManifest = {
      ...previous,
      load_id: loadId,
      built_at: new Date().toISOString(),
      version: versionOf(previous),
      loads: withLoads(previous, fresh),
    };
    await writeManifest(lake, manifest);
    return reuse({ ...build, previous: manifest });
  }
  await raw.show(fresh, rawSourcesNamed(sql));
  const staging = stagingFolder(model, loadId);
  const mergedStaging = stagingFolder(model, loadId, '-merged');
  const merge = previous.files.length + 1 > maxParts;
  try {
    const written = await engine.writeParquet(sql, staging);
    const newFiles = written.files.get('') ?? [];
    const added = written.rows;
    const change =
      added === 0
        ? NO_CHANGE
        : model.eventTime === undefined
          ? ({ kind: 'additions' } as const)
          : await daysOfRows(
              engine,
              engine.dialect.identifier(model.eventTime),
              await engine.parts(newFiles),
            );
    let files = previous.files;
    if (merge) {
      const sources = [...previous.files, ...newFiles];
      const merged = await engine.writeParquet(
        `SELECT * FROM ${await engine.parts(sources)}`,
        mergedStaging,
      );
      files = await moveParts(lake, merged.files.get('') ?? [], (i) => tablePart(build, '', i));
    } else if (added > 0) {
      files = [
        ...previous.files,
        ...(await moveParts(lake, newFiles, (i) => tablePart(build, '', i))),
      ];
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
      loads: withLoads(previous, fresh),
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
      manifest,
    };
  } finally {
    await removeStaging(lake, staging);
    await removeStaging(lake, mergedStaging);
  }
}

/** The loads a manifest has read, with these fresh ones. */
const withLoads = (previous: TableManifest, fresh: ReadonlySet<string>) =>
  [...new Set([...(previous.loads ?? []), ...fresh])].sort();
