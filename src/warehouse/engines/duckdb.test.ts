import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { Warehouse } from '../engine.js';
import { DuckdbEngine } from './duckdb.js';
import { engineContract } from './engine.contract.js';

describe('DuckDB engine: the engine contract', () => {
  let lakeRoot: string;
  let warehouse: Warehouse;
  let engine: DuckdbEngine;
  before(async () => {
    lakeRoot = await mkdtemp(join(tmpdir(), 'wrapped-duckdb-engine-'));
    warehouse = await Warehouse.open({ file: ':memory:', timezone: 'Europe/Berlin' });
    for (const layer of ['bronze', 'silver', 'gold']) await warehouse.run(`CREATE SCHEMA ${layer}`);
    engine = new DuckdbEngine(warehouse, lakeRoot);
  });
  after(async () => {
    warehouse.close();
    await rm(lakeRoot, { recursive: true, force: true });
  });
  engineContract(() => ({ engine, lakeRoot }));
});
