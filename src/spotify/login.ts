import { randomBytes } from 'node:crypto';
import type { Config } from '../config/load.js';
import { ConfigError, UsageError, WrappedError } from '../errors.js';
import { openLake } from '../lake/open.js';
import { DEFAULT_LISTENER, saveListener } from '../listeners/registry.js';
import { openStateStores } from '../state/stores.js';
import { waitForCallback } from './callback-server.js';
import { SpotifyClient } from './client.js';
import { authorizeUrl, exchangeCode, type OAuthApp, pkcePair } from './oauth.js';
import type { StoredTokens } from './token-store.js';

export function oauthApp(config: Config): OAuthApp {
  const s = config.settings;
  if (!s.spotifyClientId) {
    throw new ConfigError('SPOTIFY_CLIENT_ID is not set.', {
      hint: "Create an app in Spotify's developer dashboard, then run `wrapped init` (or put SPOTIFY_CLIENT_ID in .env).",
    });
  }
  return {
    accountsUrl: s.spotifyAccountsUrl,
    clientId: s.spotifyClientId,
    clientSecret: s.spotifyClientSecret,
    redirectUri: s.spotifyRedirectUri,
  };
}

/** The client every command uses, wired to the login and rate-limit block (HOME or the lake: WRAPPED_STATE). */
export function spotifyClient(
  config: Config,
  overrides: Partial<ConstructorParameters<typeof SpotifyClient>[0]> = {},
  listener: string = DEFAULT_LISTENER,
): SpotifyClient {
  const state = openStateStores(config, undefined, listener);
  return new SpotifyClient({
    app: oauthApp(config),
    apiUrl: config.settings.spotifyApiUrl,
    store: state.tokens,
    blocks: state.blocks,
    maxWaitSeconds: config.settings.spotifyMaxWaitSeconds,
    ...overrides,
  });
}

export interface LoginOptions {
  config: Config;
  /** Whose login this is (src/listeners; default `me`). */
  listener?: string;
  /** Receives the authorise URL once the callback server listens. */
  onAuthorizeUrl: (url: string) => void;
  timeoutMs?: number;
}

/**
 * A full login: the authorization code flow with the secret when one is configured, PKCE when
 * not. The saved login records when the user authorised (refresh tokens die six months later),
 * the scopes granted, and the account id from /me.
 */
export async function login(options: LoginOptions): Promise<StoredTokens> {
  const app = oauthApp(options.config);
  const state = randomBytes(16).toString('base64url');
  const pkce = app.clientSecret ? undefined : pkcePair();
  const listener = options.listener ?? DEFAULT_LISTENER;
  const url = authorizeUrl(app, state, pkce?.challenge, {
    showDialog: listener !== DEFAULT_LISTENER,
  });
  const code = await waitForCallback({
    redirectUri: app.redirectUri,
    state,
    timeoutMs: options.timeoutMs ?? 180_000,
    onListening: () => options.onAuthorizeUrl(url),
  });
  const answer = await exchangeCode(app, code, pkce?.verifier);
  if (!answer.refresh_token)
    throw new WrappedError('Spotify sent no refresh token; the login cannot be kept.');
  const profile = await fetch(`${options.config.settings.spotifyApiUrl}/me`, {
    headers: { authorization: `Bearer ${answer.access_token}` },
    signal: AbortSignal.timeout(30_000),
  });
  if (!profile.ok) {
    const text = await profile.text();
    throw new WrappedError(
      `Logged in, but Spotify refuses the API to this account (${profile.status}: ${text.slice(0, 200)}).`,
      {
        hint:
          profile.status === 403
            ? 'In development mode the app owner needs Premium and the user must be on the app\'s allow-list ("Users and access" in the dashboard).'
            : 'Try again later.',
      },
    );
  }
  const me = (await profile.json()) as {
    account_id?: string;
    id?: string;
    display_name?: string | null;
  };
  const tokens: StoredTokens = {
    client_id: app.clientId,
    access_token: answer.access_token,
    access_expires_at: Date.now() + answer.expires_in * 1000,
    refresh_token: answer.refresh_token,
    scope: (answer.scope ?? '').split(' ').filter(Boolean),
    authorized_at: new Date().toISOString(),
    account_id: me.account_id ?? null,
    display_name: me.display_name ?? null,
  };
  // The listener registry names the account, and refuses one already another listener's.
  const lake = openLake(options.config.settings);
  const named = saveListener(lake, {
    id: listener,
    spotify_user_id: me.id,
    display_name: me.display_name ?? undefined,
  });
  if (listener === DEFAULT_LISTENER)
    // `me` logs in without a lake to reach (a laptop before the cloud lake exists): naming
    // the account can wait for `wrapped doctor --fix`; only a clash stops the login.
    await named.catch((error: unknown) => {
      if (error instanceof UsageError) throw error;
    });
  else await named;
  const stores = openStateStores(options.config, lake, listener);
  await stores.tokens.write(tokens);
  await stores.blocks.clear();
  return tokens;
}
