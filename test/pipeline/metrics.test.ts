/**
 * `/healthz` and `/metrics` (issue 22): after real runs against the simulator (one ok, one
 * rate-limited with a long Retry-After, one failed by an outage), every figure equals an
 * independent count: run records read from the lake's files, 429s from the simulator's own
 * request log, plays from the raw files. The probes of a headless `wrapped schedule` are guarded
 * like the dashboard.
 */
import assert from 'node:assert/strict';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FsLake } from '../../src/lake/drivers/fs.js';
import { type Simulator, startSimulator } from '../../src/simulator/server.js';
import { startDaemon } from '../support/daemon.js';
import { wrapped } from '../support/helpers.js';
import { landedPlays } from '../support/landed.js';
import { control } from '../support/oauth.js';
import { rawGet as get } from '../support/raw-get.js';
import { loggedInHome } from '../support/sim-login.js';

/** Prometheus text: `name{labels} value` lines, by their name and labels. */
function parseMetrics(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    assert.ok(m, `a sample line: ${line}`);
    samples.set(m[1] as string, Number(m[2]));
  }
  return samples;
}

describe('health and metrics', () => {
  let sim: Simulator;
  let home: string;
  let env: () => Record<string, string>;
  before(async () => {
    sim = await startSimulator({ seed: 'metrics', start: new Date('2026-11-10T06:30:00Z') });
    home = (await loggedInHome(sim)).home;
    env = () => ({
      WRAPPED_HOME: home,
      WRAPPED_TIMEZONE: 'UTC',
      WRAPPED_NOW: new Date(sim.world.now).toISOString(),
      SPOTIFY_CLIENT_ID: 'wrapped-demo',
      SPOTIFY_ACCOUNTS_URL: sim.url,
      SPOTIFY_API_URL: `${sim.url}/v1`,
    });
  });
  after(async () => {
    await sim?.close();
    await rm(home, { recursive: true, force: true });
  });

  const runAt = async (advance: string, faults: unknown[] = []) => {
    await control(sim.url, 'POST', 'clock', { advance });
    await control(sim.url, 'DELETE', 'faults');
    if (faults.length) await control(sim.url, 'POST', 'faults', { rules: faults });
    return wrapped(['run', '--json'], { env: env() });
  };

  /** `wrapped serve` in its own process, for the time `fn` needs it. */
  const serving = async (fn: (url: string) => Promise<void>) => {
    const server = startDaemon(['serve', '--port', '0', '--json'], env());
    try {
      const { url } = (await server.waitFor((e) => typeof e.url === 'string')) as { url: string };
      await fn(url);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  };

  it('count what the lake and the simulator say happened', async () => {
    await control(sim.url, 'DELETE', 'requests');
    assert.equal((await runAt('PT1H')).code, 0);
    // An outage: the run fails, and the health says so, naming the run.
    await runAt('PT1H', [
      { path: '/v1/me/player/recently-played', kind: 'server_error', status: 503 },
    ]);
    await serving(async (url) => {
      const health = await fetch(`${url}healthz`);
      assert.equal(health.status, 503);
      const body = (await health.json()) as {
        status: string;
        last_run: { status: string };
        lake: { reachable: boolean };
      };
      assert.equal(body.status, 'failing');
      assert.equal(body.last_run.status, 'failed');
      assert.equal(body.lake.reachable, true);
    });
    // Then a long rate limit: the run is ok (nothing is lost), calls wait ten hours.
    await runAt('PT1H', [
      { path: '/v1/me/player/recently-played', kind: 'rate_limit', retry_after: 36_000, count: 1 },
    ]);

    await serving(async (url) => {
      const answer = await fetch(`${url}metrics`);
      assert.equal(answer.status, 200);
      assert.match(String(answer.headers.get('content-type')), /^text\/plain; version=0\.0\.4/);
      const metrics = parseMetrics(await answer.text());

      // Runs by outcome, recounted from the run records' files.
      const runsDir = join(home, 'lake', '_state', 'runs');
      const records = await Promise.all(
        (await readdir(runsDir)).map(async (f) =>
          JSON.parse(await readFile(join(runsDir, f), 'utf8')),
        ),
      );
      assert.equal(records.length, 3);
      for (const outcome of ['ok', 'failed', 'checks_failed'])
        assert.equal(
          metrics.get(`wrapped_runs_total{outcome="${outcome}"}`),
          records.filter((r) => r.status === outcome).length,
          outcome,
        );
      // 429s and requests, from the simulator's own log of what it answered.
      const log = (await control(sim.url, 'GET', 'requests')) as Array<{
        path: string;
        status: number;
      }>;
      const api = log.filter((r) => r.path.startsWith('/v1/'));
      assert.equal(
        metrics.get('wrapped_api_rate_limited_total'),
        api.filter((r) => r.status === 429).length,
      );
      assert.equal(metrics.get('wrapped_api_requests_total'), api.length);
      // Plays landed: the distinct plays in the raw recently-played files.
      assert.equal(
        metrics.get('wrapped_plays_landed_total{source="api"}'),
        (await landedPlays(new FsLake(join(home, 'lake')))).size,
      );
      // The block, from the file that holds it, at the same moment.
      const block = JSON.parse(
        await readFile(join(home, 'state', 'spotify-blocked-until.json'), 'utf8'),
      ) as { until: string };
      assert.equal(
        metrics.get('wrapped_retry_after_seconds'),
        Math.ceil((Date.parse(block.until) - sim.world.now) / 1000),
      );
      assert.ok((metrics.get('wrapped_retry_after_seconds') ?? 0) > 30_000);
      const days = metrics.get('wrapped_login_days_left') ?? 0;
      assert.ok(days >= 179 && days <= 183, String(days));
      assert.ok((metrics.get('wrapped_transform_duration_seconds{layer="gold"}') ?? 0) > 0);
      // A blocked run is not a failing pipeline.
      assert.equal((await fetch(`${url}healthz`)).status, 200);
    });
  });

  it('a headless scheduler serves them too, guarded like the dashboard beyond loopback', async () => {
    const refused = await wrapped(
      ['schedule', '--metrics-port', '0', '--metrics-host', '0.0.0.0'],
      {
        env: env(),
      },
    );
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /without a password/);

    const token = 'metrics-token-0123456789';
    const daemon = startDaemon(
      ['schedule', '--json', '--metrics-port', '0', '--metrics-host', '0.0.0.0', '--token', token],
      { ...env(), WRAPPED_SCHEDULE: '0 0 1 1 *' },
    );
    try {
      const { metrics_url } = (await daemon.waitFor((e) => typeof e.metrics_url === 'string')) as {
        metrics_url: string;
      };
      const local = metrics_url.replace('0.0.0.0', '127.0.0.1');
      assert.equal((await fetch(local)).status, 401);
      const ok = await fetch(local, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(ok.status, 200);
      assert.match(await ok.text(), /^# HELP wrapped_runs_total/m);
      const rebinding = await get(local, '/metrics', {
        authorization: `Bearer ${token}`,
        host: 'evil.example',
      });
      assert.equal(rebinding.status, 421);
    } finally {
      daemon.child.kill('SIGTERM');
      await daemon.exited;
    }
  });
});
