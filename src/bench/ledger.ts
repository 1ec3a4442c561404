import { join } from 'node:path';
import { FsLake } from '../lake/drivers/fs.js';
import { LoadLedger } from '../lake/ledger.js';
import { newLoadId } from '../lake/load-id.js';
import { Warehouse } from '../warehouse/engine.js';
import { readRawCatalog } from '../warehouse/raw-sources.js';
import type { Benchmark } from './types.js';

/** About a year of hourly runs: two extract loads and a transform an hour land ~20,000 entries. */
const ENTRIES = 20_000;

/**
 * What a build pays to know the raw lake after a year of hourly runs: every ledger entry read
 * (no warehouse), the first build that remembers them, and the builds after it, which list the
 * ledger and read only new entries (src/warehouse/ledger-index.ts).
 */
export const ledgerBenchmark: Benchmark = {
  name: 'ledger',
  async run(dir) {
    const root = join(dir, 'lake');
    const lake = new FsLake(root);
    const ledger = new LoadLedger(lake);
    const start = Date.parse('2025-12-01T00:00:00Z');
    for (let i = 0; i < ENTRIES; i += 200)
      await Promise.all(
        Array.from({ length: 200 }, (_, k) => {
          const at = new Date(start + (i + k) * 1_200_000);
          const loadId = newLoadId(at);
          const transform = (i + k) % 3 === 2;
          return ledger.record({
            load_id: loadId,
            kind: transform ? 'transform' : 'extract',
            source: transform ? 'transform' : 'recently_played',
            status: 'ok',
            started_at: at.toISOString(),
            finished_at: at.toISOString(),
            files: transform
              ? []
              : [{ path: `raw/spotify/recently_played/${loadId}.json`, bytes: 100 }],
            counts: { plays: 50 },
          });
        }),
      );
    const timed = async (warehouse?: Warehouse) => {
      const began = performance.now();
      const catalog = await readRawCatalog(lake, root, warehouse);
      if (catalog.ingestedAt.size !== ENTRIES) throw new Error('the ledger lost entries');
      return (performance.now() - began) / 1000;
    };
    const warehouse = await Warehouse.open({
      file: join(dir, 'warehouse.duckdb'),
      timezone: 'UTC',
    });
    try {
      const every = await timed();
      const first = await timed(warehouse);
      const later = Math.min(await timed(warehouse), await timed(warehouse));
      const n = ENTRIES.toLocaleString('en-US');
      return [
        { figure: `read ${n} ledger entries, none remembered`, value: every, unit: 's' },
        { figure: 'the first build that remembers them', value: first, unit: 's' },
        { figure: 'a later build (best of 2)', value: later, unit: 's' },
      ];
    } finally {
      warehouse.close();
    }
  },
};
