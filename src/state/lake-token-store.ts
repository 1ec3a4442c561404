import { LakeConflictError, WrappedError } from '../errors.js';
import type { Lake } from '../lake/lake.js';
import { layout } from '../lake/layout.js';
import { LakeLock, LockHeldError } from '../lake/lock.js';
import { DEFAULT_LISTENER } from '../listeners/registry.js';
import type { StoredTokens, TokenStorage } from '../spotify/token-store.js';
import { open, parseStateKey, type Sealed, seal } from './sealed.js';

/**
 * The login kept in the lake, so a run can start from an empty HOME (a scheduled container):
 * sealed with WRAPPED_STATE_KEY (AES-256-GCM), refreshed under a lock in the lake that every
 * machine sees, and replaced only at the version read (If-Match), so two runs that refresh at
 * once cannot both win and lose the rotated refresh token.
 */
export class LakeTokenStore implements TokenStorage {
  readonly file: string;
  /** The version last read: a write replaces only that one. */
  private version: string | undefined;
  private key: Buffer | undefined;

  /** `me`'s login is `_state/auth/spotify-tokens.json`; another's `_state/auth/<name>/...`. */
  constructor(
    private readonly lake: Lake,
    private readonly keyText: string | undefined,
    private readonly listener: string = DEFAULT_LISTENER,
  ) {
    this.file = layout.state(
      listener === DEFAULT_LISTENER
        ? 'auth/spotify-tokens.json'
        : `auth/${listener}/spotify-tokens.json`,
    );
  }

  /** Asked for only when the login is used: `wrapped status` works without the key. */
  private sealingKey(): Buffer {
    this.key ??= parseStateKey(this.keyText);
    return this.key;
  }

  async read(): Promise<StoredTokens | undefined> {
    const found = await this.lake.getVersioned(this.file);
    if (!found) {
      this.version = undefined;
      return undefined;
    }
    let sealed: Sealed;
    try {
      sealed = JSON.parse(found.body.toString('utf8')) as Sealed;
    } catch {
      throw new WrappedError(`The login kept in the lake (${this.file}) is damaged.`, {
        hint: 'Run `wrapped auth login` to replace it.',
      });
    }
    const plain = open(
      sealed,
      this.sealingKey(),
      this.file,
      `The login kept in the lake (${this.file})`,
    );
    this.version = found.version;
    return JSON.parse(plain.toString('utf8')) as StoredTokens;
  }

  async write(tokens: StoredTokens): Promise<void> {
    const body = `${JSON.stringify(seal(JSON.stringify(tokens), this.sealingKey(), this.file))}\n`;
    try {
      await this.lake.put(this.file, body, this.version ? { ifMatch: this.version } : {});
    } catch (error) {
      if (!(error instanceof LakeConflictError)) throw error;
      throw new WrappedError(
        'The login in the lake was replaced by another run at the same moment.',
        {
          retryable: true,
          hint: 'Nothing is lost: the next run uses the login that run saved.',
        },
      );
    }
    this.version = (await this.lake.getVersioned(this.file))?.version;
  }

  async clear(): Promise<boolean> {
    const existed = await this.lake.exists(this.file);
    await this.lake.delete(this.file);
    this.version = undefined;
    return existed;
  }

  /** Runs `fn` holding the login's lock in the lake; waits up to a minute for another holder. */
  async withLock<T>(fn: () => Promise<T>): Promise<T> {
    const lock = new LakeLock(this.lake, {
      name: this.listener === DEFAULT_LISTENER ? 'spotify-login' : `spotify-login-${this.listener}`,
      command: 'a Spotify token refresh',
      heartbeatMs: 10_000,
      staleAfterMs: 60_000,
    });
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await lock.acquire();
        break;
      } catch (error) {
        if (!(error instanceof LockHeldError) || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
      }
    }
    try {
      return await fn();
    } finally {
      await lock.release();
    }
  }
}
