import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packagedModelsDir } from '../config/settings.js';
import { importExport } from '../importer/importer.js';
import { lastYear } from '../importer/limits.js';
import { FsLake } from '../lake/drivers/fs.js';
import { newLoadId } from '../lake/load-id.js';
import { Warehouse } from '../warehouse/engine.js';
import { loadModels } from '../warehouse/models.js';
import { buildModels } from '../warehouse/runner.js';
import { writeSyntheticExtendedExport } from './export-generator.js';
import type { Benchmark, Figure } from './types.js';

const SIZES = [10_000, 500_000];
/** "One hour of plays": this many streams, in one new file, an hour after the history ends. */
const HOUR_OF_PLAYS = 20;

/**
 * `wrapped transform` after one more hour of plays lands, at two history sizes (goal: at most
 * 2 s at 500k, and at most 1.5x the same run at 10k), beside the full transform of each.
 */
export const incrementalBenchmark: Benchmark = {
  name: 'transform incremental',
  async run(dir) {
    const figures: Omit<Figure, 'benchmark'>[] = [];
    const incremental: number[] = [];
    for (const streams of SIZES) {
      const base = join(dir, String(streams));
      const lake = new FsLake(join(base, 'lake'));
      await writeSyntheticExtendedExport(join(base, 'export'), streams);
      await importExport({ lake, inputs: [join(base, 'export')] });
      const warehouse = await Warehouse.open({
        file: join(base, 'warehouse.duckdb'),
        timezone: 'UTC',
      });
      try {
        const models = loadModels(packagedModelsDir());
        const build = async () => {
          const started = performance.now();
          await buildModels({ warehouse, lake, models, loadId: newLoadId() });
          return (performance.now() - started) / 1000;
        };
        const full = await build();
        const hourFile = await hourOfPlays(base);
        await importExport({ lake, inputs: [hourFile] });
        const added = await build();
        incremental.push(added);
        const size = streams.toLocaleString('en-US');
        figures.push(
          { figure: `full transform, ${size} streams`, value: full, unit: 's' },
          {
            figure: `transform after one more hour of plays, ${size} streams`,
            value: added,
            unit: 's',
          },
        );
      } finally {
        warehouse.close();
      }
    }
    const [small, large] = incremental as [number, number];
    figures.push({ figure: 'incremental at 500k / at 10k', value: large / small, unit: 'x' });
    return figures;
  },
};

/** A new extended-history file: the generator's first streams, moved to after the history (next year, the latest import allows). */
export async function hourOfPlays(base: string): Promise<string> {
  const folder = join(base, 'hour');
  const { files } = await writeSyntheticExtendedExport(folder, HOUR_OF_PLAYS);
  const file = files[0] as string;
  const records = JSON.parse(await readFile(file, 'utf8')) as Array<{ ts: string }>;
  const start = Date.parse(`${lastYear()}-06-01T10:00:00Z`);
  records.forEach((r, i) => {
    r.ts = new Date(start + i * 180_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  });
  await writeFile(file, JSON.stringify(records));
  return file;
}
