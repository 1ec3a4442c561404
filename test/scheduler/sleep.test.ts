/**
 * After the machine slept through a scheduled hour, the scheduler runs at once on waking (it
 * trusts the wall clock, not a long timer). The clock here is a fake one whose sleep jumps.
 */
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import { FsLake } from '../../src/lake/drivers/fs.js';
import type { Clock } from '../../src/scheduler/clock.js';
import { runScheduler, type SchedulerEvent } from '../../src/scheduler/scheduler.js';
import { type Simulator, startSimulator } from '../../src/simulator/server.js';
import { loggedInHome } from '../support/sim-login.js';

describe('scheduler after sleep', () => {
  let sim: Simulator;
  let home: string;
  before(async () => {
    sim = await startSimulator({ seed: 'sleep', start: new Date('2026-11-10T06:30:00Z') });
  });
  after(async () => {
    await sim.close();
    await rm(home, { recursive: true, force: true });
  });

  it('a sleep over the hour is followed by an immediate catch-up run', async () => {
    ({ home } = await loggedInHome(sim));
    const config = loadConfig({
      env: {
        WRAPPED_HOME: home,
        WRAPPED_TIMEZONE: 'UTC',
        SPOTIFY_CLIENT_ID: 'wrapped-demo',
        SPOTIFY_ACCOUNTS_URL: sim.url,
        SPOTIFY_API_URL: `${sim.url}/v1`,
      },
      cwd: home,
    });
    const stop = new AbortController();
    const sleeps: number[] = [];
    const events: SchedulerEvent[] = [];
    // The first nap asks for under 30 s; the machine sleeps three hours instead.
    const clock: Clock = {
      now: () => new Date(sim.world.now),
      sleep: async (ms) => {
        sleeps.push(ms);
        sim.world.now += sleeps.length === 1 ? 3 * 3_600_000 : ms;
        if (sleeps.length > 5) stop.abort();
      },
    };
    await runScheduler({
      config,
      lake: new FsLake(join(home, 'lake')),
      clock,
      signal: stop.signal,
      report: (event) => {
        events.push(event);
        if (events.filter((e) => e.event === 'run').length === 2) stop.abort();
      },
      client: { backoffMs: 5 },
    });
    const kinds = events.map((e) => e.event);
    assert.deepEqual(kinds.slice(0, 2), ['started', 'run']);
    assert.ok(sleeps[0] !== undefined && sleeps[0] <= 30_000, 'naps are short');
    assert.deepEqual(kinds.slice(kinds.indexOf('waiting') + 1, kinds.indexOf('waiting') + 3), [
      'catch_up',
      'run',
    ]);
    const runs = events.filter((e) => e.event === 'run').map((e) => e.record.now);
    assert.equal(runs.length, 2);
    assert.equal(Date.parse(runs[1] as string) - Date.parse(runs[0] as string), 3 * 3_600_000);
    assert.equal(kinds.at(-1), 'stopped');
  });
});
