import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runExtract } from '../../src/extract/extract.js';
import type { FsLake } from '../../src/lake/drivers/fs.js';
import type { Simulator } from '../../src/simulator/server.js';
import { BlockStore } from '../../src/spotify/block-store.js';
import { SpotifyClient } from '../../src/spotify/client.js';
import { authorizeUrl, exchangeCode, type OAuthApp, pkcePair } from '../../src/spotify/oauth.js';
import { TokenStore } from '../../src/spotify/token-store.js';
import { BIN } from './helpers.js';

/** A HOME logged in to the simulator (PKCE over real HTTP), and a client on the simulator's clock. */
export async function loggedInHome(
  sim: Simulator,
  base?: string,
): Promise<{ home: string; app: OAuthApp; client: () => SpotifyClient; blocks: BlockStore }> {
  const home = await mkdtemp(join(base ?? tmpdir(), 'wrapped-home-'));
  const app: OAuthApp = {
    accountsUrl: sim.url,
    clientId: 'wrapped-demo',
    clientSecret: undefined,
    redirectUri: 'http://127.0.0.1:8888/callback',
  };
  const { verifier, challenge } = pkcePair();
  const consent = await fetch(authorizeUrl(app, 'state', challenge), { redirect: 'manual' });
  const code = new URL(consent.headers.get('location') as string).searchParams.get(
    'code',
  ) as string;
  const tokens = await exchangeCode(app, code, verifier);
  await new TokenStore(home).write({
    client_id: app.clientId,
    access_token: tokens.access_token,
    access_expires_at: sim.world.now + tokens.expires_in * 1000,
    refresh_token: tokens.refresh_token as string,
    scope: (tokens.scope ?? '').split(' '),
    authorized_at: new Date(sim.world.now).toISOString(),
    account_id: null,
    display_name: null,
  });
  const blocks = new BlockStore(home);
  return {
    home,
    app,
    blocks,
    client: () =>
      new SpotifyClient({
        app,
        apiUrl: `${sim.url}/v1`,
        store: new TokenStore(home),
        blocks,
        backoffMs: 5,
        now: () => sim.world.now,
      }),
  };
}

/**
 * Hourly extract runs against the simulator: its clock moves one hour, then the chosen sources
 * pull and land, as `wrapped run` would every hour.
 */
export async function pollHourly(
  sim: Simulator,
  login: Awaited<ReturnType<typeof loggedInHome>>,
  options: { lake: FsLake; hours: number; only: string[]; catalogBudget?: number },
): Promise<void> {
  for (let hour = 0; hour < options.hours; hour++) {
    sim.world.now += 3_600_000;
    await runExtract({
      lake: options.lake,
      client: login.client(),
      blocks: login.blocks,
      now: new Date(sim.world.now),
      only: options.only,
      ...(options.catalogBudget === undefined ? {} : { catalogBudget: options.catalogBudget }),
    });
  }
}

/**
 * `wrapped auth login --no-browser` (or another login command: `listener add anna`) in a child,
 * with the test playing the browser against the simulator's consent page. Returns the exit
 * code and what the command printed.
 */
export async function cliLogin(
  env: Record<string, string>,
  command: string[] = ['auth', 'login'],
): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(process.execPath, [BIN, ...command, '--no-browser', '--json'], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const closed = once(child, 'close') as Promise<[number | null]>;
  const url = await new Promise<string | undefined>((resolve) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0] as string).authorize_url);
    });
    void closed.then(() => resolve(undefined));
  });
  if (url !== undefined) {
    const consent = await fetch(url, { redirect: 'manual' });
    await (await fetch(consent.headers.get('location') as string)).text();
  }
  const [code] = await closed;
  return { code, stdout: out };
}
