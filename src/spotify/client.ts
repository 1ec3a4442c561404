import { WrappedError } from '../errors.js';
import type { BlockStorage } from './block-store.js';
import {
  LoginStoreFailed,
  NotLoggedIn,
  RateLimited,
  ReauthRequired,
  SpotifyForbidden,
  SpotifyNotFound,
  SpotifyProtocolError,
  SpotifyUnavailable,
} from './errors.js';
import { type OAuthApp, refreshAccessToken } from './oauth.js';
import { parseRetryAfter } from './retry-after.js';
import type { StoredTokens, TokenStorage } from './token-store.js';

export interface ClientOptions {
  app: OAuthApp;
  apiUrl: string;
  store: TokenStorage;
  blocks: BlockStorage;
  /** A Retry-After up to this many seconds is waited out; a longer one blocks calls until then. */
  maxWaitSeconds?: number;
  /** Attempts for 5xx, timeouts and network errors (the first try included). */
  attempts?: number;
  /** First backoff delay; doubles each retry, with jitter. */
  backoffMs?: number;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** Counted per client (one client per run), for the run record. */
export interface RequestCounts {
  requests: number;
  retries: number;
  refreshes: number;
  rate_limited: number;
}

const EXPIRY_MARGIN_MS = 60_000;

/**
 * The Spotify Web API client: Bearer auth with refresh, and the platform's rules applied once,
 * here, for every endpoint (SPOTIFY.md):
 * - 401: refresh once (under the token store's lock) and retry once;
 *   `invalid_grant` on refresh is final: ReauthRequired.
 * - 429: a short Retry-After is waited out; a long one (or QUOTA_EXCEEDED, until the next UTC day)
 *   is written to HOME, and until then every call fails fast with RateLimited, sending nothing.
 * - 5xx, timeouts, dropped connections, garbled bodies: bounded retries with exponential
 *   backoff and jitter. 403 and 404 are typed and never retried.
 */
export class SpotifyClient {
  readonly counts: RequestCounts = { requests: 0, retries: 0, refreshes: 0, rate_limited: 0 };
  private tokens: StoredTokens | undefined;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(private readonly options: ClientOptions) {
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.now = options.now ?? Date.now;
  }

  /** GET a Web API path (`/me/player/recently-played`), returning parsed JSON, or null for 204. */
  async get<T = unknown>(
    path: string,
    query: Record<string, string | number | undefined> = {},
  ): Promise<T | null> {
    const url = new URL(`${this.options.apiUrl}${path}`);
    for (const [k, v] of Object.entries(query))
      if (v !== undefined) url.searchParams.set(k, String(v));
    return this.request<T>(url);
  }

  /** GET an absolute `next` URL from a paging object. */
  async getUrl<T = unknown>(url: string): Promise<T | null> {
    return this.request<T>(new URL(url));
  }

