import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { packagedModelsDir } from '../config/settings.js';
import { importExport } from '../importer/importer.js';
import { FsLake } from '../lake/drivers/fs.js';
import { newLoadId } from '../lake/load-id.js';
import { Warehouse } from '../warehouse/engine.js';
import { DuckdbEngine } from '../warehouse/engines/duckdb.js';
import type { Engine } from '../warehouse/engines/engine.js';
import { findSparkInstall, sparkNotSetUp } from '../warehouse/engines/spark/install.js';
import { loadModels } from '../warehouse/models.js';
import { buildModels } from '../warehouse/runner.js';
import { writeSyntheticExtendedExport } from './export-generator.js';
import { hourOfPlays } from './incremental.js';
import type { Benchmark, Figure } from './types.js';

const SIZES = [50_000, 500_000];

/**
 * `npm run bench -- --engine spark`: the full transform and the one after an hour of plays, at
 * 50k and 500k streams, on Spark (local[2], one Thrift server for the whole benchmark, started
 * before the clock runs) beside DuckDB over copies of the same raw lake.
 */
export const sparkBenchmark: Benchmark = {
  name: 'engines spark',
  async run(dir) {
    const install = findSparkInstall();
    if (!install) throw sparkNotSetUp();
    const { startThriftServer } = await import('../warehouse/engines/spark/thrift-server.js');
    const { ThriftSession } = await import('../warehouse/engines/spark/thrift-client.js');
    const { SparkEngine } = await import('../warehouse/engines/spark/engine.js');
    const server = await startThriftServer(install, { workDir: join(dir, 'spark') });
    const figures: Omit<Figure, 'benchmark'>[] = [];
    try {
      for (const streams of SIZES) {
        const raw = join(dir, `raw-${streams}`);
        const { lastPlayAt } = await writeSyntheticExtendedExport(join(raw, 'export'), streams);
        await importExport({ lake: new FsLake(join(raw, 'lake')), inputs: [join(raw, 'export')] });
        const hourFile = await hourOfPlays(raw, { after: lastPlayAt });
        for (const name of ['duckdb', 'spark'] as const) {
          const base = join(dir, `${name}-${streams}`);
          await cp(join(raw, 'lake'), join(base, 'lake'), { recursive: true });
          const lake = new FsLake(join(base, 'lake'));
          const lakeRoot = join(base, 'lake');
          const warehouse = await Warehouse.open({ file: join(base, 'w.duckdb'), timezone: 'UTC' });
          let engine: Engine;
          if (name === 'duckdb') engine = new DuckdbEngine(warehouse, lakeRoot);
          else
            engine = await SparkEngine.open({
              session: await ThriftSession.open(server.target),
              lake,
              lakeRoot,
              timezone: 'UTC',
              inspector: await Warehouse.open({ file: ':memory:', timezone: 'UTC' }),
            });
          try {
            const models = loadModels(packagedModelsDir());
            const build = async () => {
              const started = performance.now();
              await buildModels({ engine, lake, models, loadId: newLoadId() });
              return (performance.now() - started) / 1000;
            };
            const full = await build();
            await importExport({ lake, inputs: [hourFile] });
            const added = await build();
            const size = streams.toLocaleString('en-US');
            figures.push(
              { figure: `${name}: full transform, ${size} streams`, value: full, unit: 's' },
              {
                figure: `${name}: after an hour of plays, ${size} streams`,
                value: added,
                unit: 's',
              },
            );
          } finally {
            await engine.close();
            warehouse.close();
          }
        }
      }
    } finally {
      await server.stop();
    }
    return figures;
  },
};
