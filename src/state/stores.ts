import type { Config } from '../config/load.js';
import type { Lake } from '../lake/lake.js';
import { openLake } from '../lake/open.js';
import { DEFAULT_LISTENER } from '../listeners/registry.js';
import { openKeyVault } from '../secrets/key-vault.js';
import { VaultTokenStore } from '../secrets/vault-token-store.js';
import { type BlockStorage, BlockStore } from '../spotify/block-store.js';
import { type TokenStorage, TokenStore } from '../spotify/token-store.js';
import { LakeBlockStore } from './lake-block-store.js';
import { LakeTokenStore } from './lake-token-store.js';

export interface StateStores {
  /** `home`: files in WRAPPED_HOME; `lake`: `_state/` in the lake, so HOME can start empty. */
  where: 'home' | 'lake';
  tokens: TokenStorage;
  blocks: BlockStorage;
}

/** WRAPPED_STATE: `auto` keeps the state in the lake when the lake is in the cloud. */
export function stateLocation(config: Config, lake: Lake): 'home' | 'lake' {
  const chosen = config.settings.state;
  if (chosen !== 'auto') return chosen;
  return lake.localRoot === undefined ? 'lake' : 'home';
}

/**
 * A listener's login and the rate-limit block, wherever WRAPPED_STATE keeps them. With
 * KEY_VAULT_URL the login is in Key Vault instead, refreshed under the lock of the place the
 * rest lives. Each listener has a login of their own (src/listeners); the block is the app's,
 * shared by all of them: Spotify counts the app's requests, whoever they are for.
 */
export function openStateStores(
  config: Config,
  lake: Lake = openLake(config.settings),
  listener: string = DEFAULT_LISTENER,
): StateStores {
  const where = stateLocation(config, lake);
  const local =
    where === 'home'
      ? {
          tokens: new TokenStore(config.settings.home, listener),
          blocks: new BlockStore(config.settings.home),
        }
      : {
          tokens: new LakeTokenStore(lake, config.settings.stateKey, listener),
          blocks: new LakeBlockStore(lake),
        };
  const vault = openKeyVault(config.settings.keyVaultUrl);
  if (vault === undefined) return { where, ...local };
  return {
    where,
    tokens: new VaultTokenStore(vault, (fn) => local.tokens.withLock(fn), listener),
    blocks: local.blocks,
  };
}
