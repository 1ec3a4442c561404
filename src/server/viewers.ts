import type { IncomingMessage } from 'node:http';
import type { Lake } from '../lake/lake.js';
import {
  DEFAULT_LISTENER,
  type Listener,
  readListeners,
  tokenDigest,
} from '../listeners/registry.js';
import { cookieOf, sameSecret } from './guard.js';
import { HttpError } from './http-error.js';

export const LISTENER_COOKIE = 'wrapped_listener';

/**
 * Whose dashboard a request sees (src/listeners). With tokens (the owner's `--token`, which
 * is `me`'s, or a listener's own from `wrapped listener token NAME`), the token decides and
 * nothing else: each listener sees their own pages and the household page, never another's.
 * With none (the dashboard on loopback, for whoever sits at the machine), the listener chosen
 * with `/?listener=NAME` (kept in a cookie), else `me`.
 */
export class Viewers {
  private listeners: Listener[] = [];
  private readAt = 0;

  constructor(
    private readonly lake: Lake,
    private readonly ownerToken: string | undefined,
  ) {}

  /** The registry, read again at most every 5 s (a listener or a token may be added meanwhile). */
  async list(): Promise<Listener[]> {
    if (Date.now() - this.readAt > 5000) {
      this.listeners = (await readListeners(this.lake)).listeners;
      this.readAt = Date.now();
    }
    return this.listeners;
  }

  /** Whether requests must carry a token: an owner token, or any listener's. */
  async private(): Promise<boolean> {
    return (
      this.ownerToken !== undefined || (await this.list()).some((l) => l.token_sha256 !== undefined)
    );
  }

  /** The listener a token belongs to, or undefined. */
  async byToken(token: string | undefined): Promise<string | undefined> {
    if (token === undefined) return undefined;
    if (this.ownerToken !== undefined && sameSecret(token, this.ownerToken))
      return DEFAULT_LISTENER;
    const digest = tokenDigest(token);
    const owner = (await this.list()).find(
      (l) => l.token_sha256 !== undefined && sameSecret(digest, l.token_sha256),
    );
    return owner?.id;
  }

  /** An open dashboard's chosen listener (cookie), checked against the registry. */
  async chosen(req: IncomingMessage): Promise<string> {
    const cookie = cookieOf(req, LISTENER_COOKIE);
    if (cookie === undefined) return DEFAULT_LISTENER;
    const known = (await this.list()).some((l) => l.id === cookie);
    return known ? cookie : DEFAULT_LISTENER;
  }

  /** A listener named in the address, which must be one of the lake's. */
  async named(name: string): Promise<string> {
    const listeners = await this.list();
    if (!listeners.some((l) => l.id === name))
      throw new HttpError(
        404,
        `no listener ${JSON.stringify(name.slice(0, 40))} on this lake (${listeners.map((l) => l.id).join(', ')})`,
      );
    return name;
  }
}
