/**
 * Hourly extract runs against the simulator over real HTTP, compared with the ground truth:
 * every play the API showed is landed, gaps are detected, sources fail alone, catalogue ids are
 * fetched once.
 */
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runExtract } from '../../src/extract/extract.js';
import { FsLake } from '../../src/lake/drivers/fs.js';
import { type Simulator, startSimulator } from '../../src/simulator/server.js';
import { wrapped } from '../support/helpers.js';
import { landedPlays } from '../support/landed.js';
import { control } from '../support/oauth.js';
import { loggedInHome } from '../support/sim-login.js';
import { type TruthPlay, windowAt } from '../support/truth.js';

const HOUR = 3_600_000;

describe('extract: seven days of hourly runs', () => {
  let sim: Simulator;
  let lake: FsLake;
  let home: string;
  const polls: number[] = [];
  const reports: Awaited<ReturnType<typeof runExtract>>[] = [];

  before(async () => {
    sim = await startSimulator({ seed: 'extract-week', start: new Date('2026-11-02T00:30:00Z') });
    const login = await loggedInHome(sim);
    home = login.home;
    lake = new FsLake(join(home, 'lake'));
    for (let hour = 0; hour < 7 * 24; hour++) {
      await control(sim.url, 'POST', 'clock', { advance: 'PT1H' });
      polls.push(sim.world.now);
      reports.push(
        await runExtract({
          lake,
          client: login.client(),
          blocks: login.blocks,
          now: new Date(sim.world.now),
        }),
      );
    }
  });
  after(async () => {
    await sim.close();
    await rm(home, { recursive: true, force: true });
  });

  it('lands exactly the plays the API showed, each once', async () => {
    const truth = (await control(
      sim.url,
      'GET',
      `truth/plays?from=2026-10-20T00:00:00Z&to=${new Date(sim.world.now).toISOString()}`,
    )) as TruthPlay[];
    const expected = new Set(polls.flatMap((t) => windowAt(truth, t)));
    const landed = await landedPlays(lake);
    assert.ok(expected.size > 250, `a week of listening (${expected.size} plays)`);
    assert.deepEqual(
      [...landed].filter((p) => !expected.has(p)),
      [],
      'nothing that did not happen',
    );
    assert.deepEqual(
      [...expected].filter((p) => !landed.has(p)),
      [],
      'nothing missing',
    );
    assert.ok(
      reports.every((r) => r.ok),
      'every run succeeded',
    );
  });

  it('a steady-state run makes at most 2 requests, and no catalogue id is fetched twice', async () => {
    const quiet = reports.filter(
      (r) =>
        r.sources.filter(
          (s) => s.status === 'ok' && s.source !== 'recently_played' && s.source !== 'catalog',
        ).length === 0 &&
        (r.sources.find((s) => s.source === 'catalog')?.counts?.fetched ?? 0) === 0,
    );
    assert.ok(quiet.length > 100, `${quiet.length} quiet runs`);
    assert.ok(
      quiet.every((r) => r.requests <= 2),
      JSON.stringify(quiet.map((r) => r.requests)),
    );
    const log = (await control(sim.url, 'GET', 'requests')) as Array<{ path: string }>;
    const lookups = log
      .map((e) => e.path)
      .filter((p) => /^\/v1\/(tracks|artists|albums)\/[^/]+$/.test(p));
    assert.ok(lookups.length > 50, `${lookups.length} catalogue lookups`);
    assert.equal(new Set(lookups).size, lookups.length);
  });

  it('daily sources ran once a day, with readable playlists landed and the others noted', () => {
    const ranToday = (source: string) =>
      reports.filter((r) => r.sources.find((s) => s.source === source)?.status === 'ok').length;
    for (const source of ['profile', 'top', 'saved_tracks', 'playlists', 'followed_artists']) {
      assert.ok(ranToday(source) >= 7 && ranToday(source) <= 8, `${source}: ${ranToday(source)}`);
    }
    const notes = reports.flatMap((r) => r.sources.flatMap((s) => s.notes ?? []));
    assert.ok(notes.some((n) => /Top Hits Deutschland.*not readable.*403/.test(n)));
    assert.equal(reports.flatMap((r) => r.sources).filter((s) => s.status === 'failed').length, 0);
  });
});

