import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { writePrivateFile } from '../config/env-file.js';
import { WrappedError } from '../errors.js';
import { DEFAULT_LISTENER } from '../listeners/registry.js';

/** What the product keeps of a login. Secrets: access_token, refresh_token. */
export interface StoredTokens {
  client_id: string;
  access_token: string;
  /** Epoch ms when the access token stops working (by our clock, with a margin). */
  access_expires_at: number;
  refresh_token: string;
  scope: string[];
  /** When the user authorised: refresh tokens die six months later and refreshing does not extend them. */
  authorized_at: string;
  account_id: string | null;
  display_name: string | null;
}

/**
 * Where a login is kept: a file in HOME (TokenStore) or, for runs that start from an empty HOME,
 * the lake (src/state/lake-token-store.ts). Refreshing happens inside `withLock`.
 */
export interface TokenStorage {
  /** Where, for messages (a path, or a lake path). */
  readonly file: string;
  read(): Promise<StoredTokens | undefined>;
  write(tokens: StoredTokens): Promise<void>;
  clear(): Promise<boolean>;
  withLock<T>(fn: () => Promise<T>): Promise<T>;
}

export const TOKEN_FILE = 'spotify-tokens.json';
const LOCK_FILE = 'spotify-tokens.lock';
const STALE_LOCK_MS = 30_000;

/** Six calendar months after the authorisation (SPOTIFY.md: since 2026-07-20). */
export function refreshTokenExpiry(authorizedAt: string | Date): Date {
  const d = new Date(authorizedAt);
  d.setUTCMonth(d.getUTCMonth() + 6);
  return d;
}

/**
 * The token store: one JSON file in HOME, mode 0600, replaced atomically (write a temporary
 * file, then rename). Refreshing happens under a lock file, and whoever holds the lock re-reads
 * the store first: if another process already refreshed (and got a rotated refresh token), its
 * result is used instead of refreshing again with a token that no longer works.
 */
export class TokenStore implements TokenStorage {
  readonly file: string;
  private readonly lockFile: string;

  /** `me`'s login is `spotify-tokens.json`; another listener's `spotify-tokens.<name>.json`. */
  constructor(
    readonly home: string,
    listener: string = DEFAULT_LISTENER,
  ) {
    const own = listener === DEFAULT_LISTENER ? '' : `.${listener}`;
    this.file = join(home, TOKEN_FILE.replace(/\.json$/, `${own}.json`));
    this.lockFile = join(home, LOCK_FILE.replace(/\.lock$/, `${own}.lock`));
  }

  async read(): Promise<StoredTokens | undefined> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      const tokens = JSON.parse(text) as StoredTokens;
      if (typeof tokens.refresh_token !== 'string' || typeof tokens.access_token !== 'string')
        throw new Error('fields missing');
      return tokens;
    } catch {
      // Never echo the file: it holds secrets.
      throw new WrappedError(`The token store ${this.file} is damaged.`, {
        hint: 'Run `wrapped auth login` to replace it.',
      });
    }
  }

  async write(tokens: StoredTokens): Promise<void> {
    await mkdir(this.home, { recursive: true });
    await writePrivateFile(this.file, `${JSON.stringify(tokens, null, 2)}\n`);
  }

  async clear(): Promise<boolean> {
    try {
      await rm(this.file);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }

  /** Runs `fn` holding the store's lock (O_EXCL lock file; a lock older than 30 s is taken over). */
  async withLock<T>(fn: () => Promise<T>): Promise<T> {
    await mkdir(this.home, { recursive: true });
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        const handle = await open(this.lockFile, 'wx', 0o600);
        await handle.writeFile(
          JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }),
        );
        await handle.close();
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const age = await stat(this.lockFile).then(
          (s) => Date.now() - s.mtimeMs,
          () => 0,
        );
        if (age > STALE_LOCK_MS) await rm(this.lockFile, { force: true });
        else if (Date.now() > deadline)
          throw new WrappedError(`Another wrapped process holds ${this.lockFile}.`, {
            retryable: true,
          });
        else await new Promise((r) => setTimeout(r, 25 + Math.random() * 50));
      }
    }
    try {
      return await fn();
    } finally {
      await rm(this.lockFile, { force: true });
    }
  }
}
