import { type Config, type LateSecret, withLateSecrets } from '../config/load.js';
import type { SettingKey } from '../config/settings.js';
import {
  openKeyVault,
  type SecretVault,
  VAULT_SECRETS,
  type VaultSecretName,
} from './key-vault.js';

/** The settings a vault can hold, and the secret each one is kept under. */
export const VAULT_SETTINGS: ReadonlyArray<{ key: SettingKey; secret: VaultSecretName }> = [
  { key: 'spotifyClientSecret', secret: VAULT_SECRETS.clientSecret },
  { key: 'slackWebhookUrl', secret: VAULT_SECRETS.slackWebhook },
];

/**
 * With KEY_VAULT_URL, the client secret and the Slack webhook come from the vault. The vault
 * wins over a value set locally; a secret the vault lacks leaves the local value (or none).
 * Without KEY_VAULT_URL the configuration is returned as it is.
 */
export async function withVaultSecrets(
  config: Config,
  vault: SecretVault | undefined = openKeyVault(config.settings.keyVaultUrl),
): Promise<Config> {
  if (vault === undefined) return config;
  const values = await Promise.all(VAULT_SETTINGS.map(({ secret }) => vault.get(secret)));
  const read = new Map(VAULT_SETTINGS.map(({ secret }, i) => [secret, values[i]]));
  return withLateSecrets(
    config,
    foundInVault(vault.url, (secret) => read.get(secret)),
  );
}

/** The settings whose secrets `read` gives (a blank one counts as absent), with their source. */
export function foundInVault(
  vaultUrl: string,
  read: (secret: VaultSecretName) => string | undefined,
): Partial<Record<SettingKey, LateSecret>> {
  const found: Partial<Record<SettingKey, LateSecret>> = {};
  for (const { key, secret } of VAULT_SETTINGS) {
    const raw = read(secret);
    if (raw !== undefined && raw.trim() !== '')
      found[key] = { raw, source: { kind: 'key-vault', vault: vaultUrl, secret } };
  }
  return found;
}
