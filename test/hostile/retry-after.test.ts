/**
 * A 429's Retry-After as an HTTP date is honoured to the second, and an absurd one (1e13
 * seconds) is capped, with the cap reported, instead of blocking the app for ever.
 */
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runExtract } from '../../src/extract/extract.js';
import { FsLake } from '../../src/lake/drivers/fs.js';
import { type Simulator, startSimulator } from '../../src/simulator/server.js';
import { MAX_RETRY_AFTER_SECONDS } from '../../src/spotify/retry-after.js';
import { control } from '../support/oauth.js';
import { loggedInHome } from '../support/sim-login.js';

describe('Retry-After from Spotify', () => {
  let sim: Simulator;
  let login: Awaited<ReturnType<typeof loggedInHome>>;
  before(async () => {
    sim = await startSimulator({ seed: 'retry-after', start: new Date('2026-11-02T00:30:00Z') });
    login = await loggedInHome(sim);
  });
  after(async () => {
    await sim.close();
    await rm(login.home, { recursive: true, force: true });
  });

  const extractWith = async (retryAfter: string) => {
    await control(sim.url, 'POST', 'clock', { advance: 'PT1H' });
    await control(sim.url, 'POST', 'faults', {
      rules: [{ path: '/v1/me', kind: 'rate_limit', retry_after: retryAfter, count: 1 }],
    });
    return runExtract({
      lake: new FsLake(join(login.home, 'lake')),
      client: login.client(),
      blocks: login.blocks,
      now: new Date(sim.world.now),
    });
  };

  it('as an HTTP date: blocked until that moment', async () => {
    const until = new Date(sim.world.now + 3 * 3_600_000 + 3_600_000); // after the hour advanced
    const report = await extractWith(until.toUTCString());
    assert.equal(report.blocked_until, until.toISOString());
    await login.blocks.clear();
  });

  it('as 1e13 seconds: capped, and the message says so', async () => {
    const report = await extractWith('10000000000000');
    const blocked = Date.parse(report.blocked_until ?? '');
    assert.equal(blocked, sim.world.now + MAX_RETRY_AFTER_SECONDS * 1000);
    const reasons = report.sources.map((s) => s.error?.message ?? s.reason ?? '').join('\n');
    assert.match(reasons, /asked to wait 1\.00e\+13 s, capped at 48 hours/);
  });
});
