import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StoredTokens } from '../spotify/token-store.js';
import type { SecretVault, VaultSecretName } from './key-vault.js';
import { VaultTokenStore } from './vault-token-store.js';

/** A vault held in memory, with every version kept as Key Vault keeps them. */
function memoryVault(): SecretVault & { versions: Map<string, string[]> } {
  const versions = new Map<string, string[]>();
  return {
    url: 'https://test.vault.azure.net',
    versions,
    get: async (name: VaultSecretName) => versions.get(name)?.at(-1),
    set: async (name: VaultSecretName, value: string) => {
      versions.set(name, [...(versions.get(name) ?? []), value]);
    },
  };
}

const tokens: StoredTokens = {
  client_id: 'app',
  access_token: 'BQ-access',
  access_expires_at: 1,
  refresh_token: 'AQ-refresh',
  scope: ['user-read-recently-played'],
  authorized_at: '2026-11-01T00:00:00Z',
  account_id: 'me',
  display_name: 'Me',
};
const noLock = <T>(fn: () => Promise<T>) => fn();

describe('the login kept in Key Vault', () => {
  it('writes each token set as a new version and reads the newest; logging out leaves an empty one', async () => {
    const vault = memoryVault();
    const store = new VaultTokenStore(vault, noLock);
    assert.equal(await store.read(), undefined);
    await store.write(tokens);
    await store.write({ ...tokens, refresh_token: 'AQ-rotated' });
    assert.equal((await store.read())?.refresh_token, 'AQ-rotated');
    assert.equal(await store.clear(), true);
    assert.equal(await store.read(), undefined);
    assert.equal(await store.clear(), false, 'nothing left to forget');
    assert.deepEqual(vault.versions.get('spotify-login')?.at(-1), '{}');
  });

  it('a damaged value is an error that never shows it', async () => {
    for (const value of ['not json AQ-secret', 'null', '[1]', '{"access_token":"AQ-secret"}']) {
      const vault = memoryVault();
      await vault.set('spotify-login', value);
      await assert.rejects(
        new VaultTokenStore(vault, noLock).read(),
        (e: Error) => /is damaged/.test(e.message) && !e.message.includes('AQ-secret'),
        value,
      );
    }
  });
});
