/// <reference lib="dom" />
/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core) on a warehouse
 * built from the simulator: every page renders without a console error at desktop and phone
 * width, with no sideways scrolling and no serious or critical axe-core finding (its count is
 * printed for the CI log), the numbers equal a `wrapped query` over gold, the period picker and the search work,
 * and a Wrapped card downloads as a PNG. Screenshots go to artifacts/screenshots/.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { loadConfig } from '../../src/config/load.js';
import { FsLake } from '../../src/lake/drivers/fs.js';
import { type RunningServer, startServer } from '../../src/server/app.js';
import { launchChromium, noChromium } from '../support/browser.js';
import { queryRows, REPO, wrapped } from '../support/helpers.js';

const SHOTS = join(REPO, 'artifacts', 'screenshots');
const require = createRequire(import.meta.url);
const NOW = '2026-11-24T10:00:00Z';
const skip = noChromium;

describe('dashboard in Chromium', { skip }, () => {
  let home: string;
  let env: Record<string, string>;
  let server: RunningServer;
  let browser: Browser;
  const query = (sql: string) => queryRows(sql, env);

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'wrapped-dash-'));
    env = { WRAPPED_HOME: home, WRAPPED_TIMEZONE: 'Europe/Berlin', WRAPPED_NOW: NOW };
    const zip = join(home, 'export.zip');
    const steps = [
      ['simulate', 'export', '--out', zip, '--seed', 'dashboard', '--start', NOW],
      ['import', zip],
      ['transform'],
    ];
    for (const args of steps) {
      const result = await wrapped(args, { env });
      assert.equal(result.code, 0, result.stderr);
    }
    const config = loadConfig({ env, cwd: home });
    server = await startServer({
      config,
      lake: new FsLake(join(home, 'lake')),
      host: '127.0.0.1',
      port: 0,
      now: () => new Date(NOW),
    });
    browser = await launchChromium();
    await mkdir(SHOTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await rm(home, { recursive: true, force: true });
  });

  /** A page that records console errors and failed requests. */
  async function open(width: number): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({
      viewport: { width, height: 900 },
      acceptDownloads: true,
      locale: 'en-US',
    });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    return { page, errors };
  }

  async function visit(page: Page, hash: string): Promise<void> {
    // Read without waiting: on a blank page there is no <main> yet.
    const before = await page.evaluate(
      () => document.querySelector('main')?.getAttribute('data-ready') ?? '',
    );
    await page.goto(`${server.url}${hash}`);
    await page.waitForFunction((previous) => {
      const ready = document.querySelector('main')?.getAttribute('data-ready');
      return Boolean(ready) && ready !== previous;
    }, before);
  }

  it('every page and every Wrapped story slide renders with no console error, no sideways scrolling and no serious axe finding, at 1280 and 390 px', async () => {
    const axeSource = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
    const findings: string[] = [];
    let checked = 0;
    let storySlides = 0;
    for (const width of [1280, 390]) {
      const { page, errors } = await open(width);
      // The top artist of all time has a page of its own, checked like the others.
      const [top] = await query(
        "SELECT artist_name FROM gold.agg_top_artists WHERE period = 'all' ORDER BY rank LIMIT 1",
      );
      const artistPage = `artist/${encodeURIComponent(String(top?.artist_name))}`;
      const [song] = await query(
        "SELECT track_key FROM gold.agg_top_tracks WHERE period = 'all' ORDER BY rank LIMIT 1",
      );
      const trackPage = `track/${encodeURIComponent(String(song?.track_key))}`;
      const [record] = await query(
        "SELECT album_key FROM gold.agg_top_albums WHERE period = 'all' ORDER BY rank LIMIT 1",
      );
      const albumPage = `album/${encodeURIComponent(String(record?.album_key))}`;
      const searchPage = `search?q=${encodeURIComponent(String(top?.artist_name).slice(0, 3))}`;
      const pages = [
        'overview',
        'wrapped',
        'history',
        'library',
        'health',
        'household',
        artistPage,
        trackPage,
        albumPage,
        searchPage,
      ];
      /** What every view must show: a heading, no error, a listener's words, no overflow, no axe finding. */
      const check = async (name: string, shot: string) => {
        assert.ok(
          (await page.locator('h1, h2').first().textContent())?.length,
          `${name} has a heading`,
        );
        assert.equal(await page.locator('.error').count(), 0, `${name} shows no error`);
        await page.screenshot({ path: join(SHOTS, `${shot}-${width}.png`), fullPage: true });
        // A listener's words: no table name and no machine timestamp on the page.
        // biome-ignore lint/performance/useDomNodeTextContent: what is shown, not hidden text
        const text = await page.evaluate(() => document.body.innerText);
        assert.doesNotMatch(text, /\b(?:bronze|silver|gold)\.[a-z_]+/, `${name} names a table`);
        assert.doesNotMatch(text, /\d{4}-\d\d-\d\d[T ]\d\d:\d\d/, `${name} shows a timestamp`);
        // Nothing wider than the screen: wide tables and calendars scroll inside themselves.
        const wide = await page.evaluate(() =>
          Math.max(
            document.documentElement.scrollWidth,
            ...Array.from(document.querySelectorAll('.story-stage')).map(
              (el) => el.scrollWidth - el.clientWidth + window.innerWidth,
            ),
          ),
        );
        assert.ok(wide <= width, `${name} at ${width} px is ${wide} px wide`);
        // Through the debugger, as the page's Content-Security-Policy allows no injected script.
        await page.evaluate(axeSource);
        const violations = await page.evaluate(async () => {
          const result = await (
            window as unknown as {
              axe: {
                run: () => Promise<{
                  violations: Array<{ id: string; impact: string; nodes: unknown[] }>;
                }>;
              };
            }
          ).axe.run();
          return result.violations
            .filter((v) => v.impact === 'serious' || v.impact === 'critical')
            .map(
              (v) =>
                `${v.id} (${v.impact}): ${JSON.stringify(v.nodes.slice(0, 3).map((n) => (n as { target: unknown }).target))}`,
            );
        });
        for (const v of violations) findings.push(`${name} at ${width} px: ${v}`);
        checked++;
      };
      for (const name of pages) {
        await visit(page, `#/${name}`);
        await check(name, name.split(/[/?]/)[0] as string);
      }
      // Every slide of the Wrapped story, walked through with the keyboard.
      await visit(page, '#/wrapped?slide=intro');
      for (;;) {
        const slide = String(
          await page.locator('[data-testid="story"]').getAttribute('data-slide'),
        );
        await check(`story slide ${slide}`, `story-${slide}`);
        storySlides++;
        if (await page.locator('.story-next').isDisabled()) break;
        await page.keyboard.press('ArrowRight');
        await page.waitForFunction(
          (before) =>
            document.querySelector('[data-testid="story"]')?.getAttribute('data-slide') !== before,
          slide,
        );
      }
      assert.deepEqual(errors, []);
      await page.close();
    }
    console.log(
      `dashboard: ${checked} page views checked by axe-core (${storySlides} of them Wrapped story slides), ${findings.length} serious or critical findings`,
    );
    assert.deepEqual(findings, []);
  });

  it('the numbers for a chosen period equal a wrapped query over gold', async () => {
    const { page, errors } = await open(1280);
    // ISO week 46 of 2026, Monday 9 to Sunday 15 November, as a custom period.
    await visit(page, '#/overview?period=custom&from=2026-11-09&to=2026-11-15&metric=plays');
    const value = async (id: string) =>
      Number(await page.locator(`[data-testid="kpi-${id}"] .value`).getAttribute('data-value'));
    const [gold] = await query(
      "SELECT round(sum(minutes), 2) AS minutes, sum(plays)::INTEGER AS plays FROM gold.agg_daily_listening WHERE day BETWEEN DATE '2026-11-09' AND DATE '2026-11-15'",
    );
    assert.equal(await value('minutes'), gold?.minutes);
    assert.equal(await value('plays'), gold?.plays);
    const shown = await page
      .locator('[data-testid="top-artists"] li')
      .evaluateAll((items) =>
        items.map((li) => [
          li.querySelector('.name')?.textContent,
          Number(li.getAttribute('data-plays')),
        ]),
      );
    const weekly = await query(
      "SELECT artist_name, plays FROM gold.agg_top_artists WHERE period = '2026-W46' AND rank <= 10 ORDER BY rank",
    );
    assert.deepEqual(
      shown,
      weekly.map((r) => [r.artist_name, r.plays]),
    );
    // The comparison with the same days a year earlier: a chart with a legend, and its figures
    // (this period, a year earlier) day by day, as gold holds them; a day with no play is 0.
    const comparison = page.locator('[data-testid="year-before"]');
    // Drawn once laid out, at its width.
    await comparison.locator('svg.plot').waitFor();
    assert.equal(await comparison.locator('svg.plot').count(), 1);
    assert.deepEqual(await comparison.locator('.legend li').allTextContents(), [
      'This period',
      'A year earlier',
    ]);
    const figures = await comparison.locator('.chart-data tbody tr').evaluateAll((rows) =>
      rows.map((tr) =>
        Array.from(tr.querySelectorAll('td'))
          .slice(1)
          .map((td) => Number(td.textContent?.split(' ')[0]?.replaceAll(',', ''))),
      ),
    );
    const daily = async (from: string) => {
      const rows = await query(
        `SELECT CAST(day AS VARCHAR) AS day, plays FROM gold.agg_daily_listening WHERE day BETWEEN DATE '${from}' AND DATE '${from}' + 6`,
      );
      return Array.from({ length: 7 }, (_, i) => {
        const day = new Date(Date.parse(`${from}T00:00:00Z`) + i * 86_400_000)
          .toISOString()
          .slice(0, 10);
        return Number(rows.find((r) => r.day === day)?.plays ?? 0);
      });
    };
    const [now, before] = [await daily('2026-11-09'), await daily('2025-11-09')];
    assert.ok(
      before.some((n) => n > 0),
      'the simulated history reaches a year back',
    );
    assert.deepEqual(
      figures,
      now.map((n, i) => [n, before[i]]),
    );
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('the period picker and the search work', async () => {
    const { page, errors } = await open(1280);
    await visit(page, '#/overview');
    // Shown in words ("Oct 28, 2026 – Nov 24, 2026"); the days themselves ride along as data.
    const period = page.getByTestId('period');
    assert.deepEqual(
      [await period.getAttribute('data-from'), await period.getAttribute('data-to')],
      ['2026-10-28', '2026-11-24'],
    );
    assert.equal(await period.textContent(), 'Oct 28, 2026 – Nov 24, 2026');
    await page.selectOption('#period', 'week');
    await page.waitForFunction(() => location.hash.includes('period=week'));
    await page.waitForFunction(
      () =>
        /^overview:/.test(document.querySelector('main')?.getAttribute('data-ready') ?? '') &&
        document.querySelector('[data-testid="period"]')?.getAttribute('data-from') ===
          '2026-11-23',
    );
    await page.selectOption('#period', 'custom');
    await page.fill('#from', '2026-01-01');
    await page.fill('#to', '2026-01-31');
    await page.click('#apply');
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid="period"]')?.getAttribute('data-from') ===
          '2026-01-01' &&
        document.querySelector('[data-testid="period"]')?.getAttribute('data-to') === '2026-01-31',
    );
    const [january] = await query(
      "SELECT sum(plays)::INTEGER AS plays FROM gold.agg_daily_listening WHERE day BETWEEN DATE '2026-01-01' AND DATE '2026-01-31'",
    );
    assert.equal(
      Number(await page.locator('[data-testid="kpi-plays"] .value').getAttribute('data-value')),
      january?.plays,
    );

    // Search: the count equals the same search over silver; a hostile string finds nothing.
    await visit(page, '#/history');
    const [{ artist } = {}] = await query(
      "SELECT artist_name AS artist FROM gold.agg_top_artists WHERE period = 'all' AND rank = 3",
    );
    const word = String(artist).split(' ')[0] as string;
    await page.fill('#q', word);
    await page.press('#q', 'Enter');
    await page.waitForFunction((w) => location.hash.includes(`q=${encodeURIComponent(w)}`), word);
    await page.waitForFunction(() =>
      /^history:/.test(document.querySelector('main')?.getAttribute('data-ready') ?? ''),
    );
    const [count] = await query(
      `SELECT count(*)::INTEGER AS n FROM silver.fct_play WHERE concat_ws(' ', track_name, artist_name, album_name, show_name, episode_name) ILIKE '%${word.replaceAll("'", "''")}%'`,
    );
    assert.match(
      (await page.getByTestId('history-total').textContent()) ?? '',
      new RegExp(`^${Number(count?.n).toLocaleString('en-US')} streams`),
    );
    await page.fill('#q', "'; drop table x; --");
    await page.press('#q', 'Enter');
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="history-total"]')?.textContent?.startsWith('0 streams'),
    );
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('works with the keyboard alone', async () => {
    const { page, errors } = await open(1280);
    await visit(page, '#/overview');
    // Tab from the top: the skip link, then the pages in order.
    const focused = async () => page.evaluate(() => document.activeElement?.textContent ?? '');
    await page.keyboard.press('Tab');
    assert.equal(await focused(), 'Skip to content');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    assert.equal(await focused(), 'Wrapped');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() =>
      /^wrapped:/.test(document.querySelector('main')?.getAttribute('data-ready') ?? ''),
    );
    // The year picker and the PNG buttons are reachable and labelled.
    assert.equal(await page.locator('label:has(#year)').count(), 1);
    assert.ok((await page.locator('[data-card] button').count()) >= 8);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('a change is a percentage only against a period with enough to compare', async () => {
    const { page, errors } = await open(1280);
    const response = await fetch(new URL('/api/meta', server.url));
    const meta = (await response.json()) as { first_day: string };
    assert.ok(meta.first_day, JSON.stringify(meta));
    const week = new Date(Date.parse(meta.first_day) + 6 * 86_400_000).toISOString().slice(0, 10);
    // The first week of the history: the week before it holds nothing.
    await visit(page, `#/overview?period=custom&from=${meta.first_day}&to=${week}&metric=plays`);
    const minutes = await page.locator('[data-testid="kpi-minutes"] .change').textContent();
    assert.equal(minutes, 'new this period');
    // Ten days from the second day: the ten days before hold only the first day, less than a
    // fifth of these, so the change says what they held.
    const day = (n: number) =>
      new Date(Date.parse(meta.first_day) + n * 86_400_000).toISOString().slice(0, 10);
    await visit(page, `#/overview?period=custom&from=${day(1)}&to=${day(10)}&metric=plays`);
    assert.match(
      (await page.locator('[data-testid="kpi-plays"] .change').textContent()) ?? '',
      /^up from [\d,]+ the period before$/,
    );
    // A month against the month before, both full of listening: a percentage.
    await visit(page, '#/overview?period=custom&from=2026-10-01&to=2026-10-31&metric=plays');
    assert.match(
      (await page.locator('[data-testid="kpi-plays"] .change').textContent()) ?? '',
      /^[▲▼] \d+% vs previous period$/,
    );
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('a top artist leads to its page and on to its top song, whose plays equal a count of the plays, and back', async () => {
    const { page, errors } = await open(1280);
    await visit(page, '#/overview?period=all');
    const link = page.locator('[data-testid="top-artists"] a.name').first();
    const name = (await link.textContent()) ?? '';
    assert.ok(name.length > 0);
    await link.click();
    await page.waitForFunction(() =>
      /^artist:/.test(document.querySelector('main')?.getAttribute('data-ready') ?? ''),
    );
    assert.equal(await page.getByTestId('artist-name').textContent(), name);
    // Counted here from silver's plays (30 s or more), not from the gold table the page reads.
    const [counted] = await query(
      `SELECT count(*) AS n FROM silver.fct_play WHERE content_type = 'track' AND counts_as_play AND artist_name = '${name.replaceAll("'", "''")}'`,
    );
    assert.equal(
      await page.locator('[data-testid="artist-plays"] .value').getAttribute('data-value'),
      String(counted?.n),
    );
    assert.ok((await page.locator('[data-testid="artist-tracks"] li').count()) > 0);

    // Its plays by year, as the chart's table lists them, equal a count per local year; by
    // week they add up to the same plays.
    const overTime = page.getByTestId('over-time');
    const tableRows = () =>
      overTime
        .locator('tbody tr')
        .evaluateAll((rows) =>
          rows.map((r) => Array.from(r.querySelectorAll('td'), (td) => td.textContent ?? '')),
        );
    await overTime.locator('button[data-by="year"]').click();
    const byYear = await query(
      `SELECT strftime(timezone('Europe/Berlin', ended_at), '%Y') AS year,
         count(*) FILTER (WHERE counts_as_play) AS n
       FROM silver.fct_play WHERE content_type = 'track' AND track_name IS NOT NULL
         AND artist_name = '${name.replaceAll("'", "''")}' GROUP BY year ORDER BY year`,
    );
    assert.deepEqual(
      (await tableRows()).map(([year, , plays]) => [year, Number(plays?.replaceAll(',', ''))]),
      byYear.map((r) => [r.year, Number(r.n)]),
    );
    await overTime.locator('button[data-by="week"]').click();
    const weeks = await tableRows();
    assert.match(String(weeks[0]?.[0]), /^Week of /);
    assert.equal(
      weeks.reduce((sum, [, , plays]) => sum + Number(plays?.replaceAll(',', '')), 0),
      Number(counted?.n),
    );

    // On to the artist's top song, whose plays are counted the same way, and back.
    const songLink = page.locator('[data-testid="artist-tracks"] a.name').first();
    const songHref = (await songLink.getAttribute('href')) ?? '';
    await songLink.click();
    await page.waitForFunction(() =>
      /^track:/.test(document.querySelector('main')?.getAttribute('data-ready') ?? ''),
    );
    const key = decodeURIComponent(songHref.replace('#/track/', ''));
    const [songPlays] = await query(
      `SELECT count(*) AS n FROM silver.fct_play WHERE counts_as_play AND track_key = '${key.replaceAll("'", "''")}'`,
    );
    assert.equal(
      await page.locator('[data-testid="track-plays"] .value').getAttribute('data-value'),
      String(songPlays?.n),
    );
    // The song names its artist and its album, each a link to its page.
    const by = page.locator('[data-testid="track-by"] a');
    assert.equal(await by.first().textContent(), name);
    assert.match(String(await by.nth(1).getAttribute('href')), /^#\/album\//);
    await page.getByText('← Back').click();
    await page.waitForFunction(() =>
      /^artist:/.test(document.querySelector('main')?.getAttribute('data-ready') ?? ''),
    );
    await page.getByText('← Back').click();
    await page.waitForFunction(() =>
      /^overview:/.test(document.querySelector('main')?.getAttribute('data-ready') ?? ''),
    );
    assert.match(page.url(), /#\/overview\?period=all$/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('the search box finds an artist from any page, and a top album leads to its page, whose plays equal a count of the plays', async () => {
    const { page, errors } = await open(390);
    await visit(page, '#/health');
    const [top] = await query(
      "SELECT artist_name FROM gold.agg_top_artists WHERE period = 'all' ORDER BY rank LIMIT 1",
    );
    const name = String(top?.artist_name);
    await page.locator('#search').fill(name.slice(1, 5).toUpperCase());
    await page.locator('#search').press('Enter');
    await page.waitForFunction(() =>
      /^search:/.test(document.querySelector('main')?.getAttribute('data-ready') ?? ''),
    );
    // Every name found holds the text, in any case; the most played artist comes first.
    const found = await page.locator('[data-testid="search-artists"] a.name').allTextContents();
    assert.ok(found.includes(name), `${name} is among ${found.join(', ')}`);
    for (const n of found) assert.ok(n.toLowerCase().includes(name.slice(1, 5).toLowerCase()));
    await page.locator('[data-testid="search-artists"] a.name', { hasText: name }).first().click();
    await page.waitForFunction(() =>
      /^artist:/.test(document.querySelector('main')?.getAttribute('data-ready') ?? ''),
    );
    assert.equal(await page.getByTestId('artist-name').textContent(), name);

    await visit(page, '#/overview?period=all');
    const albumLink = page.locator('[data-testid="top-albums"] a.name').first();
    const albumHref = (await albumLink.getAttribute('href')) ?? '';
    await albumLink.click();
    await page.waitForFunction(() =>
      /^album:/.test(document.querySelector('main')?.getAttribute('data-ready') ?? ''),
    );
    const key = decodeURIComponent(albumHref.replace('#/album/', ''));
    // Counted here from silver's plays of named songs (30 s or more), not from gold.
    const [counted] = await query(
      `SELECT count(*) AS n FROM silver.fct_play WHERE content_type = 'track' AND counts_as_play AND track_name IS NOT NULL AND album_key = '${key.replaceAll("'", "''")}'`,
    );
    assert.equal(
      await page.locator('[data-testid="album-plays"] .value').getAttribute('data-value'),
      String(counted?.n),
    );
    assert.ok((await page.locator('[data-testid="album-tracks"] li').count()) > 0);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('a Wrapped for any days: picked on the page, told as a story, its minutes counted from the plays of those days', async () => {
    const { page, errors } = await open(1280);
    await visit(page, '#/wrapped?year=2026');
    await page.locator('#wrapped-from').fill('2026-06-01');
    await page.locator('#wrapped-to').fill('2026-08-31');
    await page.getByRole('button', { name: 'Show those days' }).click();
    await page.waitForFunction(() => /from=2026-06-01&to=2026-08-31/.test(location.hash));
    await page.waitForFunction(() =>
      /^wrapped:/.test(document.querySelector('main')?.getAttribute('data-ready') ?? ''),
    );
    assert.match((await page.locator('h1').textContent()) ?? '', /^Your Wrapped, .+2026.+2026$/);
    // Counted here from silver's plays of those local days, not from the recap's own SQL.
    const [music] = await query(
      `SELECT round(sum(ms_played) / 60000.0) AS minutes FROM silver.fct_play
       WHERE content_type = 'track'
         AND CAST(timezone('Europe/Berlin', ended_at) AS DATE) BETWEEN DATE '2026-06-01' AND DATE '2026-08-31'`,
    );
    await page.locator('[data-testid="play-story"]').click();
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid="story"]')?.getAttribute('data-slide') === 'minutes',
    );
    assert.equal(
      await page.locator('.slide .big').textContent(),
      `${Number(music?.minutes).toLocaleString('en-US')} minutes`,
    );
    assert.match(page.url(), /#\/wrapped\?from=2026-06-01&to=2026-08-31&slide=minutes$/);
    // Spotify's own Wrapped is of a year: none beside a span of days.
    assert.equal(await page.locator('[data-testid="spotify-none"]').count(), 0);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it("a Wrapped card's names lead to their pages, and a card downloads as a PNG", async () => {
    const { page, errors } = await open(1280);
    await visit(page, '#/wrapped?year=2026');
    // The second song of the year's top songs, as ranked in gold, leads to its page.
    const [second] = await query(
      "SELECT track_key, track_name FROM gold.agg_top_tracks WHERE period = '2026' ORDER BY rank LIMIT 1 OFFSET 1",
    );
    const songLink = page.locator('[data-card="top-songs"] [data-line] a').nth(2);
    assert.equal(
      await songLink.getAttribute('href'),
      `#/track/${encodeURIComponent(String(second?.track_key))}`,
    );
    await songLink.click();
    await page.waitForFunction(() =>
      /^track:/.test(document.querySelector('main')?.getAttribute('data-ready') ?? ''),
    );
    assert.equal(await page.getByTestId('track-name').textContent(), second?.track_name);
    await page.getByText('← Back').click();
    await page.waitForFunction(() =>
      /^wrapped:/.test(document.querySelector('main')?.getAttribute('data-ready') ?? ''),
    );
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-card="minutes"] button').click(),
    ]);
    assert.equal(download.suggestedFilename(), 'wrapped-2026-minutes.png');
    const file = join(home, 'card.png');
    await download.saveAs(file);
    const png = await readFile(file);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.ok(png.length > 10_000, `a real picture (${png.length} bytes)`);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('the Wrapped story moves by keyboard, click and swipe, keeps its slide in the address, and saves a slide as a PNG', async () => {
    const { page, errors } = await open(390);
    const story = page.locator('[data-testid="story"]');
    const slideIs = (id: string) =>
      page.waitForFunction(
        (want) =>
          document.querySelector('[data-testid="story"]')?.getAttribute('data-slide') === want,
        id,
      );
    await visit(page, '#/wrapped?year=2026');
    await page.locator('[data-testid="play-story"]').click();
    await slideIs('intro');
    assert.ok(
      await story.evaluate((el) => el.contains(document.activeElement)),
      'focus is in the story',
    );
    await page.keyboard.press('ArrowRight');
    await slideIs('minutes');
    assert.match(page.url(), /#\/wrapped\?year=2026&slide=minutes$/);
    // The one figure of the slide is the year's minutes, as gold holds them.
    const [year] = await query("SELECT minutes FROM gold.wrapped_year WHERE year = '2026'");
    assert.equal(
      await page.locator('.slide .big').textContent(),
      `${Number(year?.minutes).toLocaleString('en-US', { maximumFractionDigits: 0 })} minutes`,
    );
    // A tap on the right goes on, on the left third goes back; a swipe to the left goes on.
    const box = await page.locator('.story-stage').boundingBox();
    assert.ok(box);
    const middle = box.y + box.height / 2;
    await page.mouse.click(box.x + box.width * 0.8, middle);
    await slideIs('top-artist');
    await page.mouse.click(box.x + box.width * 0.1, middle);
    await slideIs('minutes');
    await page.mouse.move(box.x + box.width * 0.8, middle);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.2, middle, { steps: 5 });
    await page.mouse.up();
    await slideIs('top-artist');
    await page.keyboard.press('End');
    await slideIs('outro');
    await page.keyboard.press('Home');
    await slideIs('intro');
    // Each slide saves as a PNG card named after it.
    await page.keyboard.press('ArrowRight');
    await slideIs('minutes');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('.story-save').click(),
    ]);
    assert.equal(download.suggestedFilename(), 'wrapped-2026-minutes.png');
    const file = join(home, 'slide.png');
    await download.saveAs(file);
    const png = await readFile(file);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    // Escape leaves the story, and the address no longer names a slide.
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('[data-testid="story"]'));
    assert.match(page.url(), /#\/wrapped\?year=2026$/);
    // The listening clock, opened from its address: 24 bars, and their figures behind a toggle
    // add up to the year's minutes in gold's hourly table.
    await visit(page, '#/wrapped?year=2026&slide=clock');
    await slideIs('clock');
    assert.equal(await page.locator('.clock-chart rect').count(), 24);
    await page.locator('.chart-data summary').click();
    const cells = await page
      .locator('.chart-data tbody tr td:nth-child(2)')
      .evaluateAll((tds) => tds.map((td) => Number(td.textContent?.replaceAll(',', ''))));
    assert.equal(cells.length, 24);
    const [hourly] = await query(
      'SELECT sum(ms_played) / 60000.0 AS minutes FROM gold.agg_hourly_listening WHERE year(day) = 2026',
    );
    const shown = cells.reduce((a, b) => a + b, 0);
    // Each hour is shown to the minute: 24 roundings of at most half a minute.
    assert.ok(
      Math.abs(shown - Number(hourly?.minutes)) <= 12,
      `the clock shows ${shown} minutes, gold holds ${hourly?.minutes}`,
    );
    assert.deepEqual(errors, []);
    await page.close();
  });
});
