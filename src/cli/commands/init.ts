import { join } from 'node:path';
import type { Command } from 'commander';
import type { SettingSource } from '../../config/source.js';
import { ConfigError, UsageError } from '../../errors.js';
import type { GlobalFlags } from '../context.js';
import { createOutput } from '../output.js';

interface InitFlags {
  clientId?: string;
  clientSecret?: string;
  port?: string;
  slackWebhook?: string;
  keyVault?: string;
  yes?: boolean;
  login: boolean;
}

const INTRO = [
  'In https://developer.spotify.com/dashboard create an app with the redirect URI http://127.0.0.1:8888/callback;',
  'its owner needs Premium, and add your Spotify account under "Users and access" (development mode allows 5).',
];

export function registerInit(program: Command): void {
  program
    .command('init')
    .description(
      'set up: Spotify app credentials, redirect port, time zone, Slack; writes .env, then logs in',
    )
    .option('--client-id <id>', "your app's client id")
    .option(
      '--client-secret <secret>',
      'client secret (optional: without it PKCE is used; prefer the prompt, argv is visible to other users)',
    )
    .option('--port <n>', 'redirect port on 127.0.0.1 (default 8888)')
    .option('--slack-webhook <url>', 'Slack incoming webhook for alerts (optional)')
    .option(
      '--key-vault <url>',
      'keep the client secret, the webhook and the login in this Azure Key Vault instead of .env (optional; "none" for no vault)',
    )
    .option('-y, --yes', 'accept defaults and update an existing .env without asking')
    .option('--no-login', 'only write the files')
    .addHelpText(
      'after',
      "\nThe time zone comes from the global --timezone flag (default: this machine's).",
    )
    .action(async (flags: InitFlags, command: Command) => {
      const globals = command.optsWithGlobals<GlobalFlags>();
      const out = createOutput({ json: Boolean(globals.json) });
      const v = await import('../../config/validators.js');
      const { ask, confirm } = await import('../prompt.js');
      const { envValues, readTextIfExists, updateEnvText, writePrivateFile } = await import(
        '../../config/env-file.js'
      );
      const cwd = process.cwd();
      const envFile = join(cwd, '.env');
      const existingText = (await readTextIfExists(envFile)) ?? '';
      const existing = envValues(existingText);
      const interactive = Boolean(process.stdin.isTTY && process.stderr.isTTY) && !flags.yes;

      if (!out.json) for (const line of INTRO) out.log(line);

      /** A flag, else the terminal, else the default; without a terminal, never asks. */
      const value = async (
        name: string,
        flag: string | undefined,
        fallback: string | undefined,
        question: string,
        secret = false,
      ) => {
        if (flag !== undefined) return flag;
        if (interactive)
          return ask(question, {
            fallback: secret && fallback ? '(keep current)' : fallback,
            secret,
          }).then((a) => (a === '(keep current)' ? (fallback ?? '') : a));
        if (fallback !== undefined) return fallback;
        throw new UsageError(`${name} is needed and there is no terminal to ask on.`, {
          hint: `Pass ${name} (or run wrapped init in a terminal).`,
        });
      };

      const clientId = (
        await value('--client-id', flags.clientId, existing.SPOTIFY_CLIENT_ID, 'Spotify client id')
      ).trim();
      if (!clientId)
        throw new UsageError('The client id is required.', {
          hint: "Copy it from your app's page in the Spotify developer dashboard.",
        });
      const secret = (
        await value(
          '--client-secret',
          flags.clientSecret,
          existing.SPOTIFY_CLIENT_SECRET ?? '',
          'Client secret (optional, Enter for PKCE)',
          true,
        )
      ).trim();
      const currentPort = existing.SPOTIFY_REDIRECT_URI
        ? new URL(existing.SPOTIFY_REDIRECT_URI).port
        : '8888';
      const portText = (
        await value('--port', flags.port, currentPort || '8888', 'Redirect port')
      ).trim();
      const port = Number(portText);
      if (!Number.isInteger(port) || port < 1 || port > 65535)
        throw new UsageError(
          `--port must be a port number from 1 to 65535, not ${JSON.stringify(portText)}.`,
        );
      const defaultZone =
        existing.WRAPPED_TIMEZONE ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
      const zoneText = await value('--timezone', globals.timezone, defaultZone, 'Time zone');
      let timezone: string;
      try {
        timezone = v.timeZone(zoneText);
      } catch (error) {
        throw new ConfigError(
          `--timezone ${JSON.stringify(zoneText)} is not valid: expected ${(error as Error).message}.`,
        );
      }
      const webhookText = (
        await value(
          '--slack-webhook',
          flags.slackWebhook,
          existing.SLACK_WEBHOOK_URL ?? '',
          'Slack webhook URL (optional)',
          true,
        )
      ).trim();
      if (webhookText) {
        try {
          v.webhookUrl(webhookText);
        } catch (error) {
          throw new ConfigError(
            `The Slack webhook is not valid: expected ${(error as Error).message}.`,
          );
        }
      }

      const vaultText = (
        await value(
          '--key-vault',
          flags.keyVault,
          existing.KEY_VAULT_URL ?? 'none',
          'Azure Key Vault for the secrets and the login ("none" keeps them in .env)',
        )
      ).trim();
      let vaultUrl: string | undefined;
      if (vaultText && vaultText !== 'none') {
        try {
          vaultUrl = v.keyVaultUrl(vaultText);
        } catch (error) {
          throw new ConfigError(
            `--key-vault ${JSON.stringify(vaultText)} is not valid: expected ${(error as Error).message}.`,
          );
        }
      }

      const values: Record<string, string | null> = {
        SPOTIFY_CLIENT_ID: clientId,
        SPOTIFY_REDIRECT_URI: `http://127.0.0.1:${port}/callback`,
        WRAPPED_TIMEZONE: timezone,
      };
      const storedInVault: string[] = [];
      if (vaultUrl) {
        // The vault first: if the identity may not write there, .env is left as it was.
        const { openKeyVault, VAULT_SECRETS } = await import('../../secrets/key-vault.js');
        const vault = openKeyVault(vaultUrl) as NonNullable<ReturnType<typeof openKeyVault>>;
        if (secret) {
          await vault.set(VAULT_SECRETS.clientSecret, secret);
          storedInVault.push(VAULT_SECRETS.clientSecret);
        }
        if (webhookText) {
          await vault.set(VAULT_SECRETS.slackWebhook, webhookText);
          storedInVault.push(VAULT_SECRETS.slackWebhook);
        }
        values.KEY_VAULT_URL = vaultUrl;
        // Held by the vault now: a copy in .env would only go stale.
        values.SPOTIFY_CLIENT_SECRET = null;
        values.SLACK_WEBHOOK_URL = null;
      } else {
        values.KEY_VAULT_URL = null;
        if (secret) values.SPOTIFY_CLIENT_SECRET = secret;
        if (webhookText) values.SLACK_WEBHOOK_URL = webhookText;
      }
      const nextText = updateEnvText(existingText, values);
      const changed = nextText !== existingText;
      if (existingText && changed) {
        if (interactive) {
          if (!(await confirm(`Update ${envFile}? Other lines in it are kept`)))
            throw new UsageError('Nothing was written.');
        } else if (!flags.yes) {
          throw new UsageError(`${envFile} exists and would change.`, {
            hint: 'Pass --yes to update it (other lines are kept).',
          });
        }
      }
      if (changed || !existingText) await writePrivateFile(envFile, nextText);
      const { chmod } = await import('node:fs/promises');
      await chmod(envFile, 0o600);
      const example = [
        '# Copy to .env and fill in. wrapped init writes .env for you.',
        'SPOTIFY_CLIENT_ID=your-client-id',
        '# Optional: without a secret, login uses PKCE.',
        'SPOTIFY_CLIENT_SECRET=',
        `SPOTIFY_REDIRECT_URI=http://127.0.0.1:${port}/callback`,
        `WRAPPED_TIMEZONE=${timezone}`,
        '# Optional: alerts and the weekly summary.',
        'SLACK_WEBHOOK_URL=',
        '# Optional: an Azure Key Vault holding the two secrets above and the login instead.',
        'KEY_VAULT_URL=',
        '',
      ].join('\n');
      await writePrivateFile(join(cwd, '.env.example'), example, 0o644);
      const ignored = await ensureGitignored(cwd);
      // The mode login will really use: a secret may also come from the environment, which
      // takes precedence over .env.
      const { loadConfig } = await import('../../config/load.js');
      const loaded = () =>
        loadConfig({
          flags: {
            home: globals.home,
            lake: globals.lake,
            timezone: globals.timezone,
            modelsDir: globals.models,
          },
        });
      const { withVaultSecrets } = await import('../../secrets/late-secrets.js');
      const config = await withVaultSecrets(loaded());
      const usesSecret = Boolean(config.settings.spotifyClientSecret);
      const summary = {
        env_file: envFile,
        key_vault: vaultUrl ?? null,
        stored_in_key_vault: storedInVault,
        example_file: join(cwd, '.env.example'),
        gitignore: ignored,
        auth_mode: usesSecret ? 'client_secret' : 'pkce',
        pkce: !usesSecret,
        login: null as unknown,
      };
      if (!out.json) {
        out.log(
          `Wrote ${envFile} (mode 0600); login will use ${usesSecret ? describeSecretSource(config.sources.spotifyClientSecret) : 'PKCE (no secret)'}.`,
        );
        out.log(
          `Wrote .env.example; .env is ${ignored === 'already' ? 'already' : 'now'} git-ignored.`,
        );
        if (vaultUrl)
          out.log(
            `Key Vault ${vaultUrl} keeps ${storedInVault.length > 0 ? `${storedInVault.join(' and ')} and ` : ''}the login (secret spotify-login).`,
          );
      }
      if (flags.login) {
        const { login } = await import('../../spotify/login.js');
        const tokens = await login({
          config,
          onAuthorizeUrl: (url) => {
            if (out.json) out.printJson({ authorize_url: url });
            else out.log(`\nOpen this URL to log in to Spotify:\n\n  ${url}\n`);
          },
        });
        summary.login = { account_id: tokens.account_id, display_name: tokens.display_name };
        if (!out.json)
          out.print(
            `Logged in as ${tokens.display_name ?? '?'}. Next: wrapped import <your export> or wrapped doctor.`,
          );
      } else if (!out.json) {
        out.print('Done. Next: wrapped auth login');
      }
      if (out.json) out.printJson(summary);
    });
}

function describeSecretSource(source: SettingSource): string {
  if (source.kind === 'key-vault') return `the client secret in Key Vault (${source.secret})`;
  if (source.kind === 'env') return `the client secret from the environment (${source.variable})`;
  return 'the client secret';
}

/** Makes sure `.env` is listed in .gitignore (creating it if needed). */
async function ensureGitignored(cwd: string): Promise<'already' | 'added'> {
  const { readTextIfExists } = await import('../../config/env-file.js');
  const { appendFile } = await import('node:fs/promises');
  const file = join(cwd, '.gitignore');
  const text = await readTextIfExists(file);
  if (text?.split(/\r?\n/).some((line) => /^\/?\.env$/.test(line.trim()))) return 'already';
  await appendFile(file, `${text && !text.endsWith('\n') ? '\n' : ''}.env\n`);
  return 'added';
}
