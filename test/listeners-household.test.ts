/**
 * A household on one lake: two accounts of the simulated Spotify, each logged in as a listener
 * (`me` with `wrapped auth login`, `anna` with `wrapped listener add anna`), pulled every hour
 * by the same runs. Each one's plays are exactly what their own account's API showed, computed
 * from the simulator's ground truth; one listener's lost login does not stop the other's pulls.
 */
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../src/config/load.js';
import { FsLake } from '../src/lake/drivers/fs.js';
import { runPipeline } from '../src/pipeline/run.js';
import { type Simulator, startSimulator } from '../src/simulator/server.js';
import { freeCallbackPort } from './support/free-port.js';
import { queryRows, tempDir, wrapped } from './support/helpers.js';
import { control } from './support/oauth.js';
import { cliLogin } from './support/sim-login.js';
import { type SlackReceiver, startSlackReceiver } from './support/slack-receiver.js';
import { type TruthPlay, windowAt } from './support/truth.js';

const HOURS = 30;

describe('a household: two Spotify accounts pulled into one lake', () => {
  let sim: Simulator;
  let home: string;
  let env: Record<string, string>;
  let slack: SlackReceiver;
  const polls: number[] = [];

  before(async () => {
    sim = await startSimulator({
      seed: 'household',
      start: new Date('2026-11-10T06:30:00Z'),
      listeners: 2,
    });
    home = await tempDir();
    slack = await startSlackReceiver();
    env = {
      SLACK_WEBHOOK_URL: slack.url,
      WRAPPED_HOME: home,
      WRAPPED_TIMEZONE: 'UTC',
      SPOTIFY_CLIENT_ID: 'wrapped-demo',
      SPOTIFY_ACCOUNTS_URL: sim.url,
      SPOTIFY_API_URL: `${sim.url}/v1`,
      SPOTIFY_REDIRECT_URI: `http://127.0.0.1:${await freeCallbackPort()}/callback`,
    };
  });
  after(async () => {
    await sim.close();
    await slack.close();
    await rm(home, { recursive: true, force: true });
  });

  /** `wrapped run` once the simulated clock moved on by `advance` (an ISO duration). */
  async function runAfter(advance: string, transform = false) {
    await control(sim.url, 'POST', 'clock', { advance });
    return runPipeline({
      config: loadConfig({ env, cwd: home }),
      lake: new FsLake(join(home, 'lake')),
      now: new Date(sim.world.now),
      client: { backoffMs: 5 },
      transform,
    });
  }

  it('each listener logs in with their own account; one account cannot be two listeners', async () => {
    const me = await cliLogin(env);
    assert.equal(me.code, 0, me.stdout);
    // The browser is now signed in to Spotify as the second account.
    await control(sim.url, 'POST', 'session', { user: 'simlistener2' });
    const anna = await cliLogin(env, ['listener', 'add', 'anna']);
    assert.equal(anna.code, 0, anna.stdout);
    assert.match(anna.stdout, /"listener":"anna"/);
    // Spotify's consent page is shown again (show_dialog), so the second person can switch.
    assert.match(anna.stdout.split('\n')[0] ?? '', /show_dialog=true/);

    const again = await cliLogin(env, ['listener', 'add', 'ben']);
    assert.notEqual(again.code, 0);
    const list = JSON.parse((await wrapped(['listener', 'list', '--json'], { env })).stdout);
    assert.deepEqual(
      list.map((l: Record<string, unknown>) => [l.listener, l.spotify_user_id, l.logged_in]),
      [
        ['me', 'simlistener', true],
        ['anna', 'simlistener2', true],
      ],
    );
    // Each login is a file of its own, readable by its owner only.
    for (const file of ['spotify-tokens.json', 'spotify-tokens.anna.json'])
      assert.equal(
        ((await import('node:fs')).statSync(join(home, file)).mode & 0o777).toString(8),
        '600',
      );
    await assert.rejects(readFile(join(home, 'spotify-tokens.ben.json')), /ENOENT/);
  });

  it("hourly runs pull both accounts; each listener's plays are exactly what their account showed", async () => {
    for (let hour = 0; hour < HOURS; hour++) {
      const record = await runAfter('PT1H', hour === HOURS - 1);
      polls.push(sim.world.now);
      assert.equal(record.status, 'ok', JSON.stringify(record.error));
      assert.deepEqual(
        record.stages.extract?.listeners?.map((l) => [l.listener, l.status]),
        [
          ['me', 'ok'],
          ['anna', 'ok'],
        ],
      );
    }
    const landed = await queryRows(
      "SELECT listener_id, track_uri, epoch_ms(ended_at) AS ms FROM silver.fct_play WHERE source = 'api'",
      env,
    );
    const playsOf = (listener: string) =>
      new Set(
        landed
          .filter((r) => r.listener_id === listener)
          .map(
            (r) => `${String(r.track_uri).split(':')[2]}|${new Date(Number(r.ms)).toISOString()}`,
          ),
      );
    // The first poll shows the 50 latest plays, some days old: the truth from weeks before.
    const from = new Date((polls[0] as number) - 21 * 86_400_000).toISOString().slice(0, 10);
    for (const [listener, user] of [
      ['me', 'simlistener'],
      ['anna', 'simlistener2'],
    ] as const) {
      const truth = (await control(
        sim.url,
        'GET',
        `truth/plays?user=${user}&from=${from}T00:00:00Z&to=${new Date(sim.world.now).toISOString()}`,
      )) as TruthPlay[];
      const expected = new Set(polls.flatMap((t) => windowAt(truth, t)));
      assert.ok(expected.size > 20, `${listener}: ${expected.size} plays`);
      assert.deepEqual([...playsOf(listener)].sort(), [...expected].sort(), listener);
    }
    // `wrapped status` names the other listener, their login and newest play.
    const status = JSON.parse((await wrapped(['status', '--json'], { env })).stdout);
    const annaTruth = [...playsOf('anna')].map((p) => p.split('|')[1] as string).sort();
    assert.deepEqual(
      status.household.map((l: Record<string, unknown>) => [l.listener, l.display_name]),
      [['anna', 'Sim Listener 2']],
    );
    assert.ok(status.household[0].login_days_left > 170);
    assert.equal(status.household[0].newest_play_landed, annaTruth.at(-1));
    // Two people, two histories.
    const mine = playsOf('me');
    assert.ok([...playsOf('anna')].some((p) => !mine.has(p)));

    // Gold is per listener: each has their own days, and the dashboard's reads see `me`'s only.
    const days = await queryRows(
      'SELECT listener_id, sum(plays) AS plays FROM gold.agg_daily_listening GROUP BY 1 ORDER BY 1',
      env,
    );
    const counted = await queryRows(
      'SELECT listener_id, count(*) FILTER (WHERE counts_as_play) AS plays FROM silver.fct_play GROUP BY 1 ORDER BY 1',
      env,
    );
    assert.deepEqual(
      days.map((r) => [r.listener_id, Number(r.plays)]),
      counted.map((r) => [r.listener_id, Number(r.plays)]),
    );
  });

  it("Spotify's rate limit is the app's: once it says wait, no listener's pull asks", async () => {
    await control(sim.url, 'POST', 'faults', {
      rules: [
        { path: '/v1/me/player/recently-played', kind: 'rate_limit', retry_after: 7200, count: 1 },
      ],
    });
    const record = await runAfter('PT1H');
    await control(sim.url, 'DELETE', 'faults');
    assert.ok(record.stages.extract?.blocked_until, 'the block is recorded');
    const annas = record.stages.extract?.sources.filter((s) => s.listener === 'anna') ?? [];
    assert.ok(annas.length > 0);
    assert.ok(
      annas.every((s) => s.status === 'skipped'),
      JSON.stringify(annas),
    );
    // After the wait, both pull again.
    const later = await runAfter('PT3H');
    assert.equal(later.status, 'ok', JSON.stringify(later.error));
    assert.ok(
      later.stages.extract?.sources.some(
        (s) => s.listener === 'anna' && s.source === 'recently_played' && s.status === 'ok',
      ),
    );
  });

  it("anna's lost login fails her pull only: me's plays still land, and the run says whose login to renew", async () => {
    slack.messages.length = 0;
    // anna removes the app from her Spotify account.
    await control(sim.url, 'POST', 'revoke', { user: 'simlistener2' });
    const record = await runAfter('PT2H');
    assert.equal(record.status, 'failed');
    assert.match(record.error?.message ?? '', /^anna: /);
    assert.match(record.error?.hint ?? '', /wrapped listener add anna/);
    // The incident (and its one Slack message) says whose login, and what to run.
    assert.deepEqual(record.incidents?.opened, ['login_required']);
    const incidents = JSON.parse(
      await readFile(join(home, 'lake', '_state', 'incidents.json'), 'utf8'),
    );
    assert.match(JSON.stringify(incidents), /anna: Spotify no longer accepts the saved login/);
    const [message] = slack.messages.slice(-1);
    assert.match(JSON.stringify(message), /Spotify login required \(anna\)/);
    assert.match(JSON.stringify(message), /wrapped listener add anna/);
    assert.deepEqual(
      record.stages.extract?.listeners?.map((l) => [l.listener, l.status]),
      [
        ['me', 'ok'],
        ['anna', 'failed'],
      ],
    );
    const mine = record.stages.extract?.sources.find(
      (s) => s.listener === 'me' && s.source === 'recently_played',
    );
    assert.equal(mine?.status, 'ok');
    assert.ok(mine?.load_id, 'me pulled new plays');
  });

  it('removing a listener forgets their login and keeps their plays; me stays', async () => {
    const refused = await wrapped(['listener', 'remove', 'me'], { env });
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /own listener/);
    const removed = await wrapped(['listener', 'remove', 'anna', '--json'], { env });
    assert.equal(removed.code, 0, removed.stderr);
    assert.deepEqual(JSON.parse(removed.stdout), {
      removed: 'anna',
      login_forgotten: true,
      listeners: ['me'],
    });
    await assert.rejects(readFile(join(home, 'spotify-tokens.anna.json')), /ENOENT/);
    const [kept] = await queryRows(
      "SELECT count(*) AS n FROM silver.fct_play WHERE listener_id = 'anna'",
      env,
    );
    assert.ok(Number(kept?.n) > 20, 'her plays stay until her loads are removed');
  });
});
