import { createHash, randomBytes } from 'node:crypto';
import { apiError, json, type SimRequest, type SimResponse, tokenError } from './http.js';

/** Every scope Spotify knows; asking for another is `invalid_scope`. */
export const KNOWN_SCOPES = new Set([
  'ugc-image-upload',
  'user-read-playback-state',
  'user-modify-playback-state',
  'user-read-currently-playing',
  'app-remote-control',
  'streaming',
  'playlist-read-private',
  'playlist-read-collaborative',
  'playlist-modify-private',
  'playlist-modify-public',
  'user-follow-modify',
  'user-follow-read',
  'user-read-playback-position',
  'user-top-read',
  'user-read-recently-played',
  'user-library-modify',
  'user-library-read',
  'user-read-email',
  'user-read-private',
  'user-personalized',
  'user-soa-link',
  'user-soa-unlink',
  'soa-manage-entitlements',
  'soa-manage-partner',
  'soa-create-partner',
]);

export interface AccountsSettings {
  clientId: string;
  clientSecret: string;
  /** Exact redirect URIs registered for the app; empty: any URI that passes the 2025 rules. */
  redirectUris: string[];
  accessTokenTtlSeconds: number;
  /** A new refresh token on every refresh, or none. */
  rotateRefreshTokens: boolean;
  /**
   * Strict rotation: a rotated refresh token stops working at once (OAuth 2.1 style). Spotify
   * keeps the old one usable, so this is off by default; tests turn it on to prove that
   * concurrent refreshes never lose the live token.
   */
  revokeRotatedRefreshTokens: boolean;
  /** The user presses "Cancel" on the consent page. */
  denyConsent: boolean;
  /**
   * Who is signed in to Spotify in the browser that consents: the account a login gets. A
   * household logs in one person after the other (POST /_sim/session).
   */
  signedInUser: string;
}

interface Authorization {
  id: string;
  authorizedAt: number;
  scope: string;
  revoked: boolean;
  /** Granted to the app authenticated with its secret: refreshing needs the secret too. */
  confidential: boolean;
  /** The Spotify account that consented. */
  user: string;
}

interface AccessToken {
  authorization: Authorization;
  expiresAt: number;
}

export type TokenCheck =
  | { ok: true; scope: Set<string>; user: string }
  | { ok: false; response: SimResponse };

const base64url = (bytes: Buffer) => bytes.toString('base64url');

/** Refresh tokens die six calendar months after the user authorised (SPOTIFY.md, since 2026-07-20). */
export function refreshTokenExpiry(authorizedAt: number): number {
  const d = new Date(authorizedAt);
  d.setUTCMonth(d.getUTCMonth() + 6);
  return d.getTime();
}

/**
 * The accounts service: GET /authorize (consents at once) and POST /api/token, with Spotify's
 * redirect rules and error bodies. Time is the simulated clock's.
 */
export class Accounts {
  private readonly codes = new Map<
    string,
    {
      redirectUri: string;
      scope: string;
      challenge?: string;
      expiresAt: number;
      used: boolean;
      user: string;
    }
  >();
  private readonly refreshTokens = new Map<
    string,
    { authorization: Authorization; active: boolean }
  >();
  private readonly accessTokens = new Map<string, AccessToken>();
  private failNextRefresh = 0;

  constructor(
    readonly settings: AccountsSettings,
    private readonly clock: () => number,
  ) {}

  authorize(req: SimRequest): SimResponse {
    const q = req.query;
    const page = (message: string) =>
      ({
        status: 400,
        text: `<!doctype html><title>Error</title><h1>${message}</h1>`,
      }) satisfies SimResponse;
    if (q.get('client_id') !== this.settings.clientId)
      return page('INVALID_CLIENT: Invalid client');
    const redirect = q.get('redirect_uri') ?? '';
    let target: URL;
    try {
      target = new URL(redirect);
    } catch {
      return page('INVALID_CLIENT: Invalid redirect URI');
    }
    const loopback = target.hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(target.hostname);
    if (target.protocol !== 'https:' && !(target.protocol === 'http:' && loopback))
      return page('INVALID_CLIENT: Insecure redirect URI');
    if (this.settings.redirectUris.length > 0 && !this.settings.redirectUris.includes(redirect))
      return page('INVALID_CLIENT: Invalid redirect URI');

    const back = (params: Record<string, string>) => {
      const url = new URL(redirect);
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
      const state = q.get('state');
      if (state !== null) url.searchParams.set('state', state);
      return { status: 302, headers: { location: url.toString() } } satisfies SimResponse;
    };
    if (q.get('response_type') !== 'code') return back({ error: 'unsupported_response_type' });
    const scopes = (q.get('scope') ?? '').split(/\s+/).filter(Boolean);
    if (scopes.some((s) => !KNOWN_SCOPES.has(s))) return back({ error: 'invalid_scope' });
    const challenge = q.get('code_challenge') ?? undefined;
    const method = q.get('code_challenge_method');
    if (challenge !== undefined || method !== null) {
      if (method !== 'S256' || challenge === undefined || !/^[A-Za-z0-9_-]{43}$/.test(challenge))
        return back({ error: 'invalid_request' });
    }
    if (this.settings.denyConsent) return back({ error: 'access_denied' });
    const code = base64url(randomBytes(48));
    this.codes.set(code, {
      redirectUri: redirect,
      scope: scopes.join(' '),
      challenge,
      expiresAt: this.clock() + 600_000,
      used: false,
      user: this.settings.signedInUser,
    });
    return back({ code });
  }

