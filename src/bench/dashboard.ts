import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packagedModelsDir } from '../config/settings.js';
import { FsLake } from '../lake/drivers/fs.js';
import { newLoadId } from '../lake/load-id.js';
import { Warehouse } from '../warehouse/engine.js';
import { loadModels } from '../warehouse/models.js';
import { buildModels } from '../warehouse/runner.js';
import { writeSyntheticExtendedExport } from './export-generator.js';
import { serveInChild } from './serve-child.js';
import type { Benchmark, Figure } from './types.js';

const STREAMS = Number(process.env.BENCH_DASHBOARD_STREAMS ?? 500_000);
const CHROMIUM = '/usr/bin/chromium';

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN;
};

/** Runs in the page: the Overview finished rendering. (Typed by hand: no DOM types here.) */
function overviewReady(): boolean {
  const page = globalThis as unknown as {
    document: {
      querySelector(selector: string): { getAttribute(name: string): string | null } | null;
    };
  };
  return /^overview:/.test(page.document.querySelector('main')?.getAttribute('data-ready') ?? '');
}

/**
 * The dashboard API on a warehouse of 500,000 streams: median and p95 latency per endpoint
 * (goal: p95 <= 50 ms), and the Overview page's load in headless Chromium (goal: <= 1 s).
 */
export const dashboardBenchmark: Benchmark = {
  name: 'dashboard api',
  async run(dir) {
    const exportDir = join(dir, 'export');
    await writeSyntheticExtendedExport(exportDir, STREAMS);
    const child = spawnSync(
      process.execPath,
      [fileURLToPath(new URL('./import-child.js', import.meta.url)), join(dir, 'lake'), exportDir],
      { encoding: 'utf8', maxBuffer: 1024 * 1024 },
    );
    if (child.status !== 0) throw new Error(`import failed: ${child.stderr}`);
    const lake = new FsLake(join(dir, 'lake'));
    const built = await Warehouse.open({ file: join(dir, 'warehouse.duckdb'), timezone: 'UTC' });
    try {
      await buildModels({
        warehouse: built,
        lake,
        models: loadModels(packagedModelsDir()),
        loadId: newLoadId(),
      });
    } finally {
      built.close();
    }
    // The server in its own process, as users run it: the client's work here does not slow it.
    const server = await serveInChild({
      PATH: process.env.PATH ?? '',
      WRAPPED_HOME: dir,
      WRAPPED_TIMEZONE: 'UTC',
      SQL_DEBUG: process.env.SQL_DEBUG ?? '',
    });
    const figures: Omit<Figure, 'benchmark'>[] = [];
    try {
      const meta = (await (await fetch(`${server.url}api/meta`)).json()) as {
        years: string[];
        last_day: string;
      };
      // Periods that end on the last day with data (the generated history is not "now").
      const before = (days: number) =>
        new Date(Date.parse(meta.last_day) - days * 86_400_000).toISOString().slice(0, 10);
      const endpoints = [
        'api/meta',
        `api/overview?period=custom&from=${before(27)}&to=${meta.last_day}`,
        `api/overview?period=custom&from=${before(364)}&to=${meta.last_day}`,
        'api/overview?period=all',
        `api/wrapped?year=${meta.years.at(-1)}`,
        'api/history?page=1',
        'api/history?q=artist%2042&page=3',
        'api/library',
        'api/health',
      ];
      for (const endpoint of endpoints) {
        await fetch(`${server.url}${endpoint}`).then((r) => r.arrayBuffer()); // warm
        const times: number[] = [];
        for (let i = 0; i < 30; i++) {
          const start = performance.now();
          const response = await fetch(`${server.url}${endpoint}`);
          await response.arrayBuffer();
          if (!response.ok) throw new Error(`${endpoint} answered ${response.status}`);
          times.push(performance.now() - start);
        }
        const name = endpoint.replace(/from=[^&]+&to=[^&]+/, (range) =>
          range.includes(before(27)) ? '4 weeks' : '12 months',
        );
        figures.push(
          { figure: `${name} median`, value: percentile(times, 50), unit: 'ms' },
          { figure: `${name} p95`, value: percentile(times, 95), unit: 'ms' },
        );
      }
      if (existsSync(CHROMIUM)) {
        const { chromium } = await import('playwright-core');
        const browser = await chromium.launch({
          executablePath: CHROMIUM,
          args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
        });
        try {
          const loads: number[] = [];
          for (let i = 0; i < 5; i++) {
            const page = await browser.newPage();
            const start = performance.now();
            await page.goto(`${server.url}#/overview?period=all`);
            await page.waitForFunction(overviewReady, undefined, { polling: 10 });
            loads.push(performance.now() - start);
            await page.close();
          }
          figures.push({
            figure: 'Overview page load in Chromium (median of 5)',
            value: percentile(loads, 50),
            unit: 'ms',
          });
        } finally {
          await browser.close();
        }
      }
    } finally {
      server.close();
    }
    figures.unshift({ figure: 'streams in the warehouse', value: STREAMS, unit: 'streams' });
    return figures;
  },
};
