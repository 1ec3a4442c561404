import { createHash, randomBytes } from 'node:crypto';

export const ALL_SCOPES =
  'user-read-recently-played user-top-read user-library-read playlist-read-private playlist-read-collaborative user-follow-read user-read-private user-read-currently-playing user-read-playback-state';

/** Logs in against the simulator with PKCE over real HTTP, as a client would; returns the token response. */
export async function loginWithPkce(base: string, clientId = 'wrapped-demo', scope = ALL_SCOPES) {
  const verifier = randomBytes(48).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const redirect = 'http://127.0.0.1:8888/callback';
  const authorize = new URL(`${base}/authorize`);
  for (const [k, v] of Object.entries({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: redirect,
    scope,
    state: 'state-123',
    code_challenge_method: 'S256',
    code_challenge: challenge,
  })) {
    authorize.searchParams.set(k, v);
  }
  const consent = await fetch(authorize, { redirect: 'manual' });
  const location = new URL(consent.headers.get('location') ?? '');
  const code = location.searchParams.get('code');
  if (!code) throw new Error(`no code: ${location}`);
  const token = await fetch(`${base}/api/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirect,
      client_id: clientId,
      code_verifier: verifier,
    }),
  });
  return (await token.json()) as {
    access_token: string;
    refresh_token: string;
    expires_in: number;
    scope: string;
  };
}

export async function api(
  base: string,
  token: string,
  path: string,
): Promise<{ status: number; headers: Headers; body: unknown }> {
  const response = await fetch(`${base}/v1${path}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? JSON.parse(text) : null,
  };
}

export async function control(
  base: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const response = await fetch(`${base}/_sim/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok)
    throw new Error(`${method} /_sim/${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** The next recently-played call finds every access token expired: the client must refresh. */
export const expireAccessTokens = (base: string) =>
  control(base, 'POST', 'faults', {
    rules: [{ path: '/v1/me/player/recently-played', kind: 'expire_tokens', count: 1 }],
  });

/** Spotify's Web API answers 503 to everything until the faults are cleared. */
export const spotifyDown = (base: string) =>
  control(base, 'POST', 'faults', {
    rules: [{ path: '/v1/*', kind: 'server_error', status: 503 }],
  });
