import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startSimulator } from '../../src/simulator/server.js';
import { freeCallbackPort } from '../support/free-port.js';
import { BIN, tempDir, wrapped } from '../support/helpers.js';

const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('wrapped init', () => {
  it('writes .env (0600) with the id, .env.example without secrets, and git-ignores .env', async () => {
    const cwd = await tempDir();
    const result = await wrapped(
      [
        'init',
        '--client-id',
        'my-app-id',
        '--client-secret',
        'sekret-123',
        '--port',
        '9123',
        '--timezone',
        'Europe/Berlin',
        '--no-login',
        '--json',
      ],
      {
        cwd,
        env: { WRAPPED_HOME: join(cwd, 'home') },
      },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stdout + result.stderr, /sekret-123/);
    const env = await readFile(join(cwd, '.env'), 'utf8');
    assert.equal((await stat(join(cwd, '.env'))).mode & 0o777, 0o600);
    assert.match(env, /^SPOTIFY_CLIENT_ID=my-app-id$/m);
    assert.match(env, /^SPOTIFY_CLIENT_SECRET=sekret-123$/m);
    assert.match(env, /^SPOTIFY_REDIRECT_URI=http:\/\/127\.0\.0\.1:9123\/callback$/m);
    assert.match(env, /^WRAPPED_TIMEZONE=Europe\/Berlin$/m);
    const example = await readFile(join(cwd, '.env.example'), 'utf8');
    assert.doesNotMatch(example, /sekret|my-app-id/);
    assert.match(await readFile(join(cwd, '.gitignore'), 'utf8'), /^\.env$/m);
  });

  it('--json reports the auth mode login will use: a secret from the environment is not PKCE', async () => {
    const cwd = await tempDir();
    const args = ['init', '--client-id', 'my-app-id', '--no-login', '--json', '--yes'];
    const pkce = await wrapped(args, { cwd, env: { WRAPPED_HOME: join(cwd, 'home') } });
    assert.equal(pkce.code, 0, pkce.stderr);
    assert.equal(JSON.parse(pkce.stdout).auth_mode, 'pkce');
    const secret = await wrapped(args, {
      cwd,
      env: { WRAPPED_HOME: join(cwd, 'home'), SPOTIFY_CLIENT_SECRET: 'from-the-environment' },
    });
    assert.equal(secret.code, 0, secret.stderr);
    const summary = JSON.parse(secret.stdout);
    assert.equal(summary.auth_mode, 'client_secret');
    assert.equal(summary.pkce, false);
    assert.doesNotMatch(secret.stdout + secret.stderr, /from-the-environment/);
  });

  it('running it again updates in place and keeps unrelated lines; without --yes it asks first', async () => {
    const cwd = await tempDir();
    await writeFile(
      join(cwd, '.env'),
      '# my notes\nOTHER_TOOL_TOKEN=keep-me\nSPOTIFY_CLIENT_ID=old-id\nWRAPPED_HOME=/somewhere\n',
      { mode: 0o644 },
    );
    await writeFile(join(cwd, '.gitignore'), 'node_modules/\n.env\n');
    const refused = await wrapped(['init', '--client-id', 'new-id', '--no-login'], { cwd });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /exists and would change[\s\S]*--yes/);
    assert.match(await readFile(join(cwd, '.env'), 'utf8'), /old-id/);

    const updated = await wrapped(['init', '--client-id', 'new-id', '--yes', '--no-login'], {
      cwd,
    });
    assert.equal(updated.code, 0, updated.stderr);
    const env = await readFile(join(cwd, '.env'), 'utf8');
    assert.match(
      env,
      /^# my notes\nOTHER_TOOL_TOKEN=keep-me\nSPOTIFY_CLIENT_ID=new-id\nWRAPPED_HOME=\/somewhere\n/,
    );
    assert.equal((await stat(join(cwd, '.env'))).mode & 0o777, 0o600);
    assert.equal(
      await readFile(join(cwd, '.gitignore'), 'utf8'),
      'node_modules/\n.env\n',
      'not added twice',
    );
  });

  it('never prompts without a terminal: it names the missing flag', async () => {
    const cwd = await tempDir();
    const result = await wrapped(['init', '--no-login'], { cwd });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--client-id is needed and there is no terminal to ask on/);
  });

  it('asks on a terminal, without echoing the secret', {
    skip: hasScript ? false : 'needs script(1) from util-linux for a terminal',
  }, async () => {
    const cwd = await tempDir();
    const child = spawn(
      'script',
      ['-qec', `${process.execPath} ${BIN} init --no-login`, '/dev/null'],
      {
        cwd,
        env: { PATH: process.env.PATH ?? '', WRAPPED_HOME: join(cwd, 'home'), TERM: 'dumb' },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let screen = '';
    child.stdout.on('data', (d: Buffer) => {
      screen += d.toString();
    });
    const answer = async (prompt: RegExp, text: string) => {
      for (let i = 0; i < 200 && !prompt.test(screen); i++)
        await new Promise((r) => setTimeout(r, 25));
      child.stdin.write(`${text}\n`);
    };
    await answer(/Spotify client id/, 'typed-id');
    await answer(/Client secret/, 'typed-secret');
    await answer(/Redirect port/, '');
    await answer(/Time zone/, 'Asia/Tokyo');
    await answer(/Slack webhook/, '');
    await answer(/Azure Key Vault/, '');
    const [code] = (await once(child, 'close')) as [number];
    assert.equal(code, 0, screen);
    assert.doesNotMatch(screen, /typed-secret/);
    const env = await readFile(join(cwd, '.env'), 'utf8');
    assert.match(env, /SPOTIFY_CLIENT_ID=typed-id/);
    assert.match(env, /SPOTIFY_CLIENT_SECRET=typed-secret/);
    assert.match(env, /SPOTIFY_REDIRECT_URI=http:\/\/127\.0\.0\.1:8888\/callback/);
    assert.match(env, /WRAPPED_TIMEZONE=Asia\/Tokyo/);
    assert.doesNotMatch(env, /KEY_VAULT_URL/, 'Enter keeps the secrets in .env');
  });

  it('then logs in (against the simulator)', async () => {
    const sim = await startSimulator({ seed: 'init', start: new Date('2026-11-20T12:00:00Z') });
    try {
      const cwd = await tempDir();
      const port = await freeCallbackPort();
      const child = spawn(
        process.execPath,
        [BIN, 'init', '--client-id', 'wrapped-demo', '--port', String(port), '--yes', '--json'],
        {
          cwd,
          env: {
            PATH: process.env.PATH ?? '',
            WRAPPED_HOME: join(cwd, 'home'),
            SPOTIFY_ACCOUNTS_URL: sim.url,
            SPOTIFY_API_URL: `${sim.url}/v1`,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      const url = await new Promise<string>((resolve) => {
        child.stdout.on('data', (d: Buffer) => {
          stdout += d.toString();
          const line = stdout.split('\n')[0];
          if (stdout.includes('\n') && line)
            resolve((JSON.parse(line) as { authorize_url: string }).authorize_url);
        });
      });
      const consent = await fetch(url, { redirect: 'manual' });
      await (await fetch(consent.headers.get('location') as string)).text();
      const [code] = (await once(child, 'close')) as [number];
      assert.equal(code, 0);
      const summary = JSON.parse(stdout.trim().split('\n').at(-1) as string);
      assert.equal(summary.login.account_id, sim.world.accountId);
      assert.equal(summary.pkce, true);
    } finally {
      await sim.close();
    }
  });
});
