import { ALL_CHANGED } from '../changes.js';
import { diffRows } from '../diff.js';
import type { TableManifest } from '../manifest.js';
import {
  type Built,
  keepWithInputs,
  type ModelBuild,
  moveParts,
  newManifest,
  publish,
  removeStaging,
  sameColumns,
  stagingFolder,
} from './build.js';

/** The lake path of a table's i-th part written by a build. */
export const tablePart = (build: ModelBuild, suffix: string, index: number) =>
  `${build.model.layer}/${build.model.name}/part-${build.loadId}${suffix}${index > 0 ? `-${index}` : ''}.parquet`;

/**
 * A whole table: its rows written anew. When they are the same rows as the published parts',
 * those stay. `extra` adds fields to the manifest (an incremental model's loads).
 */
export async function buildTable(
  build: ModelBuild,
  extra: Partial<TableManifest> = {},
): Promise<Built> {
  const { engine, lake, model } = build;
  const staging = stagingFolder(model, build.loadId);
  try {
    const written = await engine.writeParquet(build.sql, staging);
    const files = written.files.get('') ?? [];
    const previous = build.previous;
    const change =
      previous && !build.fullRefresh && sameColumns(previous.columns, written.columns)
        ? await diffRows(
            engine,
            previous.files.length > 0 ? await engine.parts(previous.files) : undefined,
            files.length > 0 ? await engine.parts(files) : undefined,
            model.eventTime,
            `__changed_${model.layer}_${model.name}`,
          )
        : ALL_CHANGED;
    // Same rows: the published version stands, and records the inputs it is now current with.
    if (change.kind === 'none' && previous) return await keepWithInputs(build, previous);
    const parts = await moveParts(lake, files, (i) => tablePart(build, '', i));
    const manifest = newManifest(build, {
      rows: written.rows,
      files: parts,
      columns: written.columns,
      ...extra,
    });
    await publish(build, manifest);
    return {
      result: {
        model: model.id,
        materialized: model.materialized,
        rows: written.rows,
        files: manifest.files,
        change: change.kind,
      },
      change,
      version: build.loadId,
      manifest,
    };
  } finally {
    await removeStaging(lake, staging);
  }
}
