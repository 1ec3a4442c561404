#!/usr/bin/env node
// `npm run screenshots [-- --out DIR]`: the README's pictures, taken from a real build. It
// simulates a year of listening as a data export, imports it, builds the tables, serves the
// dashboard on 127.0.0.1 and photographs, in Debian's Chromium at desktop (1280 px) and phone
// (390 px) width: the Overview, the top artist's page and two slides of the Wrapped story.
// Default folder: docs/screenshots/. Nothing leaves the machine.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(REPO, 'bin', 'wrapped.js');
const CHROMIUM = '/usr/bin/chromium';
const NOW = '2026-11-24T10:00:00Z';
const WIDTHS = { desktop: { width: 1280, height: 860 }, phone: { width: 390, height: 844 } };

const outFlag = process.argv.indexOf('--out');
const out = resolve(outFlag > -1 ? process.argv[outFlag + 1] : join(REPO, 'docs', 'screenshots'));

if (!existsSync(CHROMIUM)) {
  console.error(`${CHROMIUM} is not installed: apt-get install chromium, then run this again.`);
  process.exit(2);
}
if (!existsSync(join(REPO, 'dist', 'server', 'app.js'))) {
  console.error('Build first: npm run build (npm run screenshots does it for you).');
  process.exit(2);
}

const home = await mkdtemp(join(tmpdir(), 'wrapped-screenshots-'));
const env = {
  ...process.env,
  WRAPPED_HOME: home,
  WRAPPED_TIMEZONE: 'Europe/Berlin',
  WRAPPED_NOW: NOW,
};
delete env.WRAPPED_LAKE;
let server;
let browser;
try {
  const zip = join(home, 'export.zip');
  for (const args of [
    ['simulate', 'export', '--out', zip, '--seed', 'screenshots', '--start', NOW],
    ['import', zip],
    ['transform'],
  ]) {
    process.stdout.write(`wrapped ${args.join(' ')}\n`);
    const result = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`wrapped ${args[0]} failed:\n${result.stderr}`);
  }
  const { loadConfig } = await import('../dist/config/load.js');
  const { FsLake } = await import('../dist/lake/drivers/fs.js');
  const { startServer } = await import('../dist/server/app.js');
  server = await startServer({
    config: loadConfig({ env, cwd: home }),
    lake: new FsLake(join(home, 'lake')),
    host: '127.0.0.1',
    port: 0,
    now: () => new Date(NOW),
  });
  const overview = await (await fetch(new URL('api/overview?period=all', server.url))).json();
  const artist = overview.top_artists?.[0]?.artist_name;
  if (!artist)
    throw new Error(
      `no top artist in the simulated export: ${JSON.stringify(overview).slice(0, 200)}`,
    );
  const views = {
    overview: '#/overview?period=year',
    artist: `#/artist/${encodeURIComponent(artist)}`,
    'story-minutes': '#/wrapped?year=2026&slide=minutes',
    'story-top-songs': '#/wrapped?year=2026&slide=top-songs',
  };

  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  await mkdir(out, { recursive: true });
  for (const [size, viewport] of Object.entries(WIDTHS)) {
    const page = await browser.newPage({ viewport, locale: 'en-US' });
    for (const [name, hash] of Object.entries(views)) {
      // A new hash on the same page renders again without a reload: wait for that render.
      const before = await page.evaluate(() => document.querySelector('main')?.dataset.ready ?? '');
      await page.goto(new URL(hash, server.url).href);
      await page.waitForFunction((previous) => {
        const ready = document.querySelector('main')?.dataset.ready;
        return Boolean(ready) && ready !== previous;
      }, before);
      // Charts redraw at their laid-out width: let that settle.
      await page.waitForTimeout(300);
      const file = join(out, `${name}-${size}.png`);
      await page.screenshot({ path: file });
      process.stdout.write(`${file}\n`);
    }
    await page.close();
  }
} finally {
  await browser?.close();
  await server?.close();
  await rm(home, { recursive: true, force: true });
}
