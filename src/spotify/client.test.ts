import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, beforeEach, describe, it } from 'node:test';
import { loggedInHome } from '../../test/support/sim-login.js';
import { type Simulator, startSimulator } from '../simulator/server.js';
import { BlockStore } from './block-store.js';
import { SpotifyClient } from './client.js';
import { RateLimited, SpotifyForbidden, SpotifyNotFound, SpotifyUnavailable } from './errors.js';
import type { OAuthApp } from './oauth.js';
import { TokenStore } from './token-store.js';

async function control(base: string, method: string, path: string, body?: unknown) {
  const r = await fetch(`${base}/_sim/${path}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return r.json() as Promise<unknown>;
}

describe('Spotify API client against the simulator', () => {
  let sim: Simulator;
  let home: string;
  const homes: string[] = [];
  let app: OAuthApp;
  const client = (overrides: Partial<ConstructorParameters<typeof SpotifyClient>[0]> = {}) =>
    new SpotifyClient({
      app,
      apiUrl: `${sim.url}/v1`,
      store: new TokenStore(home),
      blocks: new BlockStore(home),
      backoffMs: 5,
      now: () => sim.world.now,
      ...overrides,
    });
  const requests = async (path: string) =>
    ((await control(sim.url, 'GET', 'requests')) as Array<{ path: string }>).filter(
      (r) => r.path === path,
    ).length;

  before(async () => {
    sim = await startSimulator({ seed: 'client', start: new Date('2026-11-20T12:00:00Z') });
  });
  after(() => sim.close());
  beforeEach(async () => {
    // A fresh login per test, over real HTTP (PKCE).
    const login = await loggedInHome(sim);
    home = login.home;
    app = login.app;
    homes.push(home);
    await control(sim.url, 'DELETE', 'faults');
    await control(sim.url, 'POST', 'settings', { rotate_refresh_tokens: true });
  });
  after(() => Promise.all(homes.map((h) => rm(h, { recursive: true, force: true }))));

  it('three 503s then a 200: success after 4 requests', async () => {
    await control(sim.url, 'POST', 'faults', {
      rules: [{ path: '/v1/me/tracks', kind: 'server_error', status: 503, count: 3 }],
    });
    const before = await requests('/v1/me/tracks');
    const c = client();
    const page = (await c.get('/me/tracks', { limit: 5 })) as { items: unknown[] };
    assert.equal(page.items.length, 5);
    assert.equal((await requests('/v1/me/tracks')) - before, 4);
    assert.deepEqual(c.counts, { requests: 4, retries: 3, refreshes: 0, rate_limited: 0 });
  });

  it('gives up after its attempts with a retryable error; timeouts and garbled bodies count as failures', async () => {
    await control(sim.url, 'POST', 'faults', {
      rules: [{ path: '/v1/me', kind: 'server_error', status: 502 }],
    });
    await assert.rejects(
      client({ attempts: 3 }).get('/me'),
      (e: unknown) =>
        e instanceof SpotifyUnavailable &&
        e.retryable &&
        /502 for \/v1\/me 3 times/.test(e.message),
    );
    await control(sim.url, 'DELETE', 'faults');
    await control(sim.url, 'POST', 'faults', {
      rules: [{ path: '/v1/me', kind: 'slow', delay_ms: 400, count: 1 }],
    });
    assert.ok(await client({ timeoutMs: 100 }).get('/me'), 'a timed-out request is retried');
    await control(sim.url, 'POST', 'faults', {
      rules: [{ path: '/v1/me', kind: 'malformed', count: 1 }],
    });
    assert.ok(await client().get('/me'), 'a cut-off body is retried');
  });

  it('403 and 404 are typed and never retried', async () => {
    const c = client();
    await assert.rejects(c.get('/audio-features', { ids: 'x' }), SpotifyForbidden);
    await assert.rejects(c.get(`/tracks/${'0'.repeat(22)}`), SpotifyNotFound);
    assert.equal(c.counts.requests, 2);
  });

  it('QUOTA_EXCEEDED blocks until the next UTC day, across clients', async () => {
    await control(sim.url, 'POST', 'faults', {
      rules: [{ path: '/v1/me', kind: 'quota', count: 1 }],
    });
    const now = Date.parse('2026-11-24T15:00:00Z');
    await assert.rejects(
      client({ now: () => now }).get('/me'),
      (e: unknown) =>
        e instanceof RateLimited && e.quota && e.until.toISOString() === '2026-11-25T00:00:00.000Z',
    );
    const other = client({ now: () => now + 3_600_000 });
    await assert.rejects(other.get('/me'), RateLimited);
    assert.equal(other.counts.requests, 0);
    assert.ok(
      await client({ now: () => Date.parse('2026-11-25T00:00:01Z') }).get('/me'),
      'calls resume the next day',
    );
  });

  it('a long Retry-After blocks until its time, then calls resume', async () => {
    await control(sim.url, 'POST', 'faults', {
      rules: [{ path: '/v1/me', kind: 'rate_limit', retry_after: 90000, count: 1 }],
    });
    const now = Date.parse('2026-11-24T15:00:00Z');
    await assert.rejects(
      client({ now: () => now }).get('/me'),
      (e: unknown) =>
        e instanceof RateLimited && !e.quota && e.until.getTime() === now + 90_000_000,
    );
    const blocked = client({ now: () => now + 89_999_000 });
    await assert.rejects(blocked.get('/me'), RateLimited);
    assert.equal(blocked.counts.requests, 0);
    const later = client({ now: () => now + 90_000_001 });
    assert.ok(await later.get('/me'));
    assert.equal(later.counts.requests, 1);
  });

  it('two clients refreshing at once both succeed, and the rotated refresh token is kept', async () => {
    // Strict rotation: a refresh token used twice would fail, so only the lock saves the day.
    await control(sim.url, 'POST', 'settings', { revoke_rotated_refresh_tokens: true });
    try {
      await control(sim.url, 'POST', 'faults', {
        rules: [{ path: '/v1/me', kind: 'expire_tokens', count: 1 }],
      });
      const [a, b] = [client(), client()];
      const results = await Promise.all([a.get('/me'), b.get('/me')]);
      assert.ok(results.every((r) => r !== null));
      assert.equal(
        a.counts.refreshes + b.counts.refreshes,
        1,
        'one refresh; the other client used its result',
      );
      // The stored refresh token is the live one: a third client can refresh with it.
      await control(sim.url, 'POST', 'faults', {
        rules: [{ path: '/v1/me', kind: 'expire_tokens', count: 1 }],
      });
      const c = client();
      assert.ok(await c.get('/me'));
      assert.equal(c.counts.refreshes, 1);
    } finally {
      await control(sim.url, 'POST', 'settings', { revoke_rotated_refresh_tokens: false });
    }
  });

  it('a refresh answer without a refresh token keeps the old one', async () => {
    await control(sim.url, 'POST', 'settings', { rotate_refresh_tokens: false });
    const store = new TokenStore(home);
    const before = await store.read();
    await control(sim.url, 'POST', 'faults', {
      rules: [{ path: '/v1/me', kind: 'expire_tokens', count: 1 }],
    });
    assert.ok(await client().get('/me'));
    const after = await store.read();
    assert.equal(after?.refresh_token, before?.refresh_token);
    assert.notEqual(after?.access_token, before?.access_token);
  });
});
