/**
 * `npm run bench`: measures speed on this machine and prints figures with the machine's size.
 * Tests never assert timings; this is where they are measured. Each benchmark is a function
 * returning named figures; later work adds its own (import, transform at 500k streams...).
 *
 *   npm run bench                 all benchmarks
 *   npm run bench -- lake cli     only those whose name contains one of the words
 *   npm run bench -- floor        DuckDB alone doing the essential work, beside import + full build
 *   npm run bench -- ledger       a build's read of a year of ledger entries, remembered or not
 *   npm run bench -- --json       figures as JSON on stdout
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FsLake } from '../lake/drivers/fs.js';
import { newLoadId } from '../lake/load-id.js';
import { runChecks } from '../warehouse/check-runner.js';
import { Warehouse } from '../warehouse/engine.js';
import { loadModels } from '../warehouse/models.js';
import { buildModels } from '../warehouse/runner.js';
import { dashboardBenchmark } from './dashboard.js';
import { sparkBenchmark } from './engines.js';
import { floorBenchmark } from './floor.js';
import { importBenchmark } from './import.js';
import { incrementalBenchmark } from './incremental.js';
import { ledgerBenchmark } from './ledger.js';
import type { Benchmark, Figure } from './types.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, performance.now() - start];
}

const benchmarks: Benchmark[] = [
  {
    name: 'cli startup',
    async run() {
      const times: number[] = [];
      for (let i = 0; i < 9; i++) {
        const start = performance.now();
        const result = spawnSync(process.execPath, [join(REPO, 'bin', 'wrapped.js'), '--help'], {
          stdio: 'ignore',
        });
        if (result.status !== 0) throw new Error('wrapped --help failed');
        times.push(performance.now() - start);
      }
      return [{ figure: 'wrapped --help (median of 9)', value: median(times), unit: 'ms' }];
    },
  },
  {
    name: 'lake fs',
    async run(dir) {
      const lake = new FsLake(join(dir, 'lake'));
      const body = JSON.stringify({
        items: Array.from({ length: 50 }, (_, i) => ({ i, name: `track ${i}` })),
      });
      const count = 1000;
      const [, putMs] = await timed(async () => {
        for (let i = 0; i < count; i++)
          await lake.put(`raw/spotify/bench/dt=2026-11-24/${newLoadId()}.json`, body, {
            createOnly: true,
          });
      });
      const [listed, listMs] = await timed(async () => {
        let n = 0;
        for await (const _ of lake.list('raw/spotify/bench/')) n++;
        return n;
      });
      if (listed !== count) throw new Error(`listed ${listed} of ${count}`);
      const mib = 256;
      const chunk = Buffer.alloc(1024 * 1024, 97);
      const [, bigMs] = await timed(() =>
        lake.put(
          'raw/export/bench/big.json',
          (async function* () {
            for (let i = 0; i < mib; i++) yield chunk;
          })(),
        ),
      );
      return [
        {
          figure: `durable create-only put, ${count} small files`,
          value: count / (putMs / 1000),
          unit: 'files/s',
        },
        { figure: `list ${count} files`, value: listMs, unit: 'ms' },
        { figure: `streamed put of ${mib} MiB`, value: mib / (bigMs / 1000), unit: 'MiB/s' },
      ];
    },
  },
  {
    name: 'warehouse small models',
    async run(dir) {
      const lake = new FsLake(join(dir, 'lake'));
      const plays = 200_000;
      const start = Date.parse('2020-01-01T00:00:00Z');
      const rows = Array.from({ length: plays }, (_, i) => ({
        ts: new Date(start + i * 600_000).toISOString(),
        track: `Track ${i % 5000}`,
        artist: `Artist ${i % 700}`,
        ms: (i * 7919) % 300_000,
      }));
      await lake.put('raw/test/plays/bench.json', JSON.stringify(rows));
      const warehouse = await Warehouse.open({
        file: join(dir, 'warehouse.duckdb'),
        timezone: 'Europe/Berlin',
      });
      try {
        const models = loadModels(join(REPO, 'test', 'fixtures', 'models-small'));
        const [, buildMs] = await timed(() =>
          buildModels({ warehouse, lake, models, loadId: newLoadId() }),
        );
        const [, checkMs] = await timed(() => runChecks(warehouse, models));
        return [
          {
            figure: `build 4 test models over ${plays.toLocaleString('en-US')} plays`,
            value: buildMs / 1000,
            unit: 's',
          },
          { figure: 'run their data checks', value: checkMs / 1000, unit: 's' },
        ];
      } finally {
        warehouse.close();
      }
    },
  },
  floorBenchmark,
  importBenchmark,
  incrementalBenchmark,
  ledgerBenchmark,
  dashboardBenchmark,
  {
    name: 'demo',
    async run(dir) {
      // The newcomer's first command (`npm start -- --no-serve`); the goal is 90 s here.
      const start = performance.now();
      const result = spawnSync(
        process.execPath,
        [join(REPO, 'bin', 'wrapped.js'), 'demo', '--no-serve', '--dir', join(dir, 'demo')],
        { stdio: 'ignore', env: { PATH: process.env.PATH ?? '' } },
      );
      if (result.status !== 0) throw new Error(`wrapped demo exited ${result.status}`);
      return [
        {
          figure: 'wrapped demo --no-serve (14 days hourly)',
          value: (performance.now() - start) / 1000,
          unit: 's',
        },
      ];
    },
  },
];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  // `--engine spark`: Spark's transform beside DuckDB's (it needs `wrapped engine setup spark`).
  const engineAt = args.indexOf('--engine');
  const engine = engineAt >= 0 ? args[engineAt + 1] : undefined;
  if (engine !== undefined && engine !== 'spark')
    throw new Error(
      `bench --engine takes spark (DuckDB is measured by every benchmark), not ${engine}`,
    );
  const words = args.filter((a, i) => !a.startsWith('--') && (engineAt < 0 || i !== engineAt + 1));
  const chosen =
    engine === 'spark'
      ? [sparkBenchmark]
      : benchmarks.filter((b) => words.length === 0 || words.some((w) => b.name.includes(w)));
  const machine = {
    cores: cpus().length,
    memory_gib: Math.round(totalmem() / 1024 ** 3),
    node: process.versions.node,
    cpu: cpus()[0]?.model ?? 'unknown',
  };
  const figures: Figure[] = [];
  if (!json)
    process.stdout.write(
      `machine: ${machine.cores} cores, ${machine.memory_gib} GiB, Node ${machine.node}, ${machine.cpu}\n`,
    );
  for (const bench of chosen) {
    const dir = await mkdtemp(join(tmpdir(), 'wrapped-bench-'));
    try {
      for (const f of await bench.run(dir)) {
        figures.push({ benchmark: bench.name, ...f });
        if (!json)
          process.stdout.write(
            `${bench.name.padEnd(24)} ${f.figure.padEnd(48)} ${f.value.toFixed(f.value < 10 ? 2 : 0).padStart(10)} ${f.unit}\n`,
          );
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  if (json) process.stdout.write(`${JSON.stringify({ machine, figures })}\n`);
}

await main();
