/**
 * `wrapped serve` over plain HTTP: loopback by default, a token beyond it, static files that
 * cannot leave their folder, search text that never becomes SQL, and an empty HOME that says
 * what to do.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import { FsLake } from '../../src/lake/drivers/fs.js';
import { type RunningServer, startServer } from '../../src/server/app.js';
import { queryRows, REPO, wrapped } from '../support/helpers.js';
import { rawGet as get } from '../support/raw-get.js';

const SAMPLES = join(REPO, '..', 'shared', 'samples');
const TOKEN = 'a-long-enough-token-0123456789';

describe('wrapped serve', () => {
  let home: string;
  let env: Record<string, string>;
  let open: RunningServer;
  let guarded: RunningServer;
  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'wrapped-serve-'));
    env = { WRAPPED_HOME: home, WRAPPED_TIMEZONE: 'UTC' };
    assert.equal((await wrapped(['import', join(SAMPLES, 'extended-2026-a')], { env })).code, 0);
    assert.equal((await wrapped(['transform'], { env })).code, 0);
    const config = loadConfig({ env, cwd: home });
    const lake = new FsLake(join(home, 'lake'));
    open = await startServer({ config, lake, host: '127.0.0.1', port: 0 });
    guarded = await startServer({ config, lake, host: '127.0.0.1', port: 0, token: TOKEN });
  });
  after(async () => {
    await open?.close();
    await guarded?.close();
    await rm(home, { recursive: true, force: true });
  });

  it('refuses to bind beyond loopback without a token', async () => {
    const refused = await wrapped(['serve', '--host', '0.0.0.0', '--port', '0'], { env });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /Binding to 0\.0\.0\.0 would show your listening/);
    assert.match(refused.stderr, /--token/);
  });

  it('with a token, a request without it gets 401; with it, the page and the API answer', async () => {
    assert.equal((await get(guarded.url, '/')).status, 401);
    assert.equal((await get(guarded.url, '/api/meta')).status, 401);
    assert.equal(
      (await get(guarded.url, '/api/meta', { authorization: 'Bearer wrong-token-000000000000' }))
        .status,
      401,
    );
    const ok = await get(guarded.url, '/api/meta', { authorization: `Bearer ${TOKEN}` });
    assert.equal(ok.status, 200);
    // A browser opens /?token=... once: it gets a cookie and an address without the token.
    const first = await get(guarded.url, `/?token=${TOKEN}`);
    assert.equal(first.status, 303);
    assert.equal(first.headers.location, '/');
    const cookie = String(first.headers['set-cookie']).split(';')[0] as string;
    assert.match(String(first.headers['set-cookie']), /HttpOnly; SameSite=Strict/);
    assert.equal((await get(guarded.url, '/', { cookie })).status, 200);
  });

  it('static files cannot leave their folder', async () => {
    for (const path of [
      '/..%2f..%2fetc/passwd',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/..%5c..%5cpackage.json',
      '/%2e%2e%2fpackage.json',
      '/app.js%00.html',
      '/%E0%A4%A',
      '//',
    ]) {
      const res = await get(open.url, path);
      assert.equal(res.status, 404, path);
      assert.doesNotMatch(res.body, /root:|"name": "wrapped-me"/);
    }
    const page = await get(open.url, '/');
    assert.equal(page.status, 200);
    assert.match(page.body, /<title>wrapped-me<\/title>/);
    assert.match(String(page.headers['content-security-policy']), /default-src 'self'/);
  });

  it("a search for '; drop table x; -- returns nothing and harms nothing", async () => {
    const before = JSON.parse((await get(open.url, '/api/history?size=1')).body).total;
    assert.ok(before > 1000);
    const hostile = encodeURIComponent("'; drop table x; --");
    const res = await get(open.url, `/api/history?q=${hostile}`);
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.body).rows, []);
    // % and _ are matched as themselves, not as wildcards.
    assert.equal(JSON.parse((await get(open.url, '/api/history?q=%25')).body).total, 0);
    const after = JSON.parse((await get(open.url, '/api/history?size=1')).body).total;
    assert.equal(after, before);
    assert.equal((await wrapped(['check'], { env })).code, 0);
  });

  it("the Overview's series agree with gold and with its own totals", async () => {
    const query = (sql: string) => queryRows(sql, env);
    const res = await get(open.url, '/api/overview?period=custom&from=2024-10-01&to=2024-10-31');
    const o = JSON.parse(res.body);
    const sum = (rows: Array<Record<string, number>>, key: string) =>
      rows.reduce((n, r) => n + Number(r[key]), 0);
    assert.equal(sum(o.days, 'plays'), o.totals.plays);
    assert.equal(sum(o.hours, 'plays'), o.totals.plays);
    assert.deepEqual(
      o.streaks,
      await query(
        "SELECT streak_start::VARCHAR AS streak_start, streak_end::VARCHAR AS streak_end, days::INTEGER AS days FROM gold.agg_streaks WHERE streak_end >= DATE '2024-10-01' AND streak_start <= DATE '2024-10-31' ORDER BY streak_start",
      ),
    );
    const [discovered] = await query(
      "SELECT count(*)::INTEGER AS n FROM gold.agg_discovery WHERE kind = 'artist' AND first_day BETWEEN DATE '2024-10-01' AND DATE '2024-10-31'",
    );
    assert.equal(sum(o.discovery, 'new_artists'), discovered?.n);
    // The longest streak shown for the month is its longest run of listening days inside it,
    // counted here from the days with a play.
    const days = (
      await query(
        "SELECT day::VARCHAR AS day FROM gold.agg_daily_listening WHERE plays > 0 AND day BETWEEN DATE '2024-10-01' AND DATE '2024-10-31' ORDER BY day",
      )
    ).map((r) => Date.parse(String(r.day)));
    let run = 0;
    let longest = 0;
    for (const [i, day] of days.entries()) {
      run = i > 0 && day - (days[i - 1] as number) === 86_400_000 ? run + 1 : 1;
      longest = Math.max(longest, run);
    }
    assert.equal(o.longest_streak_days_in_period, longest);
    // A run crossing the month's ends is cut to it (the gold row keeps its whole length).
    const crossing = o.streaks.filter(
      (s: { streak_start: string; streak_end: string }) =>
        s.streak_start < '2024-10-01' || s.streak_end > '2024-10-31',
    );
    assert.ok(crossing.length > 0, JSON.stringify(o.streaks));
    assert.ok(o.totals.plays > 100 && o.streaks.length > 0);
    // All time reads the ranked tables; a custom span over all days sums daily rows: the same.
    const meta = JSON.parse((await get(open.url, '/api/meta')).body);
    const all = JSON.parse((await get(open.url, '/api/overview?period=all')).body);
    const span = JSON.parse(
      (await get(open.url, `/api/overview?period=custom&from=${meta.first_day}&to=${meta.today}`))
        .body,
    );
    assert.deepEqual(all.totals, span.totals);
    // All time's weekday-by-hour is gold's listening clock; a span's is summed from its days.
    assert.deepEqual(all.hours, span.hours);
    assert.equal(all.unidentified_minutes, span.unidentified_minutes);
    for (const list of ['top_artists', 'top_tracks', 'top_albums'])
      assert.deepEqual(all[list], span[list], list);
    // Two years against the two before them share a year of days: each list holds it.
    const long = JSON.parse(
      (await get(open.url, '/api/overview?period=custom&from=2024-01-01&to=2025-12-31')).body,
    );
    const daysFrom = (from: string, to: string) =>
      query(
        `SELECT day::VARCHAR AS day, plays::INTEGER AS plays, minutes::DOUBLE AS minutes FROM gold.agg_daily_listening WHERE day BETWEEN DATE '${from}' AND DATE '${to}' ORDER BY day`,
      );
    assert.deepEqual(long.days, await daysFrom('2024-01-01', '2025-12-31'));
    assert.deepEqual(long.year_before_days, await daysFrom('2023-01-01', '2024-12-31'));
    assert.ok(long.year_before_days.some((d: { day: string }) => d.day >= '2024-01-01'));
    // The previous period is the 31 days before, with the same definitions.
    assert.deepEqual(o.period.previous, { from: '2024-08-31', to: '2024-09-30' });
  });

  it('top lists rank by the measure picked: plays, or minutes, with the same tie-breaks', async () => {
    const period = 'period=custom&from=2024-10-01&to=2024-10-31';
    const byPlays = JSON.parse((await get(open.url, `/api/overview?${period}&by=plays`)).body);
    const byMinutes = JSON.parse((await get(open.url, `/api/overview?${period}&by=minutes`)).body);
    // The month's music per artist, summed here from every stream the play log lists.
    const rows = await queryRows(
      "SELECT artist_name, ms_played, counts_as_play FROM silver.fct_play WHERE content_type = 'track' AND artist_name IS NOT NULL AND CAST(timezone('UTC', ended_at) AS DATE) BETWEEN DATE '2024-10-01' AND DATE '2024-10-31'",
      env,
    );
    const totals = new Map<string, { plays: number; ms: number }>();
    for (const r of rows) {
      const t = totals.get(String(r.artist_name)) ?? { plays: 0, ms: 0 };
      t.ms += Number(r.ms_played);
      if (r.counts_as_play) t.plays++;
      totals.set(String(r.artist_name), t);
    }
    const name = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const ranked = (by: 'plays' | 'ms') =>
      [...totals.entries()]
        .sort(
          ([ka, a], [kb, b]) =>
            (by === 'plays'
              ? b.plays - a.plays || b.ms - a.ms
              : b.ms - a.ms || b.plays - a.plays) || name(ka, kb),
        )
        .slice(0, 10)
        .map(([artist]) => artist);
    const names = (o: { top_artists: Array<{ artist_name: string }> }) =>
      o.top_artists.map((a) => a.artist_name);
    assert.deepEqual(names(byPlays), ranked('plays'));
    assert.deepEqual(names(byMinutes), ranked('ms'));
    assert.notDeepEqual(ranked('plays'), ranked('ms'), 'the month tells the two apart');
    assert.equal((await get(open.url, `/api/overview?${period}&by=skips`)).status, 400);
  });

  it('bad parameters are 400, unknown paths 404, writes 405; nothing leaks a stack', async () => {
    const bad = await get(open.url, '/api/overview?period=custom&from=2026-13-01&to=2026-01-01');
    assert.equal(bad.status, 400);
    assert.match(JSON.parse(bad.body).error.message, /from must be a real date/);
    assert.equal((await get(open.url, '/api/overview?period=decade')).status, 400);
    assert.equal((await get(open.url, '/api/nothing')).status, 404);
    assert.equal((await get(open.url, '/api/download/gold.nope.csv')).status, 404);
    assert.equal((await get(open.url, '/api/download/bronze.stg_export_streams.csv')).status, 404);
    const csv = await get(open.url, '/api/download/gold.wrapped_year.csv');
    assert.equal(csv.status, 200);
    assert.match(csv.body, /^year,minutes,plays,/);
    const post = await new Promise<number>((resolve) => {
      const url = new URL(open.url);
      request({ host: url.hostname, port: url.port, path: '/api/meta', method: 'POST' }, (res) =>
        resolve(res.statusCode ?? 0),
      ).end();
    });
    assert.equal(post, 405);
  });

  it('an empty HOME answers "no data yet" with what to do', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'wrapped-serve-empty-'));
    try {
      const config = loadConfig({
        env: { WRAPPED_HOME: empty, WRAPPED_TIMEZONE: 'UTC' },
        cwd: empty,
      });
      const server = await startServer({
        config,
        lake: new FsLake(join(empty, 'lake')),
        host: '127.0.0.1',
        port: 0,
      });
      try {
        const res = await get(server.url, '/api/overview');
        assert.equal(res.status, 409);
        assert.match(
          JSON.parse(res.body).error.message,
          /no data yet: run `wrapped import` or `wrapped run`/,
        );
        assert.equal(JSON.parse((await get(server.url, '/api/meta')).body).built, false);
        assert.equal((await get(server.url, '/api/health')).status, 200);
      } finally {
        await server.close();
      }
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  // Last: it adds to the HOME the other tests read.
  it('a build published while it serves shows up, and every request meanwhile answers', async () => {
    const meta = async () => {
      const res = await get(open.url, '/api/meta');
      assert.equal(res.status, 200, res.body);
      return JSON.parse(res.body) as { first_day: string; years: string[] };
    };
    const before = await meta();
    assert.ok(before.first_day >= '2022-01-01', before.first_day);
    // An older export: the history now starts in 2021. Only some tables change.
    assert.equal(
      (await wrapped(['import', join(SAMPLES, 'extended-2022-endsong')], { env })).code,
      0,
    );
    const built = await wrapped(['transform'], { env });
    assert.equal(built.code, 0, built.stderr);
    let now = before;
    const deadline = Date.now() + 15_000;
    while (now.first_day === before.first_day && Date.now() < deadline) {
      assert.equal((await get(open.url, '/api/overview?period=all')).status, 200);
      await new Promise((r) => setTimeout(r, 200));
      now = await meta();
    }
    assert.ok(now.first_day < '2022-01-01', `first day ${now.first_day}`);
    const [gold] = await queryRows(
      'SELECT min(day)::VARCHAR AS first_day FROM gold.agg_daily_listening WHERE streams > 0',
      env,
    );
    assert.equal(now.first_day, gold?.first_day);
  });
});
