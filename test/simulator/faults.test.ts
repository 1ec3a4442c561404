import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Simulator, startSimulator } from '../../src/simulator/server.js';
import { control, loginWithPkce } from '../support/oauth.js';

describe('simulator: fault rules answer as Spotify does', () => {
  let sim: Simulator;
  let login: Awaited<ReturnType<typeof loginWithPkce>>;
  const get = (path: string) =>
    fetch(`${sim.url}/v1${path}`, { headers: { authorization: `Bearer ${login.access_token}` } });
  before(async () => {
    sim = await startSimulator({ seed: 'faults', start: new Date('2026-11-20T12:00:00Z') });
    login = await loginWithPkce(sim.url);
  });
  after(() => sim.close());

  it('429 with Retry-After in seconds, once, then normal service', async () => {
    await control(sim.url, 'POST', 'faults', {
      rules: [
        { path: '/v1/me/player/recently-played', kind: 'rate_limit', retry_after: 43200, count: 1 },
      ],
    });
    const limited = await get('/me/player/recently-played');
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '43200');
    assert.deepEqual(await limited.json(), {
      error: { status: 429, message: 'API rate limit exceeded' },
    });
    assert.equal((await get('/me/player/recently-played')).status, 200);
  });

  it('429 QUOTA_EXCEEDED', async () => {
    await control(sim.url, 'POST', 'faults', {
      rules: [{ path: '/v1/me/top/*', kind: 'quota', count: 1 }],
    });
    const quota = await get('/me/top/artists');
    assert.equal(quota.status, 429);
    assert.equal(
      ((await quota.json()) as { error: { reason: string } }).error.reason,
      'QUOTA_EXCEEDED',
    );
  });

  it('500, 502 and 503 with error bodies', async () => {
    for (const status of [500, 502, 503]) {
      await control(sim.url, 'POST', 'faults', {
        rules: [{ path: '/v1/me', kind: 'server_error', status, count: 1 }],
      });
      const failed = await get('/me');
      assert.equal(failed.status, status);
      assert.equal(((await failed.json()) as { error: { status: number } }).error.status, status);
    }
  });

  it('slow answers, dropped connections and malformed bodies', async () => {
    await control(sim.url, 'POST', 'faults', {
      rules: [{ path: '/v1/me', kind: 'slow', delay_ms: 300, count: 1 }],
    });
    const started = performance.now();
    assert.equal((await get('/me')).status, 200);
    assert.ok(performance.now() - started >= 290);

    await control(sim.url, 'POST', 'faults', {
      rules: [{ path: '/v1/me', kind: 'drop', count: 1 }],
    });
    await assert.rejects(get('/me'), /fetch failed/);

    await control(sim.url, 'POST', 'faults', {
      rules: [{ path: '/v1/me/tracks', kind: 'malformed', count: 1 }],
    });
    const malformed = await get('/me/tracks');
    assert.equal(malformed.status, 200);
    await assert.rejects(malformed.json(), SyntaxError);
  });

  it('early token expiry and invalid_grant on refresh', async () => {
    await control(sim.url, 'POST', 'faults', {
      rules: [{ path: '/v1/me', kind: 'expire_tokens', count: 1 }],
    });
    const expired = await get('/me');
    assert.equal(expired.status, 401);
    assert.deepEqual(await expired.json(), {
      error: { status: 401, message: 'The access token expired' },
    });

    await control(sim.url, 'POST', 'faults', {
      rules: [{ path: '/api/token', kind: 'invalid_grant', count: 1 }],
    });
    const refresh = await fetch(`${sim.url}/api/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: login.refresh_token,
        client_id: 'wrapped-demo',
      }),
    });
    assert.equal(refresh.status, 400);
    assert.deepEqual(await refresh.json(), {
      error: 'invalid_grant',
      error_description: 'Refresh token revoked',
    });
  });

  it('logs every request with its status, and refuses malformed rules', async () => {
    const log = (await control(sim.url, 'GET', 'requests')) as Array<{
      method: string;
      path: string;
      status: number;
      query: Record<string, string>;
    }>;
    assert.ok(log.some((e) => e.path === '/v1/me/player/recently-played' && e.status === 429));
    assert.ok(
      log.some((e) => e.path === '/v1/me' && e.status === 0),
      'a dropped connection is logged with status 0',
    );
    assert.ok(log.every((e) => !e.path.startsWith('/_sim')));
    const bad = await fetch(`${sim.url}/_sim/faults`, {
      method: 'POST',
      body: JSON.stringify({ rules: [{ path: '/v1/me', kind: 'meteor' }] }),
    });
    assert.equal(bad.status, 400);
  });
});