  private async request<T>(url: URL): Promise<T | null> {
    const attempts = this.options.attempts ?? 5;
    const maxWait = this.options.maxWaitSeconds ?? 60;
    let refreshed = false;
    let shortWaits = 0;
    for (let attempt = 1; ; attempt++) {
      await this.failIfBlocked();
      const token = await this.accessToken();
      let response: Response;
      try {
        this.counts.requests++;
        response = await fetch(url, {
          headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
        });
      } catch (error) {
        if (attempt >= attempts)
          throw new SpotifyUnavailable(
            `No answer from Spotify for ${url.pathname}: ${(error as Error).message}`,
          );
        await this.backoff(attempt);
        continue;
      }
      if (response.status === 401 && !refreshed) {
        refreshed = true;
        await this.refresh(token);
        continue;
      }
      if (response.status === 429) {
        this.counts.rate_limited++;
        const body = await response.text();
        const quota = body.includes('QUOTA_EXCEEDED');
        const retryAfter = parseRetryAfter(response.headers.get('retry-after'), this.now());
        const wait = retryAfter.seconds;
        if (!quota && wait <= maxWait && shortWaits < 3) {
          shortWaits++;
          await this.sleep(wait * 1000);
          continue;
        }
        const until = quota ? nextUtcDay(this.now()) : new Date(this.now() + wait * 1000);
        await this.options.blocks.set(until, quota);
        throw new RateLimited(until, quota, quota ? undefined : retryAfter.cappedFrom);
      }
      if (response.status >= 500) {
        await response.body?.cancel();
        if (attempt >= attempts)
          throw new SpotifyUnavailable(
            `Spotify answered ${response.status} for ${url.pathname} ${attempts} times.`,
          );
        await this.backoff(attempt);
        continue;
      }
      if (response.status === 204) return null;
      const text = await response.text();
      if (response.status === 403)
        throw new SpotifyForbidden(`Spotify refused ${url.pathname} (403): ${errorMessage(text)}`);
      if (response.status === 404)
        throw new SpotifyNotFound(`Spotify has no ${url.pathname} (404): ${errorMessage(text)}`);
      if (response.status === 401)
        throw new ReauthRequired('the API refused a freshly refreshed token');
      if (!response.ok)
        throw new SpotifyProtocolError(
          `Spotify answered ${response.status} for ${url.pathname}: ${errorMessage(text)}`,
        );
      try {
        return JSON.parse(text) as T;
      } catch {
        // A cut-off body is a transient failure like a 5xx.
        if (attempt >= attempts)
          throw new SpotifyUnavailable(`Spotify sent an unreadable answer for ${url.pathname}.`);
        await this.backoff(attempt);
      }
    }
  }

  private async failIfBlocked(): Promise<void> {
    const block = await this.options.blocks.current(this.now());
    if (block) throw new RateLimited(new Date(block.until), block.quota);
  }

  private async backoff(attempt: number): Promise<void> {
    this.counts.retries++;
    const base = (this.options.backoffMs ?? 500) * 2 ** (attempt - 1);
    await this.sleep(base / 2 + Math.random() * base);
  }

  private async accessToken(): Promise<string> {
    if (!this.tokens) this.tokens = await fromStore(() => this.options.store.read());
    if (!this.tokens) throw new NotLoggedIn();
    if (this.tokens.access_expires_at - EXPIRY_MARGIN_MS <= this.now())
      await this.refresh(this.tokens.access_token);
    return (this.tokens as StoredTokens).access_token;
  }

  /**
   * Refreshes under the store's lock. If the stored access token already differs from the one
   * that failed, another process refreshed meanwhile: use its tokens (its refresh token may have
   * rotated, and ours would then be dead).
   */
  private refresh(failedToken: string): Promise<void> {
    return this.options.store.withLock(() => this.refreshHoldingLock(failedToken));
  }

  private async refreshHoldingLock(failedToken: string): Promise<void> {
    const store = this.options.store;
    const stored = await fromStore(() => store.read());
    if (!stored) throw new NotLoggedIn();
    if (
      stored.access_token !== failedToken &&
      stored.access_expires_at - EXPIRY_MARGIN_MS > this.now()
    ) {
      this.tokens = stored;
      return;
    }
    this.counts.refreshes++;
    const answer = await refreshAccessToken(this.options.app, stored.refresh_token);
    const next: StoredTokens = {
      ...stored,
      access_token: answer.access_token,
      access_expires_at: this.now() + answer.expires_in * 1000,
      // Spotify may or may not send a new refresh token: keep the old one when it does not.
      refresh_token: answer.refresh_token ?? stored.refresh_token,
      scope: answer.scope ? answer.scope.split(' ').filter(Boolean) : stored.scope,
    };
    await fromStore(() => store.write(next));
    this.tokens = next;
  }
}

/** A failure of the login's store, told apart from Spotify's answers (see LoginStoreFailed). */
async function fromStore<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof WrappedError && !(error instanceof LoginStoreFailed))
      throw new LoginStoreFailed(error);
    throw error;
  }
}

function nextUtcDay(now: number): Date {
  const d = new Date(now);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1));
}

function errorMessage(text: string): string {
  try {
    const json = JSON.parse(text) as { error?: { message?: string } };
    return json.error?.message ?? text.slice(0, 200);
  } catch {
    return text.slice(0, 200);
  }
}
