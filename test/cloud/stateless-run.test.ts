/**
 * A run with no disk of its own (issue 22): the login is kept in the lake, sealed with
 * WRAPPED_STATE_KEY, so hourly `wrapped run`s each from a brand-new empty HOME keep working
 * across a refresh-token rotation (strict: the old refresh token dies at once) and an outage
 * (one alert, one recovery: incidents live in the lake), no token appears in any blob of the
 * lake, and two HOMEs started at once run one after the other. Azurite for the lake, the
 * simulator for Spotify, the Slack stand-in for alerts.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { loadConfig } from '../../src/config/load.js';
import { openLake } from '../../src/lake/open.js';
import { type Azurite, startAzurite } from '../../src/lake/testing/azurite.js';
import { type Simulator, startSimulator } from '../../src/simulator/server.js';
import type { StoredTokens } from '../../src/spotify/token-store.js';
import { open, parseStateKey, type Sealed } from '../../src/state/sealed.js';
import { assertNoSecretIn, assertPlaysOnce, readBlobs } from '../support/azure-blobs.js';
import { freeCallbackPort } from '../support/free-port.js';
import { queryRows, wrapped } from '../support/helpers.js';
import { landedPlays } from '../support/landed.js';
import { control, expireAccessTokens, spotifyDown } from '../support/oauth.js';
import { cliLogin } from '../support/sim-login.js';
import { type SlackReceiver, startSlackReceiver } from '../support/slack-receiver.js';
import { type TruthPlay, windowAt } from '../support/truth.js';

const TOKENS_BLOB = 'wrapped/_state/auth/spotify-tokens.json';

describe('stateless runs: every hour a brand-new HOME, the login kept in an Azure lake', () => {
  let azurite: Azurite;
  let sim: Simulator;
  let container: ContainerClient;
  let base: Record<string, string>;
  let slack: SlackReceiver;
  const key = randomBytes(32).toString('base64');
  const homes: string[] = [];
  /** The simulator's time at each run: what the API showed then is what must have landed. */
  const polls: number[] = [];
  const emptyHome = async () => {
    const home = await mkdtemp(join(tmpdir(), 'wrapped-stateless-'));
    homes.push(home);
    return home;
  };

  before(async () => {
    azurite = await startAzurite();
    container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(
      'lake',
    );
    await container.create();
    sim = await startSimulator({ seed: 'stateless', start: new Date('2026-11-20T06:30:00Z') });
    await control(sim.url, 'POST', 'settings', { revoke_rotated_refresh_tokens: true });
    slack = await startSlackReceiver();
    base = {
      WRAPPED_LAKE: 'az://lake/wrapped',
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
      WRAPPED_STATE_KEY: key,
      WRAPPED_TIMEZONE: 'UTC',
      SPOTIFY_CLIENT_ID: 'wrapped-demo',
      SPOTIFY_ACCOUNTS_URL: sim.url,
      SPOTIFY_API_URL: `${sim.url}/v1`,
      SLACK_WEBHOOK_URL: slack.url,
      SPOTIFY_REDIRECT_URI: `http://127.0.0.1:${await freeCallbackPort()}/callback`,
    };
  });
  after(async () => {
    await slack?.close();
    await sim?.close();
    await azurite?.stop();
    for (const home of homes) await rm(home, { recursive: true, force: true });
  });

  const blobs = () => readBlobs(container, 'wrapped/');
  const storedTokens = async (): Promise<StoredTokens> => {
    const sealed = JSON.parse(
      (await container.getBlobClient(TOKENS_BLOB).downloadToBuffer()).toString(),
    ) as Sealed;
    const plain = open(sealed, parseStateKey(key), '_state/auth/spotify-tokens.json', 'login');
    return JSON.parse(plain.toString()) as StoredTokens;
  };

  it('logs in once, then six hourly runs from empty HOMEs: a rotation, an outage, one alert and one recovery, no token in the lake', async () => {
    // The login: `wrapped auth login`, with the test playing the browser.
    const loginHome = await emptyHome();
    const login = await cliLogin({ WRAPPED_HOME: loginHome, ...base });
    assert.equal(login.code, 0, login.stdout);
    assert.deepEqual(await readdir(loginHome), [], 'nothing of the login is in HOME');
    const first = await storedTokens();

    for (let hour = 1; hour <= 6; hour++) {
      await control(sim.url, 'POST', 'clock', { advance: 'PT1H' });
      await control(sim.url, 'DELETE', 'faults');
      // Between runs 2 and 3 every access token dies: run 3 must refresh, and the simulator
      // rotates the refresh token and revokes the old one at once.
      if (hour === 3) await expireAccessTokens(sim.url);
      // Spotify is down over runs 4 and 5.
      if (hour === 4 || hour === 5) await spotifyDown(sim.url);
      const env = {
        ...base,
        WRAPPED_HOME: await emptyHome(),
        WRAPPED_NOW: new Date(sim.world.now).toISOString(),
      };
      if (hour !== 4 && hour !== 5) polls.push(sim.world.now);
      const run = await wrapped(['run', '--json'], { env });
      const outage = hour === 4 || hour === 5;
      assert.equal(run.code, outage ? 1 : 0, `run ${hour}: ${run.stdout}${run.stderr}`);
    }
    await control(sim.url, 'DELETE', 'faults');
    // The incidents live in the lake too: one alert for the outage, one recovery, whichever
    // HOME each run had.
    assert.equal(slack.messages.length, 2, JSON.stringify(slack.messages.map((m) => m.text)));
    assert.match(JSON.stringify(slack.messages[0]), /answered 503/);
    assert.match(slack.messages[1]?.text ?? '', /runs work again/);

    const rotated = await storedTokens();
    assert.notEqual(rotated.refresh_token, first.refresh_token, 'the rotated token was kept');
    // A login that still works, from yet another empty HOME.
    const me = await wrapped(['api', '/me'], {
      env: { ...base, WRAPPED_HOME: await emptyHome() },
    });
    assert.equal(me.code, 0, me.stderr);
    assert.equal(JSON.parse(me.stdout).display_name, rotated.display_name);

    // No plays doubled across the four HOMEs.
    await assertPlaysOnce({ ...base, WRAPPED_HOME: await emptyHome() });

    // No token, old or new, in any blob of the lake.
    const secrets = [
      first.access_token,
      first.refresh_token,
      rotated.access_token,
      rotated.refresh_token,
    ];
    const all = await blobs();
    assert.ok(all.some((b) => b.name === TOKENS_BLOB));
    assertNoSecretIn(all, secrets);
  });

  it('two HOMEs running at once: one waits for the other, and no play is lost or doubled', async () => {
    await control(sim.url, 'POST', 'clock', { advance: 'PT1H' });
    polls.push(sim.world.now);
    const env = async () => ({
      ...base,
      WRAPPED_HOME: await emptyHome(),
      WRAPPED_NOW: new Date(sim.world.now).toISOString(),
    });
    const [a, b] = await Promise.all([
      wrapped(['run', '--json'], { env: await env() }),
      wrapped(['run', '--json'], { env: await env() }),
    ]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    const waited = [a, b].filter((r) => /Waited \d+ s for the other run/.test(r.stderr));
    assert.equal(waited.length, 1, `${a.stderr}\n---\n${b.stderr}`);
    assert.match(waited[0]?.stderr ?? '', /Waiting for the run already going on this lake/);

    const truth = (await control(
      sim.url,
      'GET',
      `truth/plays?from=2026-11-19T00:00:00Z&to=${new Date(sim.world.now).toISOString()}`,
    )) as TruthPlay[];
    const expected = new Set(polls.flatMap((t) => windowAt(truth, t)));
    const reader = { ...base, WRAPPED_HOME: await emptyHome() };
    const landed = await landedPlays(openLake(loadConfig({ env: reader }).settings));
    assert.ok(expected.size > 10, `${expected.size} plays shown by the API`);
    assert.deepEqual(
      [...expected].filter((p) => !landed.has(p)),
      [],
      'no play lost',
    );
    const [api] = await queryRows(
      "SELECT count(*) AS n FROM silver.fct_play WHERE source LIKE '%api%'",
      reader,
    );
    assert.equal(Number(api?.n), landed.size, 'each landed play once in silver');
  });

  it('a wrong WRAPPED_STATE_KEY is a clear error naming the setting, not a logout', async () => {
    const env = {
      ...base,
      WRAPPED_HOME: await emptyHome(),
      WRAPPED_STATE_KEY: randomBytes(32).toString('base64'),
    };
    const me = await wrapped(['api', '/me'], { env });
    assert.notEqual(me.code, 0);
    assert.match(me.stderr, /cannot be opened with this WRAPPED_STATE_KEY/);
    assert.ok(
      (await blobs()).some((b) => b.name === TOKENS_BLOB),
      'the login is still there',
    );
    const missing = await wrapped(['api', '/me'], {
      env: { ...base, WRAPPED_HOME: await emptyHome(), WRAPPED_STATE_KEY: '' },
    });
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /WRAPPED_STATE_KEY is not set/);
  });
});
