import { join } from 'node:path';
import type { Config } from '../config/load.js';
import type { Lake } from '../lake/lake.js';
import { Warehouse } from './engine.js';
import { attachPublishedTables } from './runner.js';

export { type CheckResult, runChecks } from './check-runner.js';
export { type QueryResult, type Row, Warehouse, WarehouseError } from './engine.js';
export { loadModels, type Model } from './models.js';
export { attachPublishedTables, buildModels, type ModelBuildResult } from './runner.js';

export const WAREHOUSE_FILE = 'warehouse.duckdb';

/** Opens HOME's warehouse and makes sure every table published in the lake is visible in it. */
export async function openWarehouse(config: Config, lake: Lake): Promise<Warehouse> {
  const warehouse = await Warehouse.open({
    file: join(config.settings.home, WAREHOUSE_FILE),
    timezone: config.settings.timezone,
  });
  try {
    await attachPublishedTables(warehouse, lake);
  } catch (error) {
    warehouse.close();
    throw error;
  }
  return warehouse;
}
