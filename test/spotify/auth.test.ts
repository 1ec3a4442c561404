/**
 * Logging in and calling the API, end to end against the simulator over real HTTP, through the
 * real `wrapped` binary. Every byte these commands print, and every file they leave in HOME
 * (apart from the token store), is checked for secrets at the end.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Simulator, startSimulator } from '../../src/simulator/server.js';
import { TOKEN_FILE } from '../../src/spotify/token-store.js';
import { freeCallbackPort } from '../support/free-port.js';
import { BIN, wrapped } from '../support/helpers.js';
import { control } from '../support/oauth.js';

const SECRET = 'wrapped-demo-secret';

describe('wrapped auth and the API client against the simulator', () => {
  let sim: Simulator;
  const printed: string[] = [];
  const homes: string[] = [];

  let base: string;
  before(async () => {
    sim = await startSimulator({ seed: 'auth', start: new Date('2026-11-20T12:00:00Z') });
    base = await mkdtemp(join(tmpdir(), 'wrapped-auth-'));
  });
  after(async () => {
    // No token or secret in anything printed, nor in any file under HOME but the token store.
    const stores = await Promise.all(
      homes.map((h) => readFile(join(h, TOKEN_FILE), 'utf8').catch(() => '{}')),
    );
    const secrets = [SECRET];
    for (const store of stores) {
      const t = JSON.parse(store) as { access_token?: string; refresh_token?: string };
      if (t.access_token) secrets.push(t.access_token);
      if (t.refresh_token) secrets.push(t.refresh_token);
    }
    const leaks: string[] = [];
    for (const text of printed)
      for (const s of secrets) if (text.includes(s)) leaks.push(`printed: ${s.slice(0, 6)}...`);
    for (const home of homes) {
      for (const file of await listFiles(home)) {
        if (file.endsWith(TOKEN_FILE)) continue;
        const content = await readFile(file, 'utf8');
        for (const s of secrets)
          if (content.includes(s)) leaks.push(`${file}: ${s.slice(0, 6)}...`);
      }
    }
    await sim.close();
    await rm(base, { recursive: true, force: true });
    assert.deepEqual(leaks, []);
    assert.ok(secrets.length > 4, 'tokens were collected for the leak check');
  });

  async function env(extra: Record<string, string> = {}) {
    const home = await mkdtemp(join(base, 'home-'));
    homes.push(home);
    return {
      WRAPPED_HOME: home,
      SPOTIFY_CLIENT_ID: 'wrapped-demo',
      SPOTIFY_ACCOUNTS_URL: sim.url,
      SPOTIFY_API_URL: `${sim.url}/v1`,
      SPOTIFY_REDIRECT_URI: `http://127.0.0.1:${await freeCallbackPort()}/callback`,
      ...extra,
    };
  }

  async function run(args: string[], vars: Record<string, string>) {
    const result = await wrapped(args, { env: vars });
    printed.push(result.stdout, result.stderr);
    return result;
  }

  /** `wrapped auth login --no-browser --json`, with the test playing the browser. */
  async function login(
    vars: Record<string, string>,
    browse: (url: string) => Promise<void> = follow,
  ) {
    const child = spawn(
      process.execPath,
      [BIN, 'auth', 'login', '--no-browser', '--json', '--timeout', '20'],
      {
        env: { PATH: process.env.PATH ?? '', ...vars },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const firstLine = new Promise<string>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes('\n')) resolve(stdout.split('\n')[0] as string);
      });
    });
    const { authorize_url } = JSON.parse(await firstLine) as { authorize_url: string };
    await browse(authorize_url);
    const [code] = (await once(child, 'close')) as [number];
    printed.push(stdout, stderr);
    return { code, stdout, stderr, authorizeUrl: authorize_url };
  }

  /** The browser: open the URL, follow the redirect to the callback. */
  async function follow(url: string) {
    const consent = await fetch(url, { redirect: 'manual' });
    const location = consent.headers.get('location');
    assert.ok(location, `no redirect from ${url}`);
    const page = await fetch(location);
    printed.push(await page.text());
  }

  it('logs in with PKCE; status shows the account, scopes and about 180 days left', async () => {
    const vars = await env();
    const result = await login(vars);
    assert.equal(result.code, 0, result.stderr);
    const url = new URL(result.authorizeUrl);
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    const status = await run(['auth', 'status', '--json'], vars);
    const info = JSON.parse(status.stdout);
    assert.equal(info.account_id, sim.world.accountId);
    assert.equal(info.display_name, 'Sim Listener');
    assert.ok(info.scopes.includes('user-read-recently-played'));
    assert.ok(info.days_left >= 179 && info.days_left <= 181, String(info.days_left));
    assert.equal((await stat(join(vars.WRAPPED_HOME, TOKEN_FILE))).mode & 0o777, 0o600);
  });

  it('logs in with the client secret (no PKCE)', async () => {
    const vars = await env({ SPOTIFY_CLIENT_SECRET: SECRET });
    const result = await login(vars);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(new URL(result.authorizeUrl).searchParams.get('code_challenge'), null);
    const me = await run(['api', '/me', '--json'], vars);
    assert.equal(JSON.parse(me.stdout).account_id, sim.world.accountId);
  });

  it('a denial, a wrong state and no answer each end the login clearly', async () => {
    const vars = await env();
    await control(sim.url, 'POST', 'settings', { deny_consent: true });
    const denied = await login(vars);
    await control(sim.url, 'POST', 'settings', { deny_consent: false });
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /You declined access/);

    const wrongState = await login(vars, async (url) => {
      const redirect = new URL(url).searchParams.get('redirect_uri') as string;
      await fetch(`${redirect}?code=forged&state=not-the-state`);
    });
    assert.notEqual(wrongState.code, 0);
    assert.match(wrongState.stderr, /wrong state/);

    const timeout = await run(['auth', 'login', '--no-browser', '--timeout', '1'], vars);
    assert.equal(timeout.code, 1);
    assert.match(timeout.stderr, /No answer from the browser within 1 s/);
    assert.equal((await run(['auth', 'status', '--json'], vars)).code, 1, 'nothing was saved');
  });

  it('invalid_grant on refresh: ReauthRequired, a non-zero exit and the way out', async () => {
    const vars = await env();
    assert.equal((await login(vars)).code, 0);
    await control(sim.url, 'POST', 'faults', {
      rules: [
        { path: '/v1/me', kind: 'expire_tokens', count: 1 },
        { path: '/api/token', kind: 'invalid_grant', count: 1 },
      ],
    });
    const result = await run(['api', '/me'], vars);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /no longer accepts the saved login \(Refresh token revoked\)/);
    assert.match(result.stderr, /wrapped auth login/);
  });

  it('Retry-After 2 is waited out; a long one blocks every later process without a request', async () => {
    const vars = await env({ SPOTIFY_MAX_WAIT_SECONDS: '3' });
    assert.equal((await login(vars)).code, 0);
    const requests = async () => ((await control(sim.url, 'GET', 'requests')) as unknown[]).length;

    await control(sim.url, 'POST', 'faults', {
      rules: [{ path: '/v1/me', kind: 'rate_limit', retry_after: 2, count: 1 }],
    });
    const before = await requests();
    const waited = await run(['api', '/me', '--json'], vars);
    assert.equal(waited.code, 0, waited.stderr);
    assert.equal((await requests()) - before, 2);

    await control(sim.url, 'POST', 'faults', {
      rules: [{ path: '/v1/me', kind: 'rate_limit', retry_after: 90000, count: 1 }],
    });
    const limited = await run(['api', '/me'], vars);
    assert.equal(limited.code, 1);
    assert.match(limited.stderr, /rate-limited this app; calls resume at /);
    const count = await requests();
    const again = await run(['api', '/me'], vars);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /calls resume at/);
    assert.equal(await requests(), count, 'the second process sent nothing');
    const status = JSON.parse((await run(['auth', 'status', '--json'], vars)).stdout);
    assert.ok(Date.parse(status.blocked_until) > Date.now() + 89_000 * 1000);
  });

  it('logout forgets the tokens', async () => {
    const vars = await env();
    assert.equal((await login(vars)).code, 0);
    assert.equal(
      JSON.parse((await run(['auth', 'logout', '--json'], vars)).stdout).logged_out,
      true,
    );
    const me = await run(['api', '/me'], vars);
    assert.equal(me.code, 2);
    assert.match(me.stderr, /No Spotify login is saved yet/);
  });
});

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}
