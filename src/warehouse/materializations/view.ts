import { createHash } from 'node:crypto';
import type { Change } from '../changes.js';
import { manifestPath, readManifest } from '../manifest.js';
import type { Built, ModelBuild } from './build.js';

/**
 * A view holds no rows: its version is that of what it reads, and of its own SQL (rendered, so
 * with the time zone), so that a changed view rebuilds the models that read it.
 */
export function viewVersion(
  model: ModelBuild['model'],
  versions: ReadonlyMap<string, string>,
  sql: string,
): string {
  const parts = model.dependsOn.map((d) => `${d}=${versions.get(d) ?? 'none'}`).join(',');
  return createHash('sha256').update(`${parts}\n${sql}`).digest('hex').slice(0, 16);
}

/** A view model: no Parquet, only `<layer>.<name>` defined over its inputs in the engine. */
export async function buildView(
  build: ModelBuild,
  change: Change,
  versions: ReadonlyMap<string, string>,
): Promise<Built> {
  await build.engine.createView(build.model.id, build.sql);
  return {
    result: {
      model: build.model.id,
      materialized: 'view',
      rows: null,
      files: [],
      change: change.kind,
    },
    change,
    version: viewVersion(build.model, versions, build.sql),
  };
}

/**
 * An ephemeral model on this engine (ephemeral.ts): the models that read it run its SQL, so
 * nothing is written; it is shown as a view, like a view model. A table of it that an earlier
 * build (or another engine) published is removed, manifest first: it would no longer match the
 * tables built from it.
 */
export async function buildEphemeral(
  build: ModelBuild,
  change: Change,
  versions: ReadonlyMap<string, string>,
): Promise<Built> {
  const at = manifestPath(build.model);
  const published = await readManifest(build.lake, at);
  if (published) {
    await build.lake.delete(at);
    for (const file of published.files) await build.lake.delete(file);
  }
  const built = await buildView(build, change, versions);
  return { ...built, result: { ...built.result, materialized: 'ephemeral' } };
}
