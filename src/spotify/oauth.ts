import { createHash, randomBytes } from 'node:crypto';
import { WrappedError } from '../errors.js';
import { ReauthRequired, SpotifyProtocolError, SpotifyUnavailable } from './errors.js';

/** Read-only scopes the product needs (SPOTIFY.md). */
export const SCOPES = [
  'user-read-recently-played',
  'user-top-read',
  'user-library-read',
  'playlist-read-private',
  'playlist-read-collaborative',
  'user-follow-read',
  'user-read-private',
  'user-read-currently-playing',
  'user-read-playback-state',
];

export interface OAuthApp {
  accountsUrl: string;
  clientId: string;
  /** Without a secret the PKCE flow is used. */
  clientSecret: string | undefined;
  redirectUri: string;
}

export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope?: string;
  refresh_token?: string;
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(64).toString('base64url'); // 86 characters, within 43-128
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function authorizeUrl(
  app: OAuthApp,
  state: string,
  challenge: string | undefined,
  options: { showDialog?: boolean } = {},
): string {
  const url = new URL(`${app.accountsUrl}/authorize`);
  url.searchParams.set('client_id', app.clientId);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('redirect_uri', app.redirectUri);
  url.searchParams.set('scope', SCOPES.join(' '));
  url.searchParams.set('state', state);
  // Spotify's consent page again even for an app already approved, with its "Not you?": how a
  // second person of a household logs in from a browser signed in as the first.
  if (options.showDialog) url.searchParams.set('show_dialog', 'true');
  if (challenge) {
    url.searchParams.set('code_challenge_method', 'S256');
    url.searchParams.set('code_challenge', challenge);
  }
  return url.toString();
}

async function tokenCall(app: OAuthApp, form: Record<string, string>): Promise<TokenResponse> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  const body = new URLSearchParams(form);
  if (app.clientSecret) {
    headers.authorization = `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}`;
  } else {
    body.set('client_id', app.clientId);
  }
  let response: Response;
  try {
    response = await fetch(`${app.accountsUrl}/api/token`, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new SpotifyUnavailable(
      `Cannot reach Spotify's accounts service: ${(error as Error).message}`,
    );
  }
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // handled below by status
  }
  if (response.ok && typeof json.access_token === 'string') return json as unknown as TokenResponse;
  const error = String(json.error ?? '');
  const description = String(json.error_description ?? response.statusText);
  if (error === 'invalid_grant' && form.grant_type === 'refresh_token')
    throw new ReauthRequired(description);
  if (response.status >= 500 || response.status === 429) {
    throw new SpotifyUnavailable(
      `Spotify's accounts service answered ${response.status}; try again later.`,
    );
  }
  if (error === 'invalid_client') {
    throw new WrappedError(`Spotify refused the app credentials: ${description}.`, {
      hint: 'Check SPOTIFY_CLIENT_ID and the client secret (SPOTIFY_CLIENT_SECRET, or the secret spotify-client-secret in Key Vault) against your app in the developer dashboard.',
    });
  }
  throw new SpotifyProtocolError(
    `Spotify's token endpoint answered ${response.status} ${error || ''} ${description}`.trim(),
  );
}

export function exchangeCode(
  app: OAuthApp,
  code: string,
  verifier: string | undefined,
): Promise<TokenResponse> {
  return tokenCall(app, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: app.redirectUri,
    ...(verifier ? { code_verifier: verifier } : {}),
  });
}

export function refreshAccessToken(app: OAuthApp, refreshToken: string): Promise<TokenResponse> {
  return tokenCall(app, { grant_type: 'refresh_token', refresh_token: refreshToken });
}
