import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '../errors.js';
import { loadConfig, withLateSecrets } from './load.js';

function workspace() {
  const cwd = mkdtempSync(join(tmpdir(), 'wrapped-config-'));
  const home = join(cwd, 'home');
  return { cwd, home, env: { WRAPPED_HOME: home } as Record<string, string> };
}

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected an error');
}

describe('configuration', () => {
  it('takes flags over the environment over .env over config.json over defaults', () => {
    const { cwd, home, env } = workspace();
    writeFileSync(
      join(cwd, '.env'),
      'WRAPPED_TIMEZONE=Asia/Tokyo\nWRAPPED_SCHEDULE="*/5 * * * *"\nSPOTIFY_CLIENT_ID=from-dotenv\n',
    );
    mkdirHome(home, {
      timezone: 'Europe/Paris',
      schedule: '0 0 * * *',
      spotify_client_id: 'from-file',
      lake: 'lake-from-file',
    });

    const fromDotenv = loadConfig({ cwd, env });
    assert.equal(fromDotenv.settings.timezone, 'Asia/Tokyo');
    assert.equal(
      fromDotenv.describe().find((s) => s.key === 'timezone')?.source,
      `WRAPPED_TIMEZONE in ${join(cwd, '.env')}`,
    );
    assert.equal(fromDotenv.settings.schedule, '*/5 * * * *');
    assert.equal(fromDotenv.settings.spotifyClientId, 'from-dotenv');
    // Only in config.json: relative paths there resolve against the working directory.
    assert.deepEqual(fromDotenv.settings.lake, {
      kind: 'fs',
      url: join(cwd, 'lake-from-file'),
      root: join(cwd, 'lake-from-file'),
    });
    assert.equal(
      fromDotenv.describe().find((s) => s.key === 'lake')?.source,
      `"lake" in ${join(home, 'config.json')}`,
    );

    const fromEnv = loadConfig({ cwd, env: { ...env, WRAPPED_TIMEZONE: 'America/New_York' } });
    assert.equal(fromEnv.settings.timezone, 'America/New_York');
    assert.equal(
      fromEnv.describe().find((s) => s.key === 'timezone')?.source,
      'environment variable WRAPPED_TIMEZONE',
    );

    const fromFlag = loadConfig({
      cwd,
      env: { ...env, WRAPPED_TIMEZONE: 'America/New_York' },
      flags: { timezone: 'UTC' },
    });
    assert.equal(fromFlag.settings.timezone, 'UTC');
    assert.equal(fromFlag.describe().find((s) => s.key === 'timezone')?.source, 'flag --timezone');
  });

  it('falls back to defaults: XDG data home, lake inside HOME, loopback redirect, hourly', () => {
    const { cwd } = workspace();
    const config = loadConfig({ cwd, env: { XDG_DATA_HOME: join(cwd, 'xdg') } });
    assert.equal(config.settings.home, join(cwd, 'xdg', 'wrapped-me'));
    assert.equal(config.settings.lake.kind, 'fs');
    assert.equal(
      config.settings.lake.kind === 'fs' && config.settings.lake.root,
      join(cwd, 'xdg', 'wrapped-me', 'lake'),
    );
    assert.equal(config.settings.spotifyRedirectUri, 'http://127.0.0.1:8888/callback');
    assert.equal(config.settings.schedule, '0 * * * *');
    assert.equal(config.settings.spotifyClientSecret, undefined);
  });

  it('names the setting, its source and what is expected for a bad value', () => {
    const { cwd, env } = workspace();
    const error = errorOf(() =>
      loadConfig({ cwd, env: { ...env, WRAPPED_TIMEZONE: 'Not/AZone' } }),
    );
    assert.equal(error.exitCode, 2);
    assert.match(
      error.message,
      /WRAPPED_TIMEZONE = "Not\/AZone" \(from environment variable WRAPPED_TIMEZONE\) is not valid: expected an IANA time zone/,
    );
  });

  it('reports every bad setting at once', () => {
    const { cwd, env } = workspace();
    const error = errorOf(() =>
      loadConfig({
        cwd,
        env: {
          ...env,
          WRAPPED_SCHEDULE: 'hourly',
          SPOTIFY_REDIRECT_URI: 'http://localhost:8888/callback',
          WRAPPED_LAKE: 'ftp://x/y',
        },
      }),
    );
    assert.match(error.message, /WRAPPED_SCHEDULE = "hourly".*cron expression such as/);
    assert.match(error.message, /SPOTIFY_REDIRECT_URI = .*refuses localhost/);
    assert.match(error.message, /WRAPPED_LAKE = "ftp:\/\/x\/y"/);
    assert.equal(error.message.split('\n').length, 3);
  });

  it('never repeats a secret in an error or a description', () => {
    const { cwd, env } = workspace();
    const error = errorOf(() =>
      loadConfig({
        cwd,
        env: { ...env, SLACK_WEBHOOK_URL: 'ftp://hooks.example/T000/B000/s3cr3t-hook' },
      }),
    );
    assert.doesNotMatch(error.message, /s3cr3t-hook/);
    assert.match(error.message, /SLACK_WEBHOOK_URL = \(value hidden\)/);

    const config = loadConfig({
      cwd,
      env: {
        ...env,
        SPOTIFY_CLIENT_SECRET: 's3cr3t-value',
        SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/xyz',
      },
    });
    const shown = JSON.stringify(config.describe());
    assert.doesNotMatch(shown, /s3cr3t-value|xyz/);
    assert.equal(
      config.describe().find((s) => s.key === 'spotifyClientSecret')?.value,
      '[redacted]',
    );
    assert.equal(
      config.redact('token s3cr3t-value and s3cr3t%2Dvalue'),
      'token [redacted] and s3cr3t%2Dvalue',
    );
    assert.equal(
      config.redact('url https://hooks.slack.com/services/T0/B0/xyz!'),
      'url [redacted]!',
    );
  });

  it('takes secrets found later (Key Vault): validated, sourced, and redacted from then on', () => {
    const { cwd, env } = workspace();
    const config = loadConfig({
      cwd,
      env: { ...env, KEY_VAULT_URL: 'my-vault', SPOTIFY_CLIENT_SECRET: 'local-copy' },
    });
    assert.equal(config.settings.keyVaultUrl, 'https://my-vault.vault.azure.net');
    const source = {
      kind: 'key-vault',
      vault: 'https://my-vault.vault.azure.net',
      secret: 's',
    } as const;
    const late = withLateSecrets(config, {
      spotifyClientSecret: { raw: 'vault-s3cr3t', source },
    });
    assert.equal(late.settings.spotifyClientSecret, 'vault-s3cr3t');
    assert.equal(
      late.describe().find((s) => s.key === 'spotifyClientSecret')?.source,
      'Key Vault secret "s" in https://my-vault.vault.azure.net',
    );
    assert.equal(late.redact('got vault-s3cr3t'), 'got [redacted]');
    assert.equal(config.settings.spotifyClientSecret, 'local-copy', 'the original is untouched');
    const error = errorOf(() =>
      withLateSecrets(config, { slackWebhookUrl: { raw: 'ftp://x/s3cr3t-hook', source } }),
    );
    assert.match(error.message, /SLACK_WEBHOOK_URL = \(value hidden\) \(from Key Vault secret "s"/);
    assert.doesNotMatch(error.message, /s3cr3t-hook/);
    for (const bad of [
      'http://my-vault.vault.azure.net',
      'https://v.vault.azure.net/secrets/x',
      'a b',
    ])
      assert.match(
        errorOf(() => loadConfig({ cwd, env: { ...env, KEY_VAULT_URL: bad } })).message,
        /KEY_VAULT_URL .* expected the vault URL/,
      );
  });

  it('parses every lake URL form', () => {
    const { cwd, env } = workspace();
    const lake = (value: string) => loadConfig({ cwd, env, flags: { lake: value } }).settings.lake;
    assert.deepEqual(lake('az://raw-container/wrapped/me'), {
      kind: 'azure',
      url: 'az://raw-container/wrapped/me',
      container: 'raw-container',
      prefix: 'wrapped/me',
    });
    assert.deepEqual(lake('abfss://lake@myacct.dfs.core.windows.net/wrapped'), {
      kind: 'azure',
      url: 'abfss://lake@myacct.dfs.core.windows.net/wrapped',
      container: 'lake',
      account: 'myacct',
      prefix: 'wrapped',
    });
    assert.deepEqual(lake('s3://bucket/p'), {
      kind: 's3',
      url: 's3://bucket/p',
      bucket: 'bucket',
      prefix: 'p',
    });
    assert.deepEqual(lake('file:///srv/lake'), {
      kind: 'fs',
      url: 'file:///srv/lake',
      root: '/srv/lake',
    });
    assert.deepEqual(lake('rel/lake'), {
      kind: 'fs',
      url: join(cwd, 'rel/lake'),
      root: join(cwd, 'rel/lake'),
    });
    assert.throws(() => lake('abfss://lake@example.com/x'), /WRAPPED_LAKE .*from flag --lake/);
  });

  it('accepts loopback redirects and refuses localhost and plain http elsewhere', () => {
    const { cwd, env } = workspace();
    const redirect = (value: string) =>
      loadConfig({ cwd, env: { ...env, SPOTIFY_REDIRECT_URI: value } }).settings.spotifyRedirectUri;
    assert.equal(redirect('http://127.0.0.1:9999/callback'), 'http://127.0.0.1:9999/callback');
    assert.equal(redirect('http://[::1]:8888/callback'), 'http://[::1]:8888/callback');
    assert.equal(redirect('https://example.org/cb'), 'https://example.org/cb');
    assert.throws(() => redirect('http://localhost:8888/callback'), /localhost/);
    assert.throws(() => redirect('http://example.org/cb'), /SPOTIFY_REDIRECT_URI/);
  });

  it('explains a broken config file', () => {
    const { cwd, home, env } = workspace();
    mkdirHome(home, '{"timezone": ');
    assert.match(errorOf(() => loadConfig({ cwd, env })).message, /config\.json is not valid JSON/);
    mkdirHome(home, { timezon: 'UTC' });
    assert.match(
      errorOf(() => loadConfig({ cwd, env })).message,
      /unknown setting "timezon". Known settings: lake, timezone/,
    );
    mkdirHome(home, { timezone: 3 });
    assert.match(
      errorOf(() => loadConfig({ cwd, env })).message,
      /"timezone" in .*config\.json must be a string, not number/,
    );
    mkdirHome(home, { timezone: 'Mars/Olympus' });
    assert.match(
      errorOf(() => loadConfig({ cwd, env })).message,
      /WRAPPED_TIMEZONE = "Mars\/Olympus" \(from "timezone" in .*config\.json\)/,
    );
  });
});

function mkdirHome(home: string, content: unknown) {
  mkdirSync(home, { recursive: true });
  writeFileSync(
    join(home, 'config.json'),
    typeof content === 'string' ? content : JSON.stringify(content),
  );
}