  token(req: SimRequest): SimResponse {
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return tokenError(400, 'invalid_request', 'Unsupported content type');
    }
    const form = new URLSearchParams(req.body);
    // Client authentication: Basic header (with the secret), or just client_id (PKCE).
    let clientId = form.get('client_id');
    let authenticated = false;
    const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (basic) {
      const [id, secret] = Buffer.from(basic, 'base64').toString('utf8').split(':');
      if (id !== this.settings.clientId) return tokenError(400, 'invalid_client', 'Invalid client');
      if (secret !== this.settings.clientSecret)
        return tokenError(400, 'invalid_client', 'Invalid client secret');
      clientId = id;
      authenticated = true;
    }
    if (clientId !== this.settings.clientId)
      return tokenError(400, 'invalid_client', 'Invalid client');

    switch (form.get('grant_type')) {
      case 'authorization_code': {
        const code = this.codes.get(form.get('code') ?? '');
        if (!code || code.used || code.expiresAt <= this.clock())
          return tokenError(400, 'invalid_grant', 'Invalid authorization code');
        if (form.get('redirect_uri') !== code.redirectUri)
          return tokenError(400, 'invalid_grant', 'Invalid redirect URI');
        if (code.challenge) {
          const verifier = form.get('code_verifier') ?? '';
          if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier))
            return tokenError(400, 'invalid_request', 'code_verifier required');
          if (base64url(createHash('sha256').update(verifier).digest()) !== code.challenge) {
            return tokenError(400, 'invalid_grant', 'code_verifier was incorrect');
          }
        } else if (!authenticated) {
          return tokenError(400, 'invalid_client', 'Invalid client secret');
        }
        code.used = true;
        const authorization: Authorization = {
          id: base64url(randomBytes(8)),
          authorizedAt: this.clock(),
          scope: code.scope,
          revoked: false,
          confidential: authenticated,
          user: code.user,
        };
        return json(200, {
          ...this.issueAccess(authorization),
          refresh_token: this.issueRefresh(authorization),
        });
      }
      case 'refresh_token': {
        const entry = this.refreshTokens.get(form.get('refresh_token') ?? '');
        if (!entry) return tokenError(400, 'invalid_grant', 'Invalid refresh token');
        if (entry.authorization.confidential && !authenticated)
          return tokenError(400, 'invalid_client', 'Invalid client secret');
        if (this.failNextRefresh > 0) {
          this.failNextRefresh--;
          entry.authorization.revoked = true;
        }
        if (entry.authorization.revoked)
          return tokenError(400, 'invalid_grant', 'Refresh token revoked');
        if (this.clock() >= refreshTokenExpiry(entry.authorization.authorizedAt))
          return tokenError(400, 'invalid_grant', 'Refresh token expired');
        if (!entry.active) return tokenError(400, 'invalid_grant', 'Invalid refresh token');
        const body: Record<string, unknown> = this.issueAccess(entry.authorization);
        if (this.settings.rotateRefreshTokens) {
          if (this.settings.revokeRotatedRefreshTokens) entry.active = false;
          body.refresh_token = this.issueRefresh(entry.authorization);
        }
        return json(200, body);
      }
      default:
        return tokenError(
          400,
          'unsupported_grant_type',
          `grant_type must be authorization_code or refresh_token`,
        );
    }
  }

  private issueAccess(authorization: Authorization) {
    const token = `BQ${base64url(randomBytes(60))}`;
    this.accessTokens.set(token, {
      authorization,
      expiresAt: this.clock() + this.settings.accessTokenTtlSeconds * 1000,
    });
    return {
      access_token: token,
      token_type: 'Bearer',
      expires_in: this.settings.accessTokenTtlSeconds,
      scope: authorization.scope,
    };
  }

  private issueRefresh(authorization: Authorization): string {
    const token = `AQ${base64url(randomBytes(96))}`;
    this.refreshTokens.set(token, { authorization, active: true });
    return token;
  }

  /** Checks a Bearer token and returns its scopes, or the 401 Spotify would send. */
  checkBearer(header: string | undefined): TokenCheck {
    const token = /^Bearer (.+)$/.exec(header ?? '')?.[1];
    if (!token) return { ok: false, response: apiError(401, 'No token provided') };
    const entry = this.accessTokens.get(token);
    if (!entry || entry.authorization.revoked)
      return { ok: false, response: apiError(401, 'Invalid access token') };
    if (entry.expiresAt <= this.clock())
      return { ok: false, response: apiError(401, 'The access token expired') };
    return {
      ok: true,
      scope: new Set(entry.authorization.scope.split(' ').filter(Boolean)),
      user: entry.authorization.user,
    };
  }

  /** Fault: every access token issued so far expires now. */
  expireAccessTokens(): void {
    const now = this.clock();
    for (const entry of this.accessTokens.values())
      entry.expiresAt = Math.min(entry.expiresAt, now);
  }

  /** Fault: the next N refreshes answer invalid_grant (the user revoked the app). */
  failRefreshes(count: number): void {
    this.failNextRefresh += count;
  }

  /** The user (or every user) removed the app from their account: their logins stop working. */
  revokeAll(user?: string): void {
    for (const { authorization } of this.refreshTokens.values())
      if (user === undefined || authorization.user === user) authorization.revoked = true;
  }
}
