import { spawnSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packagedModelsDir } from '../config/settings.js';
import { FsLake } from '../lake/drivers/fs.js';
import { newLoadId } from '../lake/load-id.js';
import { Warehouse } from '../warehouse/engine.js';
import { loadModels } from '../warehouse/models.js';
import { buildModels } from '../warehouse/runner.js';
import { writeSyntheticExtendedExport } from './export-generator.js';
import { measureExportMemory } from './export-rss.js';
import type { Benchmark } from './types.js';

const STREAMS = Number(process.env.BENCH_IMPORT_STREAMS ?? 500_000);

/**
 * `wrapped import` of a generated extended export (500,000 streams by default, in files of
 * 33,000 like Spotify's; BENCH_IMPORT_STREAMS=1400000 makes about 1 GB), the full transform of
 * it, and the memory of handing the plays out again. DuckDB alone doing the same essential
 * work is timed by the floor bench (floor.ts); this one has no ratio, since a bare read and
 * aggregate of the files does far less than the product and a ratio against it says nothing.
 */
export const importBenchmark: Benchmark = {
  name: 'import export',
  async run(dir) {
    const exportDir = join(dir, 'export');
    const { files, bytes } = await writeSyntheticExtendedExport(exportDir, STREAMS);
    const result = importInChild(join(dir, 'lake'), exportDir);
    if (!result.ok || result.records !== STREAMS)
      throw new Error(`imported ${result.records} of ${STREAMS} records`);

    // The full transform of what was imported, with the product's models.
    const lake = new FsLake(join(dir, 'lake'));
    const built = await Warehouse.open({ file: join(dir, 'warehouse.duckdb'), timezone: 'UTC' });
    let transformSeconds: number;
    try {
      const started = performance.now();
      await buildModels({
        warehouse: built,
        lake,
        models: loadModels(packagedModelsDir()),
        loadId: newLoadId(),
      });
      transformSeconds = (performance.now() - started) / 1000;
      const { rows } = await built.query('SELECT count(*) AS n FROM silver.fct_play');
      if (rows[0]?.n !== STREAMS)
        throw new Error(`fct_play has ${rows[0]?.n} rows, expected ${STREAMS}`);
    } finally {
      built.close();
    }

    // Handing the plays out again: `wrapped export` to CSV and JSON, and a dashboard download.
    await mkdir(join(dir, 'home'), { recursive: true });
    const memory = await measureExportMemory(
      {
        PATH: process.env.PATH,
        WRAPPED_HOME: join(dir, 'home'),
        WRAPPED_LAKE: join(dir, 'lake'),
        WRAPPED_TIMEZONE: 'UTC',
      },
      'silver.fct_play',
      join(dir, 'plays'),
    );
    // One record of 300 MB (a hostile file): refused without being held whole.
    const huge = join(dir, 'huge', 'Streaming_History_Audio_2024.json');
    await mkdir(join(dir, 'huge'), { recursive: true });
    await writeFile(
      huge,
      `[{"ts": "2024-01-01T00:00:00Z", "ms_played": 1, "episode_name": "${'x'.repeat(300 * 1024 * 1024)}"}]`,
    );
    const hugeResult = importInChild(join(dir, 'huge-lake'), huge);
    if (hugeResult.ok || hugeResult.failed !== 1)
      throw new Error('the 300 MB record was not refused');
    await rm(join(dir, 'huge'), { recursive: true, force: true });
    const mb = bytes / 1024 / 1024;
    return [
      { figure: `generated export: ${files.length} files`, value: mb, unit: 'MB' },
      {
        figure: `import ${STREAMS.toLocaleString('en-US')} streams (check + land)`,
        value: result.seconds,
        unit: 's',
      },
      { figure: 'import speed', value: result.records / result.seconds, unit: 'records/s' },
      { figure: 'import peak RSS', value: result.max_rss_bytes / 1024 / 1024, unit: 'MB' },
      {
        figure: 'import of one 300 MB record (refused): peak RSS',
        value: hugeResult.max_rss_bytes / 1024 / 1024,
        unit: 'MB',
      },
      {
        figure: 'wrapped export silver.fct_play to CSV: peak RSS',
        value: memory.csv_mb,
        unit: 'MB',
      },
      {
        figure: 'wrapped export silver.fct_play to JSON: peak RSS',
        value: memory.json_mb,
        unit: 'MB',
      },
      { figure: 'wrapped serve over these tables: peak RSS', value: memory.serve_mb, unit: 'MB' },
      {
        figure: `the same after a CSV download of the plays (${Math.round(memory.download_bytes / 1024 / 1024)} MB)`,
        value: memory.download_mb,
        unit: 'MB',
      },
      { figure: 'full transform of the import (all models)', value: transformSeconds, unit: 's' },
    ];
  },
};

interface ChildImport {
  ok: boolean;
  seconds: number;
  records: number;
  failed: number;
  max_rss_bytes: number;
}

/** `wrapped import` of one input in a process of its own, for its peak RSS. */
function importInChild(lake: string, input: string): ChildImport {
  const child = spawnSync(
    process.execPath,
    [fileURLToPath(new URL('./import-child.js', import.meta.url)), lake, input],
    { encoding: 'utf8', maxBuffer: 1024 * 1024 },
  );
  if (child.status !== 0) throw new Error(`import failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as ChildImport;
}
