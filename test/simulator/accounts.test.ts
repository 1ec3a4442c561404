import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type Simulator, startSimulator } from '../../src/simulator/server.js';
import { ALL_SCOPES, api, control, loginWithPkce } from '../support/oauth.js';

const REDIRECT = 'http://127.0.0.1:8888/callback';

async function authorize(base: string, params: Record<string, string>) {
  const url = new URL(`${base}/authorize`);
  for (const [k, v] of Object.entries({
    client_id: 'wrapped-demo',
    response_type: 'code',
    redirect_uri: REDIRECT,
    scope: ALL_SCOPES,
    state: 's1',
    ...params,
  })) {
    if (v !== '') url.searchParams.set(k, v);
  }
  const response = await fetch(url, { redirect: 'manual' });
  return {
    status: response.status,
    location: response.headers.get('location'),
    text: await response.text(),
  };
}

async function token(base: string, form: Record<string, string>, basic?: string) {
  const response = await fetch(`${base}/api/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(basic ? { authorization: `Basic ${Buffer.from(basic).toString('base64')}` } : {}),
    },
    body: new URLSearchParams(form),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

describe('simulator: accounts service', () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ seed: 'accounts', start: new Date('2026-01-10T10:00:00Z') });
  });
  after(() => sim.close());

  it('authorization code flow with the client secret, then the API', async () => {
    const consent = await authorize(sim.url, {});
    assert.equal(consent.status, 302);
    const location = new URL(consent.location ?? '');
    assert.equal(location.origin + location.pathname, REDIRECT);
    assert.equal(location.searchParams.get('state'), 's1');
    const code = location.searchParams.get('code') as string;
    const issued = await token(
      sim.url,
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT },
      'wrapped-demo:wrapped-demo-secret',
    );
    assert.equal(issued.status, 200);
    assert.equal(issued.body.token_type, 'Bearer');
    assert.equal(Number(issued.body.expires_in), 3600);
    assert.equal(issued.body.scope, ALL_SCOPES);
    const me = await api(sim.url, issued.body.access_token as string, '/me');
    assert.equal(me.status, 200);
    assert.equal((me.body as { account_id: string }).account_id, sim.world.accountId);
    // A code works once.
    const again = await token(
      sim.url,
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT },
      'wrapped-demo:wrapped-demo-secret',
    );
    assert.deepEqual(again, {
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Invalid authorization code' },
    });
  });

  it('applies the 2025 redirect rules and checks the client', async () => {
    for (const redirect of ['http://localhost:8888/callback', 'http://example.org/cb']) {
      const refused = await authorize(sim.url, { redirect_uri: redirect });
      assert.equal(refused.status, 400);
      assert.match(refused.text, /INVALID_CLIENT: Insecure redirect URI/);
    }
    assert.equal(
      (await authorize(sim.url, { redirect_uri: 'http://[::1]:8888/callback' })).status,
      302,
    );
    assert.equal(
      (await authorize(sim.url, { redirect_uri: 'https://example.org/cb' })).status,
      302,
    );
    assert.match(
      (await authorize(sim.url, { client_id: 'someone-else' })).text,
      /INVALID_CLIENT: Invalid client/,
    );
    const scope = new URL(
      (await authorize(sim.url, { scope: 'user-read-everything' })).location ?? '',
    );
    assert.equal(scope.searchParams.get('error'), 'invalid_scope');
    const type = new URL((await authorize(sim.url, { response_type: 'token' })).location ?? '');
    assert.equal(type.searchParams.get('error'), 'unsupported_response_type');
    const pkce = new URL(
      (await authorize(sim.url, { code_challenge_method: 'plain', code_challenge: 'x'.repeat(43) }))
        .location ?? '',
    );
    assert.equal(pkce.searchParams.get('error'), 'invalid_request');
  });

  it('denial mode redirects with access_denied and the state', async () => {
    await control(sim.url, 'POST', 'settings', { deny_consent: true });
    try {
      const denied = new URL((await authorize(sim.url, { state: 'abc' })).location ?? '');
      assert.equal(denied.searchParams.get('error'), 'access_denied');
      assert.equal(denied.searchParams.get('state'), 'abc');
      assert.equal(denied.searchParams.get('code'), null);
    } finally {
      await control(sim.url, 'POST', 'settings', { deny_consent: false });
    }
  });

  it('PKCE: a wrong verifier and a missing secret are refused with Spotify error bodies', async () => {
    const verifier = 'v'.repeat(64);
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const code = new URL(
      (await authorize(sim.url, { code_challenge_method: 'S256', code_challenge: challenge }))
        .location ?? '',
    ).searchParams.get('code') as string;
    const wrong = await token(sim.url, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      client_id: 'wrapped-demo',
      code_verifier: 'w'.repeat(64),
    });
    assert.deepEqual(wrong, {
      status: 400,
      body: { error: 'invalid_grant', error_description: 'code_verifier was incorrect' },
    });
    const plain = new URL((await authorize(sim.url, {})).location ?? '').searchParams.get(
      'code',
    ) as string;
    const noSecret = await token(sim.url, {
      grant_type: 'authorization_code',
      code: plain,
      redirect_uri: REDIRECT,
      client_id: 'wrapped-demo',
    });
    assert.equal(noSecret.body.error, 'invalid_client');
    const badSecret = await token(
      sim.url,
      { grant_type: 'authorization_code', code: plain, redirect_uri: REDIRECT },
      'wrapped-demo:nope',
    );
    assert.deepEqual(badSecret.body, {
      error: 'invalid_client',
      error_description: 'Invalid client secret',
    });
    const grant = await token(sim.url, { grant_type: 'password', client_id: 'wrapped-demo' });
    assert.equal(grant.body.error, 'unsupported_grant_type');
  });

  it('access tokens expire after an hour; refresh rotates or not; refresh tokens die after six months', async () => {
    const own = await startSimulator({
      seed: 'accounts-2',
      start: new Date('2026-01-10T10:00:00Z'),
    });
    try {
      const login = await loginWithPkce(own.url);
      await control(own.url, 'POST', 'clock', { advance: 'PT59M' });
      assert.equal((await api(own.url, login.access_token, '/me')).status, 200);
      await control(own.url, 'POST', 'clock', { advance: 'PT1M' });
      assert.deepEqual(
        await api(own.url, login.access_token, '/me').then((r) => [r.status, r.body]),
        [401, { error: { status: 401, message: 'The access token expired' } }],
      );
      assert.deepEqual((await api(own.url, 'garbage', '/me')).body, {
        error: { status: 401, message: 'Invalid access token' },
      });

      const rotated = await token(own.url, {
        grant_type: 'refresh_token',
        refresh_token: login.refresh_token,
        client_id: 'wrapped-demo',
      });
      assert.equal(rotated.status, 200);
      assert.ok(rotated.body.refresh_token && rotated.body.refresh_token !== login.refresh_token);
      // Like Spotify, the rotated-out token still works; strict rotation (a switch) retires it.
      const stillValid = await token(own.url, {
        grant_type: 'refresh_token',
        refresh_token: login.refresh_token,
        client_id: 'wrapped-demo',
      });
      assert.equal(stillValid.status, 200);
      await control(own.url, 'POST', 'settings', { revoke_rotated_refresh_tokens: true });
      const strict = await token(own.url, {
        grant_type: 'refresh_token',
        refresh_token: stillValid.body.refresh_token as string,
        client_id: 'wrapped-demo',
      });
      assert.equal(strict.status, 200);
      const reused = await token(own.url, {
        grant_type: 'refresh_token',
        refresh_token: stillValid.body.refresh_token as string,
        client_id: 'wrapped-demo',
      });
      assert.equal(reused.body.error, 'invalid_grant');
      rotated.body.refresh_token = strict.body.refresh_token as string;
      await control(own.url, 'POST', 'settings', { revoke_rotated_refresh_tokens: false });

      await control(own.url, 'POST', 'settings', { rotate_refresh_tokens: false });
      const kept = await token(own.url, {
        grant_type: 'refresh_token',
        refresh_token: rotated.body.refresh_token as string,
        client_id: 'wrapped-demo',
      });
      assert.equal(kept.status, 200);
      assert.equal(kept.body.refresh_token, undefined);

      // Six calendar months after the login (2026-01-10 10:00), the refresh token is dead for good.
      await control(own.url, 'POST', 'clock', { to: '2026-07-10T09:59:00Z' });
      assert.equal(
        (
          await token(own.url, {
            grant_type: 'refresh_token',
            refresh_token: rotated.body.refresh_token as string,
            client_id: 'wrapped-demo',
          })
        ).status,
        200,
      );
      await control(own.url, 'POST', 'clock', { to: '2026-07-10T10:00:00Z' });
      assert.deepEqual(
        await token(own.url, {
          grant_type: 'refresh_token',
          refresh_token: rotated.body.refresh_token as string,
          client_id: 'wrapped-demo',
        }),
        {
          status: 400,
          body: { error: 'invalid_grant', error_description: 'Refresh token expired' },
        },
      );
    } finally {
      await own.close();
    }
  });

  it('a revoked authorisation answers invalid_grant "Refresh token revoked"', async () => {
    const login = await loginWithPkce(sim.url);
    await control(sim.url, 'POST', 'revoke');
    assert.deepEqual(
      await token(sim.url, {
        grant_type: 'refresh_token',
        refresh_token: login.refresh_token,
        client_id: 'wrapped-demo',
      }),
      {
        status: 400,
        body: { error: 'invalid_grant', error_description: 'Refresh token revoked' },
      },
    );
    assert.equal((await api(sim.url, login.access_token, '/me')).status, 401);
  });

  it('checks scopes per endpoint', async () => {
    const login = await loginWithPkce(sim.url, 'wrapped-demo', 'user-read-private');
    const forbidden = await api(sim.url, login.access_token, '/me/player/recently-played');
    assert.deepEqual(
      [forbidden.status, forbidden.body],
      [403, { error: { status: 403, message: 'Insufficient client scope' } }],
    );
  });
});
