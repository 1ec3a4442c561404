/**
 * `wrapped run` against the simulator with a local Slack stand-in: one message per incident,
 * a recovery message when it ends, and a webhook URL that never shows anywhere.
 */
import assert from 'node:assert/strict';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import { FsLake } from '../../src/lake/drivers/fs.js';
import { runPipeline } from '../../src/pipeline/run.js';
import { type Simulator, startSimulator } from '../../src/simulator/server.js';
import { TokenStore } from '../../src/spotify/token-store.js';
import { wrapped } from '../support/helpers.js';
import { control } from '../support/oauth.js';
import { loggedInHome } from '../support/sim-login.js';
import { type SlackReceiver, startSlackReceiver } from '../support/slack-receiver.js';

describe('wrapped run: incidents and Slack', () => {
  let sim: Simulator;
  let slack: SlackReceiver;
  const homes: string[] = [];
  before(async () => {
    sim = await startSimulator({ seed: 'run', start: new Date('2026-11-10T06:30:00Z') });
    slack = await startSlackReceiver();
  });
  after(async () => {
    await sim.close();
    await slack.close();
    // The webhook URL is a secret: not in any file the runs left.
    const secret = new URL(slack.url).pathname;
    for (const home of homes) {
      for (const file of await allFiles(home))
        assert.ok(
          !(await readFile(file, 'utf8').catch(() => '')).includes(secret),
          `${file} holds the webhook URL`,
        );
      await rm(home, { recursive: true, force: true });
    }
  });

  async function setup() {
    const login = await loggedInHome(sim);
    homes.push(login.home);
    const env = {
      WRAPPED_HOME: login.home,
      WRAPPED_TIMEZONE: 'UTC',
      SPOTIFY_CLIENT_ID: 'wrapped-demo',
      SPOTIFY_ACCOUNTS_URL: sim.url,
      SPOTIFY_API_URL: `${sim.url}/v1`,
      SLACK_WEBHOOK_URL: slack.url,
    };
    const config = loadConfig({ env, cwd: login.home });
    const lake = new FsLake(join(login.home, 'lake'));
    const run = async () => {
      await control(sim.url, 'POST', 'clock', { advance: 'PT1H' });
      return runPipeline({ config, lake, now: new Date(sim.world.now), client: { backoffMs: 5 } });
    };
    return { ...login, env, config, lake, run };
  }

  it('five failing runs send one failure message; the sixth run sends one recovery message', async () => {
    const { run, lake } = await setup();
    slack.messages.length = 0;
    await control(sim.url, 'POST', 'faults', {
      rules: [{ path: '/v1/*', kind: 'server_error', status: 500 }],
    });
    for (let i = 0; i < 5; i++) {
      const record = await run();
      assert.equal(record.status, 'failed');
      assert.equal(record.error?.stage, 'extract');
    }
    await control(sim.url, 'DELETE', 'faults');
    assert.equal(slack.messages.length, 1);
    const failure = JSON.stringify(slack.messages[0]);
    assert.match(failure, /Stage: extract/);
    assert.match(failure, /answered 500/);
    assert.match(failure, /Next: Spotify had trouble; the next run tries again/);
    const ok = await run();
    assert.equal(ok.status, 'ok', JSON.stringify(ok.error));
    assert.equal(slack.messages.length, 2);
    assert.match(slack.messages[1]?.text ?? '', /runs work again/);
    // Every run left a record.
    const records = [];
    for await (const entry of lake.list('_state/runs/')) records.push(entry.path);
    assert.equal(records.length, 6);
  });

  it('invalid_grant sends one "login required" message naming wrapped auth login', async () => {
    const { run } = await setup();
    slack.messages.length = 0;
    await control(sim.url, 'POST', 'faults', {
      rules: [
        { path: '/api/token', kind: 'invalid_grant', count: 1 },
        { path: '/v1/me', kind: 'expire_tokens', count: 1 },
      ],
    });
    const first = await run();
    assert.equal(first.status, 'failed');
    assert.equal(first.error?.type, 'ReauthRequired');
    await run(); // still logged out: no second message
    assert.equal(slack.messages.length, 1);
    assert.match(slack.messages[0]?.text ?? '', /login required.*wrapped auth login/s);
  });

  it('a login 10 days from expiry sends one warning', async () => {
    const { run, home } = await setup();
    slack.messages.length = 0;
    const store = new TokenStore(home);
    const tokens = await store.read();
    const authorized = new Date(sim.world.now);
    authorized.setUTCMonth(authorized.getUTCMonth() - 6);
    authorized.setUTCDate(authorized.getUTCDate() + 10);
    await store.write({
      ...(tokens as NonNullable<typeof tokens>),
      authorized_at: authorized.toISOString(),
    });
    await run();
    await run();
    const warnings = slack.messages.filter((m) => /log in again within/.test(m.text));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]?.text ?? '', /within (9|10) days/);
  });

  it('a failing webhook never fails the run; the message goes out with the next one', async () => {
    const { run } = await setup();
    slack.messages.length = 0;
    slack.failing = true;
    await control(sim.url, 'POST', 'faults', {
      rules: [{ path: '/v1/*', kind: 'server_error', status: 503, count: 40 }],
    });
    const failed = await run();
    await control(sim.url, 'DELETE', 'faults');
    assert.equal(failed.status, 'failed');
    assert.equal(failed.notifications?.sent, 0);
    assert.match(failed.notifications?.error ?? '', /the webhook answered 500/);
    assert.doesNotMatch(JSON.stringify(failed), /very-secret-token/);
    slack.failing = false;
    const recovered = await run();
    assert.equal(recovered.status, 'ok');
    assert.deepEqual(
      slack.messages.map((m) =>
        /work again/.test(m.text) ? 'recovery' : /run failed/.test(m.text) ? 'failure' : m.text,
      ),
      ['failure', 'recovery'],
    );
  });

  it('wrapped notify test reaches the webhook, and says so plainly when it cannot', async () => {
    const { env } = await setup();
    const before = slack.messages.length;
    const sent = await wrapped(['notify', 'test'], { env });
    assert.equal(sent.code, 0, sent.stderr);
    assert.equal(slack.messages.length, before + 1);
    const broken = await wrapped(['notify', 'test'], {
      env: { ...env, SLACK_WEBHOOK_URL: `${slack.url}-nope` },
    });
    assert.equal(broken.code, 1);
    assert.match(broken.stdout, /Not sent: the webhook answered 404/);
    assert.doesNotMatch(
      broken.stdout + broken.stderr + sent.stdout + sent.stderr,
      /very-secret-token/,
    );
  });
});

async function allFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await allFiles(path)));
    else if (entry.isFile() && !entry.name.endsWith('.parquet') && !entry.name.endsWith('.duckdb'))
      out.push(path);
  }
  return out;
}
