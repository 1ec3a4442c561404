import type { Config } from '../config/load.js';
import { withLateSecrets } from '../config/load.js';
import {
  openKeyVault,
  type SecretVault,
  VAULT_SECRETS,
  type VaultSecretName,
} from '../secrets/key-vault.js';
import { foundInVault } from '../secrets/late-secrets.js';
import type { DoctorCheck } from './checks.js';

/** What each secret is for, and what its absence means. */
const PURPOSE: Record<
  VaultSecretName,
  { what: string; absent: string; absentStatus: 'ok' | 'warn' }
> = {
  [VAULT_SECRETS.clientSecret]: {
    what: 'the Spotify client secret',
    absent: 'not in the vault: login uses PKCE (or SPOTIFY_CLIENT_SECRET, if set here)',
    absentStatus: 'ok',
  },
  [VAULT_SECRETS.slackWebhook]: {
    what: 'the Slack webhook',
    absent: 'not in the vault: no Slack alerts (or SLACK_WEBHOOK_URL, if set here)',
    absentStatus: 'ok',
  },
  [VAULT_SECRETS.login]: {
    what: 'the Spotify login; runs write the rotated one back (Key Vault Secrets Officer on it)',
    absent: 'no login yet: run `wrapped auth login` with KEY_VAULT_URL set',
    absentStatus: 'warn',
  },
};

/**
 * `wrapped doctor` with KEY_VAULT_URL: one check per secret (can this identity read it, is it
 * there), and the configuration with what could be read, for the checks that follow. Never
 * shows a value.
 */
export async function checkKeyVault(
  config: Config,
  vault: SecretVault | undefined = openKeyVault(config.settings.keyVaultUrl),
): Promise<{ checks: DoctorCheck[]; config: Config }> {
  if (vault === undefined) return { checks: [], config };
  const names = Object.values(VAULT_SECRETS);
  const results = await Promise.all(
    names.map((name) =>
      vault.get(name).then(
        (value) => ({ name, value, error: undefined }),
        (error: Error) => ({ name, value: undefined, error }),
      ),
    ),
  );
  const checks = results.map(({ name, value, error }): DoctorCheck => {
    const purpose = PURPOSE[name];
    const label = `vault ${name}`;
    if (error)
      return {
        name: label,
        status: 'fail',
        summary: error.message,
        hint: (error as { hint?: string }).hint,
      };
    if (value === undefined || value.trim() === '' || value.trim() === '{}')
      return { name: label, status: purpose.absentStatus, summary: purpose.absent };
    return { name: label, status: 'ok', summary: `readable: ${purpose.what}` };
  });
  const found = foundInVault(vault.url, (secret) => results.find((r) => r.name === secret)?.value);
  try {
    return { checks, config: withLateSecrets(config, found) };
  } catch (error) {
    checks.push({
      name: 'vault',
      status: 'fail',
      summary: (error as Error).message,
      hint: 'Replace the secret in the vault with a valid value.',
    });
    return { checks, config };
  }
}
