/// <reference lib="dom" />
/**
 * The dashboard's Wrapped page in a real browser (Chromium) on a real export that holds
 * Spotify's own Wrapped (account-2025-wrapped): Spotify's figures beside ours, each difference
 * with its reason, at desktop and phone width, with no console error. The screenshot is the one
 * in the README (docs/wrapped-spotify.png is refreshed from artifacts/screenshots/).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { loadConfig } from '../../src/config/load.js';
import { FsLake } from '../../src/lake/drivers/fs.js';
import { type RunningServer, startServer } from '../../src/server/app.js';
import { launchChromium, noChromium } from '../support/browser.js';
import { REPO, wrapped } from '../support/helpers.js';

const SHOTS = join(REPO, 'artifacts', 'screenshots');
const SAMPLE = join(REPO, '..', 'shared', 'samples', 'account-2025-wrapped');
const skip = noChromium;

describe("the Wrapped page: Spotify's own figures beside ours", { skip }, () => {
  let home: string;
  let server: RunningServer;
  let browser: Browser;

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'wrapped-dash-spotify-'));
    const env = { WRAPPED_HOME: home, WRAPPED_TIMEZONE: 'UTC' };
    for (const args of [['import', SAMPLE], ['transform']]) {
      const result = await wrapped(args, { env });
      assert.equal(result.code, 0, result.stderr);
    }
    server = await startServer({
      config: loadConfig({ env, cwd: home }),
      lake: new FsLake(join(home, 'lake')),
      host: '127.0.0.1',
      port: 0,
    });
    browser = await launchChromium();
    await mkdir(SHOTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await rm(home, { recursive: true, force: true });
  });

  it('shows each difference with its reason, and what only Spotify has', async () => {
    const file = JSON.parse(
      readFileSync(join(SAMPLE, 'Spotify Account Data', 'Wrapped2025.json'), 'utf8'),
    );
    for (const width of [1280, 390]) {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await page.goto(`${server.url}#/wrapped?year=2025`);
      await page.waitForSelector('[data-testid="spotify-differences"]');
      const rows = await page
        .locator('[data-testid="spotify-differences"] tbody tr')
        .evaluateAll((trs) =>
          trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? '')),
        );
      const minutes = rows.find((r) => r[0] === 'Minutes');
      const spotifyMinutes = Math.round(file.yearlyMetrics.totalMsListened / 60000);
      assert.equal(minutes?.[1], spotifyMinutes.toLocaleString('en-US'));
      assert.match(minutes?.[3] ?? '', /Spotify counts from 1 January; your history here starts/);
      const side = (await page.locator('[data-testid="spotify-side"]').textContent()) ?? '';
      assert.match(side, new RegExp(file.clubs.userClub));
      assert.match(side, /Spotify's top songs/);
      await page.screenshot({
        path: join(SHOTS, `wrapped-spotify-${width}.png`),
        fullPage: true,
      });
      assert.deepEqual(errors, []);
      await page.close();
    }
  });

  it('the Overview shows unidentified listening on its own, as counted from the export', async () => {
    const folder = join(SAMPLE, 'Spotify Account Data');
    let ms = 0;
    for (const file of readdirSync(folder).filter((f) => f.startsWith('StreamingHistory_music_')))
      for (const r of JSON.parse(readFileSync(join(folder, file), 'utf8')) as Array<{
        endTime: string;
        artistName: string;
        trackName: string;
        msPlayed: number;
      }>)
        if (
          r.endTime.startsWith('2025') &&
          r.artistName.trim().toLowerCase() === 'unknown artist' &&
          r.trackName.trim().toLowerCase() === 'unknown track'
        )
          ms += r.msPlayed;
    assert.ok(ms > 0, 'the sample has unidentified streams in 2025');
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${server.url}#/overview?period=custom&from=2025-01-01&to=2025-12-31`);
    const kpi = page.locator('[data-testid="kpi-unidentified"] .value');
    await kpi.waitFor();
    const shown = Number(await kpi.getAttribute('data-value'));
    assert.ok(Math.abs(shown - ms / 60_000) < 0.05, `${shown} vs ${ms / 60_000}`);
    await page.close();
  });
});
