/**
 * Secrets in Key Vault (issue 22), tested against a FAKE vault: a local HTTPS server speaking
 * the secrets REST API the SDK uses (test/support/fake-key-vault.ts), and a fake managed-identity
 * endpoint. No Key Vault emulator runs here; what only a real vault can prove (Azure RBAC, the
 * real token service) is labelled in the README. The product side is real: the CLI, the real
 * @azure/keyvault-secrets and DefaultAzureCredential, Azurite for the lake, the simulator for
 * Spotify (which insists on the client secret for a login made with it), a Slack stand-in.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { type Azurite, startAzurite } from '../../src/lake/testing/azurite.js';
import { type Simulator, startSimulator } from '../../src/simulator/server.js';
import type { StoredTokens } from '../../src/spotify/token-store.js';
import { assertNoSecretIn, assertPlaysOnce, readBlobs } from '../support/azure-blobs.js';
import { type FakeKeyVault, startFakeKeyVault } from '../support/fake-key-vault.js';
import { freeCallbackPort } from '../support/free-port.js';
import { wrapped } from '../support/helpers.js';
import { control, expireAccessTokens, spotifyDown } from '../support/oauth.js';
import { cliLogin } from '../support/sim-login.js';
import { type SlackReceiver, startSlackReceiver } from '../support/slack-receiver.js';

const CLIENT_SECRET = 'kv-held-client-secret-0123456789abcdef';

interface DoctorJson {
  checks: Array<{ name: string; status: string; summary: string; hint?: string }>;
  settings: Array<{ env: string; value: string | null; source: string }>;
}

describe('Key Vault (FAKE vault: a local HTTPS stand-in for the secrets REST API, and a fake managed identity)', () => {
  let vault: FakeKeyVault;
  let azurite: Azurite;
  let sim: Simulator;
  let slack: SlackReceiver;
  let container: ContainerClient;
  let base: Record<string, string>;
  const homes: string[] = [];
  const emptyHome = async () => {
    const home = await mkdtemp(join(tmpdir(), 'wrapped-kv-'));
    homes.push(home);
    return home;
  };
  const login = (): StoredTokens => JSON.parse(vault.current('spotify-login') ?? '{}');

  before(async () => {
    vault = await startFakeKeyVault();
    azurite = await startAzurite();
    container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(
      'lake',
    );
    await container.create();
    sim = await startSimulator({
      seed: 'key-vault',
      start: new Date('2026-11-20T06:30:00Z'),
      clientSecret: CLIENT_SECRET,
    });
    slack = await startSlackReceiver();
    vault.put('spotify-client-secret', CLIENT_SECRET);
    vault.put('slack-webhook-url', slack.url);
    base = {
      ...vault.env,
      KEY_VAULT_URL: vault.url,
      WRAPPED_LAKE: 'az://lake/wrapped',
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
      WRAPPED_TIMEZONE: 'UTC',
      SPOTIFY_CLIENT_ID: 'wrapped-demo',
      SPOTIFY_ACCOUNTS_URL: sim.url,
      SPOTIFY_API_URL: `${sim.url}/v1`,
      SPOTIFY_REDIRECT_URI: `http://127.0.0.1:${await freeCallbackPort()}/callback`,
    };
  });
  after(async () => {
    await slack?.close();
    await sim?.close();
    await azurite?.stop();
    await vault?.close();
    for (const home of homes) await rm(home, { recursive: true, force: true });
  });

  const doctor = async (): Promise<DoctorJson> => {
    const result = await wrapped(['doctor', '--json'], {
      env: { ...base, WRAPPED_HOME: await emptyHome() },
    });
    for (const secret of [CLIENT_SECRET, slack.url])
      assert.ok(!result.stdout.includes(secret), 'doctor never shows a secret');
    return JSON.parse(result.stdout) as DoctorJson;
  };
  const check = (report: DoctorJson, name: string) => report.checks.find((c) => c.name === name);

  it('wrapped doctor checks access to each secret, and names the role a refused one needs', async () => {
    const report = await doctor();
    assert.equal(check(report, 'vault spotify-client-secret')?.status, 'ok');
    assert.equal(check(report, 'vault slack-webhook-url')?.status, 'ok');
    assert.equal(check(report, 'vault spotify-login')?.status, 'warn', 'no login yet');
    const secret = report.settings.find((s) => s.env === 'SPOTIFY_CLIENT_SECRET');
    assert.equal(secret?.value, '[redacted]');
    assert.equal(secret?.source, `Key Vault secret "spotify-client-secret" in ${vault.url}`);
    assert.match(check(report, 'spotify')?.summary ?? '', /client secret set/);

    vault.deny('slack-webhook-url', 'get');
    try {
      const refused = await doctor();
      const slackCheck = check(refused, 'vault slack-webhook-url');
      assert.equal(slackCheck?.status, 'fail');
      assert.match(
        slackCheck?.summary ?? '',
        /refused .* read the secret "slack-webhook-url".*403/,
      );
      assert.match(slackCheck?.hint ?? '', /Key Vault Secrets User/);
      assert.equal(check(refused, 'vault spotify-client-secret')?.status, 'ok');
    } finally {
      vault.allowAll();
    }
  });

  it("logs in, then hourly runs from empty HOMEs: the login lives only in the vault, the rotated one is written back, alerts go to the vault's webhook", async () => {
    const loginHome = await emptyHome();
    const loggedIn = await cliLogin({ ...base, WRAPPED_HOME: loginHome });
    assert.equal(loggedIn.code, 0, loggedIn.stdout);
    assert.deepEqual(await readdir(loginHome), [], 'nothing of the login is in HOME');
    const first = login();
    assert.ok(first.refresh_token, 'the login is in the vault');

    for (let hour = 1; hour <= 4; hour++) {
      await control(sim.url, 'POST', 'clock', { advance: 'PT1H' });
      await control(sim.url, 'DELETE', 'faults');
      // Run 2 must refresh: the simulator rotates the refresh token, and only the vault's
      // client secret is accepted for a login made with it.
      if (hour === 2) await expireAccessTokens(sim.url);
      if (hour === 3) await spotifyDown(sim.url);
      const run = await wrapped(['run', '--json'], {
        env: {
          ...base,
          WRAPPED_HOME: await emptyHome(),
          WRAPPED_NOW: new Date(sim.world.now).toISOString(),
        },
      });
      assert.equal(run.code, hour === 3 ? 1 : 0, `run ${hour}: ${run.stdout}${run.stderr}`);
    }
    await control(sim.url, 'DELETE', 'faults');

    const rotated = login();
    assert.notEqual(
      rotated.refresh_token,
      first.refresh_token,
      'the rotated login was written back',
    );
    assert.ok(vault.versions('spotify-login').length >= 2);
    assert.equal(
      slack.messages.length,
      2,
      "one alert and one recovery, sent to the vault's webhook",
    );

    const me = await wrapped(['api', '/me'], { env: { ...base, WRAPPED_HOME: await emptyHome() } });
    assert.equal(me.code, 0, me.stderr);

    await assertPlaysOnce({ ...base, WRAPPED_HOME: await emptyHome() });

    // No token, no client secret and no webhook in any blob of the lake.
    const secrets = [
      first.access_token,
      first.refresh_token,
      rotated.access_token,
      rotated.refresh_token,
      CLIENT_SECRET,
      new URL(slack.url).pathname,
    ];
    const blobs = await readBlobs(container, 'wrapped/');
    assert.ok(blobs.length > 10, `${blobs.length} blobs checked`);
    assert.deepEqual(
      blobs.filter((b) => b.name.startsWith('wrapped/_state/auth/')).map((b) => b.name),
      [],
      'no login in the lake',
    );
    assertNoSecretIn(blobs, secrets);
  });

  it('an identity that may not write the login back fails the run clearly, and the next run works once it may', async () => {
    await control(sim.url, 'POST', 'settings', { revoke_rotated_refresh_tokens: false });
    await control(sim.url, 'POST', 'clock', { advance: 'PT1H' });
    await expireAccessTokens(sim.url);
    const before = login();
    vault.deny('spotify-login', 'set');
    const env = async () => ({
      ...base,
      WRAPPED_HOME: await emptyHome(),
      WRAPPED_NOW: new Date(sim.world.now).toISOString(),
    });
    try {
      const refused = await wrapped(['run'], { env: await env() });
      assert.notEqual(refused.code, 0);
      // The run's report (stdout) says what failed and what to do.
      assert.match(refused.stdout, /refused to let this identity write the secret "spotify-login"/);
      assert.match(refused.stdout, /Key Vault Secrets Officer/);
      for (const secret of [before.refresh_token, before.access_token, CLIENT_SECRET])
        assert.ok(!refused.stderr.includes(secret) && !refused.stdout.includes(secret));
      assert.equal(login().refresh_token, before.refresh_token, 'the vault kept the last login');
    } finally {
      vault.allowAll();
      await control(sim.url, 'DELETE', 'faults');
    }
    const next = await wrapped(['run', '--json'], { env: await env() });
    assert.equal(next.code, 0, next.stderr);
  });

  it("refreshing uses the vault's client secret: a wrong one there is refused by Spotify, the right one works again", async () => {
    await control(sim.url, 'POST', 'clock', { advance: 'PT1H' });
    const env = async () => ({
      ...base,
      WRAPPED_HOME: await emptyHome(),
      WRAPPED_NOW: new Date(sim.world.now).toISOString(),
    });
    const expire = () => expireAccessTokens(sim.url);
    await expire();
    vault.put('spotify-client-secret', 'a-wrong-secret-in-the-vault');
    try {
      const refused = await wrapped(['run'], { env: await env() });
      assert.notEqual(refused.code, 0);
      assert.match(refused.stdout, /Invalid client secret|invalid_client/);
      assert.ok(!`${refused.stdout}${refused.stderr}`.includes('a-wrong-secret-in-the-vault'));
    } finally {
      vault.put('spotify-client-secret', CLIENT_SECRET);
      await control(sim.url, 'DELETE', 'faults');
    }
    await expire();
    const next = await wrapped(['run', '--json'], { env: await env() });
    assert.equal(next.code, 0, next.stdout);
    await control(sim.url, 'DELETE', 'faults');
  });

  it('wrapped init --key-vault moves the client secret and the webhook into the vault, and leaves .env alone when it may not', async () => {
    const cwd = await emptyHome();
    const envFile = join(cwd, '.env');
    const before = 'OTHER=1\nSPOTIFY_CLIENT_SECRET=an-old-local-copy\n';
    await writeFile(envFile, before);
    const init = (extra: Record<string, string> = {}) =>
      wrapped(
        [
          'init',
          '--client-id',
          'wrapped-demo',
          '--client-secret',
          CLIENT_SECRET,
          '--slack-webhook',
          slack.url,
          '--key-vault',
          vault.url,
          '--timezone',
          'UTC',
          '--no-login',
          '--yes',
          '--json',
        ],
        { cwd, env: { ...vault.env, WRAPPED_HOME: join(cwd, 'home'), ...extra } },
      );

    vault.deny('spotify-client-secret', 'set');
    try {
      const refused = await init();
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, /Key Vault Secrets Officer/);
      assert.equal(await readFile(envFile, 'utf8'), before, '.env is as it was');
    } finally {
      vault.allowAll();
    }

    const versions = vault.versions('spotify-client-secret').length;
    const done = await init();
    assert.equal(done.code, 0, done.stderr);
    const summary = JSON.parse(done.stdout) as Record<string, unknown>;
    assert.equal(summary.key_vault, vault.url);
    assert.deepEqual(summary.stored_in_key_vault, ['spotify-client-secret', 'slack-webhook-url']);
    assert.equal(summary.auth_mode, 'client_secret');
    assert.equal(vault.versions('spotify-client-secret').length, versions + 1);
    assert.equal(vault.current('slack-webhook-url'), slack.url);
    const text = await readFile(envFile, 'utf8');
    assert.match(text, new RegExp(`^KEY_VAULT_URL=${vault.url}$`, 'm'));
    assert.match(text, /^OTHER=1$/m);
    assert.ok(!text.includes('SPOTIFY_CLIENT_SECRET') && !text.includes(CLIENT_SECRET));
    assert.ok(!text.includes('SLACK_WEBHOOK_URL'));
    assert.equal((await stat(envFile)).mode & 0o777, 0o600);
  });

  it('without a working identity, the error says how to get one', async () => {
    const result = await wrapped(['run'], {
      env: { ...base, WRAPPED_HOME: await emptyHome(), IDENTITY_HEADER: 'not-the-header' },
    });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /No Azure identity could sign in to Key Vault/);
    assert.match(result.stderr, /managed identity/);
  });
});
