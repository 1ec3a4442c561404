import type { SecretClient } from '@azure/keyvault-secrets';
import { WrappedError } from '../errors.js';

/**
 * Azure Key Vault, as the product uses it: a few named secrets, read and (for the login) written
 * back. The identity is whatever `DefaultAzureCredential` finds: the container job's managed
 * identity in Azure (IDENTITY_ENDPOINT), `az login` on a laptop, or a service principal from
 * AZURE_TENANT_ID / AZURE_CLIENT_ID / AZURE_CLIENT_SECRET.
 */

/** The secrets' names in the vault. Key Vault allows letters, digits and dashes. */
export const VAULT_SECRETS = {
  clientSecret: 'spotify-client-secret',
  slackWebhook: 'slack-webhook-url',
  login: 'spotify-login',
} as const;

export type VaultSecretName = (typeof VAULT_SECRETS)[keyof typeof VAULT_SECRETS];
/** A listener other than `me` keeps their login in a secret of their own (src/listeners). */
export type ListenerLoginSecret = `${typeof VAULT_SECRETS.login}-${string}`;

/** What the product needs of a vault; tests and `wrapped doctor` use the same two calls. */
export interface SecretVault {
  readonly url: string;
  /** The secret's current value, or undefined when the vault has no such secret. */
  get(name: VaultSecretName | ListenerLoginSecret): Promise<string | undefined>;
  set(
    name: VaultSecretName | ListenerLoginSecret,
    value: string,
    contentType?: string,
  ): Promise<void>;
}

export class KeyVaultError extends WrappedError {}

const READ_ROLE = 'Key Vault Secrets User';
const WRITE_ROLE = 'Key Vault Secrets Officer';

export class KeyVault implements SecretVault {
  private client: Promise<SecretClient> | undefined;

  constructor(readonly url: string) {}

  async get(name: VaultSecretName | ListenerLoginSecret): Promise<string | undefined> {
    const client = await this.secrets();
    try {
      return (await client.getSecret(name)).value;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw this.explain(error, 'read', name);
    }
  }

  async set(
    name: VaultSecretName | ListenerLoginSecret,
    value: string,
    contentType = 'text/plain',
  ): Promise<void> {
    const client = await this.secrets();
    try {
      await client.setSecret(name, value, { contentType, tags: { 'written-by': 'wrapped-me' } });
    } catch (error) {
      throw this.explain(error, 'write', name);
    }
  }

  /** The SDK is loaded on first use: commands that never touch the vault stay fast. */
  private secrets(): Promise<SecretClient> {
    this.client ??= (async () => {
      const [{ SecretClient }, { DefaultAzureCredential }] = await Promise.all([
        import('@azure/keyvault-secrets'),
        import('@azure/identity'),
      ]);
      return new SecretClient(this.url, new DefaultAzureCredential(), {
        // Azure checks that the vault's host lies under the resource its challenge names
        // (vault.azure.net). A vault on loopback is an emulator (lowkey-vault, a test's stand-in),
        // whose host never can: the check only applies to real vault hosts.
        disableChallengeResourceVerification: isLoopbackHost(new URL(this.url).hostname),
        retryOptions: { maxRetries: 2, retryDelayInMs: 500 },
      });
    })();
    return this.client;
  }

  /** An SDK failure as a message that says what to do; never the secret's value. */
  private explain(error: unknown, action: 'read' | 'write', name: string): KeyVaultError {
    const status = statusOf(error);
    const what = `the secret "${name}" in ${this.url}`;
    if (status === 403)
      return new KeyVaultError(`Key Vault refused to let this identity ${action} ${what} (403).`, {
        hint:
          action === 'read'
            ? `Give the identity wrapped-me runs as the "${READ_ROLE}" role on the vault.`
            : `Give the identity wrapped-me runs as the "${WRITE_ROLE}" role on that secret (or on the vault): it writes the rotated login back.`,
      });
    if (status === 401)
      return new KeyVaultError(
        `Key Vault did not accept this identity's token to ${action} ${what}.`,
        {
          hint: "Check that the identity belongs to the vault's tenant; `wrapped doctor` shows which secrets are reachable.",
        },
      );
    if (status !== undefined && (status === 429 || status >= 500))
      return new KeyVaultError(`Key Vault answered ${status} to ${action} ${what}.`, {
        retryable: true,
        hint: 'Azure had a passing problem; the next run tries again.',
      });
    if (status !== undefined)
      return new KeyVaultError(`Key Vault answered ${status} to ${action} ${what}.`);
    const message = error instanceof Error ? error.message : String(error);
    if (isCredentialFailure(error))
      return new KeyVaultError(
        `No Azure identity could sign in to Key Vault to ${action} ${what}.`,
        {
          hint:
            'In Azure, give the job a managed identity (set AZURE_CLIENT_ID to a user-assigned one). ' +
            'On your machine, run `az login`, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET. ' +
            `The identity library said: ${firstLine(message)}`,
        },
      );
    return new KeyVaultError(`Cannot reach Key Vault to ${action} ${what}: ${firstLine(message)}`, {
      retryable: true,
      hint: 'Check KEY_VAULT_URL and the network; the next run tries again.',
    });
  }
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

function isCredentialFailure(error: unknown): boolean {
  const name = (error as { name?: unknown } | undefined)?.name;
  return (
    typeof name === 'string' &&
    /CredentialUnavailableError|AuthenticationError|AggregateAuthenticationError/.test(name)
  );
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
}

/** The vault KEY_VAULT_URL names, or undefined without one. One client per process. */
const opened = new Map<string, KeyVault>();
export function openKeyVault(url: string | undefined): KeyVault | undefined {
  if (url === undefined) return undefined;
  let vault = opened.get(url);
  if (!vault) {
    vault = new KeyVault(url);
    opened.set(url, vault);
  }
  return vault;
}
