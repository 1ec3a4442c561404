/**
 * `wrapped schedule` as real processes against the simulator (its clock moving with real time):
 * one instance per lake, a dead instance's lock taken over with an overdue catch-up, no two
 * runs ever overlapping, a clean stop on SIGTERM, and the weekly summary sent on its schedule.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FsLake } from '../../src/lake/drivers/fs.js';
import type { RunRecord } from '../../src/pipeline/run.js';
import { type Simulator, startSimulator } from '../../src/simulator/server.js';
import { startDaemon } from '../support/daemon.js';
import { wrapped } from '../support/helpers.js';
import { landedPlays } from '../support/landed.js';
import { control } from '../support/oauth.js';
import { loggedInHome } from '../support/sim-login.js';
import { type SlackReceiver, startSlackReceiver } from '../support/slack-receiver.js';
import { type TruthPlay, windowAt } from '../support/truth.js';

async function runRecords(lake: FsLake): Promise<RunRecord[]> {
  const records: RunRecord[] = [];
  for await (const entry of lake.list('_state/runs/'))
    records.push(JSON.parse((await lake.get(entry.path)).toString('utf8')));
  return records;
}

describe('wrapped schedule', () => {
  let sim: Simulator;
  let slack: SlackReceiver;
  const homes: string[] = [];
  before(async () => {
    sim = await startSimulator({
      seed: 'schedule',
      start: new Date('2026-11-10T06:30:00Z'),
      followRealTime: true,
    });
    slack = await startSlackReceiver();
  });
  after(async () => {
    await sim.close();
    await slack.close();
    for (const home of homes) await rm(home, { recursive: true, force: true });
  });

  async function setup(extra: Record<string, string> = {}) {
    const login = await loggedInHome(sim);
    homes.push(login.home);
    const lake = new FsLake(join(login.home, 'lake'));
    // Each process starts on the simulator's clock, which then moves on with real time.
    const env = async () => ({
      WRAPPED_HOME: login.home,
      WRAPPED_TIMEZONE: 'Europe/Berlin',
      SPOTIFY_CLIENT_ID: 'wrapped-demo',
      SPOTIFY_ACCOUNTS_URL: sim.url,
      SPOTIFY_API_URL: `${sim.url}/v1`,
      SLACK_WEBHOOK_URL: slack.url,
      WRAPPED_NOW: ((await control(sim.url, 'GET', 'clock')) as { now: string }).now,
      ...extra,
    });
    return { home: login.home, lake, env };
  }

  it('one per lake; a killed one is taken over, catches up, and lands exactly the truth', async () => {
    const { home, lake, env } = await setup({ WRAPPED_SUMMARY_SCHEDULE: '*/2 * * * * *' });
    const first = startDaemon(['schedule', '--json'], await env());
    // Nothing ran before: it runs at once.
    const firstRun = await first.waitFor((e) => e.event === 'run');
    assert.equal((firstRun.record as RunRecord).status, 'ok');

    const second = await wrapped(['schedule'], { env: await env() });
    assert.equal(second.code, 1);
    assert.match(
      second.stderr,
      new RegExp(
        `wrapped schedule is already running on this lake \\(pid ${first.child.pid} on ${hostname()}, since 20`,
      ),
    );

    const status = async () =>
      JSON.parse((await wrapped(['status', '--json'], { env: await env() })).stdout).scheduler;
    assert.deepEqual(
      { pid: (await status()).pid, alive: (await status()).alive },
      { pid: first.child.pid, alive: true },
    );

    first.child.kill('SIGKILL');
    await first.exited;
    assert.equal((await status()).alive, false);
    assert.ok(existsSync(join(home, 'lake/_state/locks/scheduler.json')), 'a stale lock');
    // Two hours pass while nothing runs: a run is overdue.
    await control(sim.url, 'POST', 'clock', { advance: 'PT2H' });
    slack.messages.length = 0;
    const third = startDaemon(['schedule', '--json'], await env());
    const started = await third.waitFor((e) => e.event === 'started');
    assert.equal(started.pid, third.child.pid);
    await third.waitFor((e) => e.event === 'catch_up');
    const caughtUp = await third.waitFor((e) => e.event === 'run');
    assert.equal((caughtUp.record as RunRecord).status, 'ok');
    // The weekly summary (every 2 s here) follows once no run is due.
    await third.waitFor((e) => e.event === 'summary');
    assert.ok(slack.messages.some((m) => /your week 2026-W\d\d/.test(m.text)));

    const stopAt = Date.now();
    third.child.kill('SIGTERM');
    assert.equal(await third.exited, 130);
    assert.ok(Date.now() - stopAt < 2000, 'stops within 2 s');
    assert.ok(!existsSync(join(home, 'lake/_state/locks/scheduler.json')), 'lock released');
    assert.ok(!existsSync(join(home, 'lake/_state/locks/run.json')), 'run lock released');
    const webhook = new URL(slack.url).pathname;
    for (const daemon of [first, third])
      assert.ok(!`${JSON.stringify(daemon.events)}${daemon.stderr()}`.includes(webhook));

    // What landed is exactly what the API showed at each run: nothing missing, nothing twice.
    const records = await runRecords(lake);
    assert.ok(records.length >= 2);
    const truth = (await control(
      sim.url,
      'GET',
      'truth/plays?from=2026-11-01T00:00:00Z',
    )) as TruthPlay[];
    const expected = new Set(records.flatMap((r) => windowAt(truth, Date.parse(r.now))));
    const landed = await landedPlays(lake);
    assert.ok(expected.size >= 50);
    assert.deepEqual(
      [...landed].filter((p) => !expected.has(p)),
      [],
    );
    assert.deepEqual(
      [...expected].filter((p) => !landed.has(p)),
      [],
    );
    const count = await wrapped(
      ['query', "SELECT count(*) AS n FROM silver.fct_play WHERE source = 'api'", '--json'],
      { env: { WRAPPED_HOME: home, WRAPPED_TIMEZONE: 'Europe/Berlin' } },
    );
    assert.deepEqual(JSON.parse(count.stdout), [{ n: expected.size }]);
  });

  it('with a run every 2 s and slow runs, no two runs overlap, manual runs included', async () => {
    const { home, lake, env } = await setup({ WRAPPED_SCHEDULE: '*/2 * * * * *' });
    await control(sim.url, 'POST', 'faults', {
      rules: [{ path: '/v1/me/player/recently-played', kind: 'slow', delay_ms: 2500 }],
    });
    const daemon = startDaemon(['schedule', '--json'], await env());
    try {
      await daemon.waitFor((e) => e.event === 'run', 20_000);
      // A user runs by hand meanwhile, not willing to wait: refused while a scheduled run holds the lake.
      let refused = '';
      for (let i = 0; i < 5 && !refused; i++) {
        const manual = await wrapped(['run', '--wait', '0'], { env: await env() });
        if (manual.code === 1 && /already running on this lake/.test(manual.stderr))
          refused = manual.stderr;
      }
      assert.match(
        refused,
        new RegExp(`wrapped run is already running on this lake \\(pid ${daemon.child.pid} on`),
      );
      await daemon.waitFor(
        () => daemon.events.filter((e) => e.event === 'run').length >= 3,
        30_000,
      );
    } finally {
      daemon.child.kill('SIGTERM');
      await daemon.exited;
      await control(sim.url, 'DELETE', 'faults');
    }
    const records = (await runRecords(lake)).sort((a, b) => (a.started_at < b.started_at ? -1 : 1));
    assert.ok(records.length >= 3);
    for (let i = 1; i < records.length; i++) {
      const before = records[i - 1] as RunRecord;
      const next = records[i] as RunRecord;
      assert.ok(
        before.finished_at <= next.started_at,
        `run ${before.run_id} (${before.started_at} to ${before.finished_at}) overlaps ${next.run_id} (${next.started_at})`,
      );
    }
    // Each run waited out the slow API: they really took time.
    assert.ok(records.every((r) => Date.parse(r.finished_at) - Date.parse(r.started_at) >= 2500));
    const webhook = new URL(slack.url).pathname;
    for (const record of records) assert.ok(!JSON.stringify(record).includes(webhook));
    assert.ok(
      !(await readFile(join(home, 'lake/_state/incidents.json'), 'utf8').catch(() => '')).includes(
        webhook,
      ),
    );
  });
});
