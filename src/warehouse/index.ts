import { join } from 'node:path';
import type { Config } from '../config/load.js';
import type { Lake } from '../lake/lake.js';
import { Warehouse } from './engine.js';
import { LakeMirror } from './lake-mirror.js';
import { attachPublishedTables } from './runner.js';

export { type CheckResult, runChecks } from './check-runner.js';
export { type QueryResult, type Row, Warehouse, WarehouseError } from './engine.js';
export { LakeMirror, type MirrorProgress, type MirrorReport } from './lake-mirror.js';
export { loadModels, type Model } from './models.js';
export {
  attachPublishedTables,
  buildModels,
  type ModelBuildResult,
  publishedManifests,
} from './runner.js';

export const WAREHOUSE_FILE = 'warehouse.duckdb';

/**
 * Opens HOME's warehouse and makes sure every table published in the lake is visible in it.
 * Over a remote lake the tables are read from HOME's local copy, first brought up to the
 * remote manifests unless `pull` is false (a build that is about to replace them).
 */
export async function openWarehouse(
  config: Config,
  lake: Lake,
  options: {
    pull?: boolean;
    /** Show one listener's rows only (without `listener_id`): for readers of one person's figures. */
    listener?: string;
  } = {},
): Promise<Warehouse> {
  const mirror = LakeMirror.forLake(config.settings.home, lake);
  if (mirror && options.pull !== false) await mirror.pullPublished();
  const warehouse = await Warehouse.open({
    file: join(config.settings.home, WAREHOUSE_FILE),
    timezone: config.settings.timezone,
  });
  try {
    await attachPublishedTables(warehouse, mirror?.local ?? lake, { listener: options.listener });
  } catch (error) {
    warehouse.close();
    throw error;
  }
  return warehouse;
}