describe('extract: gaps, failures and blocks', () => {
  let sim: Simulator;
  let homes: string[] = [];
  before(async () => {
    sim = await startSimulator({ seed: 'extract-gap', start: new Date('2026-11-02T00:30:00Z') });
  });
  after(async () => {
    await sim.close();
    for (const home of homes) await rm(home, { recursive: true, force: true });
    homes = [];
  });

  it('stopping for 8 hours while more than 50 plays happen records one gap, and status lists it', async () => {
    const login = await loggedInHome(sim);
    homes.push(login.home);
    const lake = new FsLake(join(login.home, 'lake'));
    const run = () =>
      runExtract({
        lake,
        client: login.client(),
        blocks: login.blocks,
        now: new Date(sim.world.now),
      });
    // Find a work-from-home day: an 8-hour stretch with more than 50 visible plays.
    const day = sim.world.streams(sim.world.now, sim.world.now + 14 * 86_400_000);
    let stop = 0;
    for (let t = Math.ceil(sim.world.now / HOUR) * HOUR + 2 * HOUR; !stop; t += HOUR) {
      if (
        day.filter(
          (s) =>
            s.contentType === 'track' &&
            s.msPlayed >= 30_000 &&
            !s.private &&
            s.endedAt > t &&
            s.endedAt <= t + 8 * HOUR,
        ).length > 55
      )
        stop = t;
      assert.ok(
        t < sim.world.now + 14 * 86_400_000,
        'the listener has a busy day within two weeks',
      );
    }
    // Hourly until the stop, then nothing for 8 hours, then one run.
    while (sim.world.now + HOUR <= stop) {
      await control(sim.url, 'POST', 'clock', { advance: 'PT1H' });
      assert.deepEqual((await run()).sources.filter((s) => s.gaps).length, 0);
    }
    await control(sim.url, 'POST', 'clock', { to: new Date(stop).toISOString() });
    await run();
    const before = sim.world.now;
    await control(sim.url, 'POST', 'clock', { advance: 'PT8H' });
    const report = await run();
    const gaps = report.sources.flatMap((s) => s.gaps ?? []);
    assert.equal(gaps.length, 1);
    const gap = gaps[0] as { from: string; to: string };
    // The lost plays: visible during the stop, never in a response.
    const landed = await landedPlays(lake);
    const lost = sim.world
      .streams(before - HOUR, sim.world.now)
      .filter(
        (s) =>
          s.contentType === 'track' &&
          s.msPlayed >= 30_000 &&
          !s.private &&
          s.syncedAt <= sim.world.now,
      )
      .filter((s) => !landed.has(`${s.trackId}|${new Date(s.endedAt).toISOString()}`));
    assert.ok(lost.length > 0);
    for (const s of lost) {
      assert.ok(
        s.endedAt > Date.parse(gap.from) && s.endedAt < Date.parse(gap.to),
        `${new Date(s.endedAt).toISOString()} inside ${gap.from} .. ${gap.to}`,
      );
    }
    // The gap reaches gold.coverage_daily too.
    const built = await wrapped(['transform'], {
      env: { WRAPPED_HOME: login.home, WRAPPED_TIMEZONE: 'UTC' },
    });
    assert.equal(built.code, 0, built.stderr);
    const gapDays = JSON.parse(
      (
        await wrapped(
          [
            'query',
            'SELECT day::VARCHAR AS day FROM gold.coverage_daily WHERE has_gap ORDER BY day',
            '--json',
          ],
          { env: { WRAPPED_HOME: login.home, WRAPPED_TIMEZONE: 'UTC' } },
        )
      ).stdout,
    ) as Array<{ day: string }>;
    assert.ok(
      gapDays.length >= 1 && gapDays.some((d) => d.day === gap.to.slice(0, 10)),
      JSON.stringify(gapDays),
    );
    const status = await wrapped(['status', '--json'], {
      env: { WRAPPED_HOME: login.home, WRAPPED_NOW: new Date(sim.world.now).toISOString() },
    });
    assert.equal(status.code, 0, status.stderr);
    assert.deepEqual(
      JSON.parse(status.stdout).gaps.map((g: { from: string; to: string }) => [g.from, g.to]),
      [[gap.from, gap.to]],
    );
  });

  it('500s on /me/top/* fail only that source; a long 429 makes the next run send nothing', async () => {
    const login = await loggedInHome(sim);
    homes.push(login.home);
    const lake = new FsLake(join(login.home, 'lake'));
    await control(sim.url, 'POST', 'faults', {
      rules: [{ path: '/v1/me/top/*', kind: 'server_error', status: 500 }],
    });
    const report = await runExtract({
      lake,
      client: login.client(),
      blocks: login.blocks,
      now: new Date(sim.world.now),
    });
    await control(sim.url, 'DELETE', 'faults');
    const by = Object.fromEntries(report.sources.map((s) => [s.source, s]));
    assert.equal(by.top?.status, 'failed');
    assert.match(by.top?.error?.message ?? '', /500/);
    assert.equal(report.ok, false);
    for (const source of [
      'profile',
      'recently_played',
      'saved_tracks',
      'playlists',
      'followed_artists',
      'catalog',
    ])
      assert.equal(by[source]?.status, 'ok', source);

    await control(sim.url, 'POST', 'clock', { advance: 'PT1H' });
    await control(sim.url, 'POST', 'faults', {
      rules: [
        { path: '/v1/me/player/recently-played', kind: 'rate_limit', retry_after: 90000, count: 1 },
      ],
    });
    const limited = await runExtract({
      lake,
      client: login.client(),
      blocks: login.blocks,
      now: new Date(sim.world.now),
    });
    assert.ok(limited.blocked_until);
    assert.equal(limited.ok, true, 'a block is not a failure');
    await control(sim.url, 'POST', 'clock', { advance: 'PT1H' });
    const client = login.client();
    const next = await runExtract({
      lake,
      client,
      blocks: login.blocks,
      now: new Date(sim.world.now),
    });
    assert.equal(client.counts.requests, 0);
    assert.ok(
      next.sources.every((s) => s.status === 'skipped' && /rate-limited/.test(s.reason ?? '')),
    );
    assert.equal(next.blocked_until, limited.blocked_until);
  });
});
