import { WrappedError } from '../errors.js';
import { DEFAULT_LISTENER } from '../listeners/registry.js';
import type { StoredTokens, TokenStorage } from '../spotify/token-store.js';
import {
  type ListenerLoginSecret,
  type SecretVault,
  VAULT_SECRETS,
  type VaultSecretName,
} from './key-vault.js';

/**
 * The login kept in Key Vault (KEY_VAULT_URL): the whole token set, refresh token and all, is
 * one secret, and each refresh writes the rotated set back as a new version, so no token is
 * ever in the lake or in HOME. Key Vault has no conditional write, so refreshing is serialized
 * by the lock of wherever the rest of the state lives (the lake's, or HOME's): the holder
 * re-reads the vault first and uses a token another run just rotated.
 */
export class VaultTokenStore implements TokenStorage {
  readonly file: string;
  /** `me`'s login is the secret `spotify-login`; another listener's `spotify-login-<name>`. */
  private readonly secret: VaultSecretName | ListenerLoginSecret;

  constructor(
    private readonly vault: SecretVault,
    private readonly lock: <T>(fn: () => Promise<T>) => Promise<T>,
    listener: string = DEFAULT_LISTENER,
  ) {
    this.secret =
      listener === DEFAULT_LISTENER ? VAULT_SECRETS.login : `${VAULT_SECRETS.login}-${listener}`;
    this.file = `Key Vault secret "${this.secret}" in ${vault.url}`;
  }

  async read(): Promise<StoredTokens | undefined> {
    const text = await this.vault.get(this.secret);
    if (text === undefined || text.trim() === '') return undefined;
    let tokens: Partial<StoredTokens> | null;
    try {
      tokens = JSON.parse(text) as Partial<StoredTokens> | null;
    } catch {
      throw this.damaged();
    }
    if (tokens === null || typeof tokens !== 'object' || Array.isArray(tokens))
      throw this.damaged();
    // `{}` is what logging out leaves (see clear()).
    if (Object.keys(tokens).length === 0) return undefined;
    if (typeof tokens.refresh_token !== 'string' || typeof tokens.access_token !== 'string')
      throw this.damaged();
    return tokens as StoredTokens;
  }

  async write(tokens: StoredTokens): Promise<void> {
    await this.vault.set(this.secret, JSON.stringify(tokens), 'application/json');
  }

  /**
   * Logging out writes an empty version rather than deleting: a deleted secret stays in the
   * vault's recycle bin, and a later login could not create one of the same name until purged.
   */
  async clear(): Promise<boolean> {
    const existed = (await this.read()) !== undefined;
    if (existed) await this.vault.set(this.secret, '{}', 'application/json');
    return existed;
  }

  withLock<T>(fn: () => Promise<T>): Promise<T> {
    return this.lock(fn);
  }

  private damaged(): WrappedError {
    // Never echo the value: it holds tokens.
    return new WrappedError(`The login kept in ${this.file} is damaged.`, {
      hint: 'Run `wrapped auth login` to replace it.',
    });
  }
}
