/// <reference lib="dom" />
/**
 * The dashboard of a household (test/support/household.ts: me and anna, worked out by hand):
 * each listener's pages show their own figures; with tokens, a listener's token shows their
 * pages and the household page and nothing of another's; the Household page renders in a real
 * browser.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import { FsLake } from '../../src/lake/drivers/fs.js';
import { type RunningServer, startServer } from '../../src/server/app.js';
import { launchChromium, noChromium } from '../support/browser.js';
import { wrapped } from '../support/helpers.js';
import { householdHome } from '../support/household.js';

describe('the dashboard of a household', () => {
  let home: string;
  let env: Record<string, string>;
  let server: RunningServer;
  before(async () => {
    ({ home, env } = await householdHome(await mkdtemp(join(tmpdir(), 'wrapped-household-'))));
    server = await startServer({
      config: loadConfig({ env, cwd: home }),
      lake: new FsLake(join(home, 'lake')),
      host: '127.0.0.1',
      port: 0,
      now: () => new Date('2026-03-10T12:00:00Z'),
    });
  });
  after(async () => {
    await server?.close();
    await rm(home, { recursive: true, force: true });
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(new URL(path, server.url), { headers, redirect: 'manual' });
  const minutesOf = async (headers: Record<string, string> = {}) => {
    const response = await get('/api/overview?period=all', headers);
    assert.equal(response.status, 200, await response.clone().text());
    return Number((await response.json()).totals.minutes);
  };

  it("open on loopback: me's pages by default, anna's once she is chosen, and the household page from either side", async () => {
    const meta = await (await get('/api/meta')).json();
    assert.equal(meta.listener, 'me');
    assert.deepEqual(
      meta.listeners.map((l: { id: string }) => l.id),
      ['me', 'anna'],
    );
    assert.equal(await minutesOf(), 13);
    const chosen = await get('/?listener=anna');
    assert.equal(chosen.status, 303);
    const cookie = String(chosen.headers.get('set-cookie')).split(';')[0] as string;
    assert.equal(cookie, 'wrapped_listener=anna');
    assert.equal(await minutesOf({ cookie }), 16);
    assert.equal((await get('/?listener=zed')).status, 404);

    const mine = await (await get('/api/household')).json();
    assert.equal(mine.with, 'anna');
    assert.equal(mine.comparison.affinity, 0.5288);
    assert.deepEqual(mine.others, [{ id: 'anna', display_name: null, affinity: 0.5288 }]);
    const hers = await (await get('/api/household', { cookie })).json();
    assert.equal(hers.comparison.a.listener, 'anna');
    assert.equal(hers.comparison.b.listener, 'me');
    assert.equal((await get('/api/household?with=anna', { cookie })).status, 400);
  });

  it("with tokens, a listener's token shows her own pages and the household's, and nothing of another's", async () => {
    const tokens: Record<string, string> = {};
    for (const listener of ['me', 'anna']) {
      const made = await wrapped(['listener', 'token', listener, '--json'], { env });
      assert.equal(made.code, 0, made.stderr);
      tokens[listener] = JSON.parse(made.stdout).token;
    }
    // The registry keeps digests only.
    const registry = await (await import('node:fs/promises')).readFile(
      join(home, 'lake', '_state', 'listeners.json'),
      'utf8',
    );
    for (const token of Object.values(tokens)) assert.ok(!registry.includes(token));
    // The server reads the registry again within 5 s.
    await new Promise((resolve) => setTimeout(resolve, 5500));
    assert.equal((await get('/api/overview?period=all')).status, 401);
    const anna = { authorization: `Bearer ${tokens.anna}` };
    assert.equal(await minutesOf(anna), 16);
    assert.equal(await minutesOf({ authorization: `Bearer ${tokens.me}` }), 13);
    // Her token cannot ask for another listener's pages, nor carry her off to them.
    assert.equal((await get('/?listener=me', anna)).status, 403);
    const chose = await get('/api/overview?period=all', {
      ...anna,
      cookie: 'wrapped_listener=me',
    });
    assert.equal(Number((await chose.json()).totals.minutes), 16);
    // Her downloads hold her plays only (4 streams), and say nothing of whose they are.
    const csv = await (await get('/api/download/silver.fct_play.csv', anna)).text();
    const [header, ...rows] = csv.trim().split('\r\n');
    assert.equal(rows.length, 4);
    assert.doesNotMatch(header ?? '', /listener_id/);
    assert.ok(
      rows.every((r) => !r.includes('Artist C')),
      'no play of me',
    );
    // The Health page lists her coverage gaps, not another's (they say when he listened).
    const gaps = join(home, 'lake', '_state', 'gaps');
    await mkdir(gaps, { recursive: true });
    for (const [id, listener] of [
      ['gap-me', undefined],
      ['gap-anna', 'anna'],
    ])
      await writeFile(
        join(gaps, `${id}.json`),
        JSON.stringify({
          id,
          source: 'recently_played',
          ...(listener ? { listener_id: listener } : {}),
          from: '2026-03-01T10:00:00Z',
          to: '2026-03-01T12:00:00Z',
          detected_at: '2026-03-01T13:00:00Z',
          reason: 'test',
        }),
      );
    const seen = async (headers: Record<string, string>) =>
      ((await (await get('/api/health', headers)).json()).gaps as Array<{ id: string }>).map(
        (g) => g.id,
      );
    assert.deepEqual(await seen(anna), ['gap-anna']);
    assert.deepEqual(await seen({ authorization: `Bearer ${tokens.me}` }), ['gap-me']);
    // The household page, from her side.
    const household = await (await get('/api/household', anna)).json();
    assert.equal(household.comparison.a.listener, 'anna');
    assert.equal(household.comparison.affinity, 0.5288);
    // A token opened once in the address becomes a cookie, and leaves the address.
    const opened = await get(`/?token=${tokens.anna}`);
    assert.equal(opened.status, 303);
    assert.doesNotMatch(String(opened.headers.get('location')), /token/);
  });

  it('the Household page renders in Chromium: affinity, shared artists, two clocks', {
    skip: noChromium,
  }, async () => {
    const browser = await launchChromium();
    try {
      // Tokens are set by now: anna's opens her view.
      const made = await wrapped(['listener', 'token', 'anna', '--json'], { env });
      const token = JSON.parse(made.stdout).token;
      await new Promise((resolve) => setTimeout(resolve, 5500));
      const page = await browser.newPage({ locale: 'en-US' });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await page.goto(new URL(`/?token=${token}#/household`, server.url).toString());
      await page.waitForFunction(() =>
        document.querySelector('main')?.getAttribute('data-ready')?.startsWith('household:'),
      );
      assert.equal(await page.locator('[data-testid="affinity"]').textContent(), '53%');
      assert.equal(await page.locator('[data-testid="listener"]').textContent(), 'Listener: anna');
      const rows = await page.locator('[data-testid="shared-artists"] tbody tr').allTextContents();
      assert.equal(rows.length, 2);
      assert.match(rows[0] ?? '', /Artist A.*anna/);
      assert.equal(await page.locator('figure.chart').count(), 2);
      // No serious or critical accessibility finding (axe-core, through the debugger).
      await page.evaluate(
        await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8'),
      );
      const serious = await page.evaluate(async () => {
        const axe = (
          window as unknown as {
            axe: { run: () => Promise<{ violations: Array<{ id: string; impact: string }> }> };
          }
        ).axe;
        return (await axe.run()).violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => v.id);
      });
      assert.deepEqual(serious, []);
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });
});
