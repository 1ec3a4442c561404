import { createHash } from 'node:crypto';
import type { Change } from '../changes.js';
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
