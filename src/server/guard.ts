import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { hostname, networkInterfaces } from 'node:os';
import { ConfigError } from '../errors.js';
import { badRequest } from './http-error.js';

/**
 * Who may ask: the checks every HTTP endpoint of the product shares (the dashboard, and the
 * health and metrics a headless scheduler exposes). Loopback by default; beyond it, a token on
 * every request; and in every case only the Host names this server answers to.
 */

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;
export const TOKEN_COOKIE = 'wrapped_token';

/** Refuses to expose listening data beyond loopback without a long enough token. */
export function checkBinding(host: string, token: string | undefined, command: string): void {
  if (!LOOPBACK.test(host) && !token)
    throw new ConfigError(
      `Binding to ${host} would show your listening to your whole network without a password.`,
      {
        hint: `Give an access token: \`${command} --host ${host} --token <long random text>\` (or WRAPPED_SERVE_TOKEN), or keep the default 127.0.0.1.`,
      },
    );
  if (token !== undefined && token.length < 16)
    throw new ConfigError('The access token must be at least 16 characters long.');
}

export function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A cookie's value as the browser sent it (still encoded), if it sent one. */
export function cookieOf(req: IncomingMessage, name: string): string | undefined {
  return (req.headers.cookie ?? '')
    .split(';')
    .map((c) => c.trim().split('='))
    .find(([key]) => key === name)?.[1];
}

export function tokenOf(req: IncomingMessage, url: URL): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7);
  const cookie = cookieOf(req, TOKEN_COOKIE);
  if (cookie) {
    try {
      return decodeURIComponent(cookie);
    } catch {
      throw badRequest(`the ${TOKEN_COOKIE} cookie is malformed`);
    }
  }
  return url.searchParams.get('token') ?? undefined;
}

const WILDCARD = new Set(['0.0.0.0', '::', '']);

/**
 * The names this server answers to. A web page in the user's browser can point any name at
 * 127.0.0.1 (DNS rebinding) and then read the dashboard as "same origin": only the address it
 * is bound to, loopback names, and names given with --allow-host are let through.
 */
export function hostChecker(
  bound: string,
  allowed: string[] = [],
): (host: string | undefined) => boolean {
  const names = new Set(
    ['localhost', '127.0.0.1', '[::1]', ...allowed].map((n) => n.toLowerCase()),
  );
  if (WILDCARD.has(bound)) {
    // Bound to every address: each of this machine's addresses and its name.
    names.add(hostname().toLowerCase());
    for (const list of Object.values(networkInterfaces()))
      for (const address of list ?? [])
        names.add(address.family === 'IPv6' ? `[${address.address}]` : address.address);
  } else names.add(bound.includes(':') ? `[${bound}]` : bound.toLowerCase());
  return (host) => {
    if (host === undefined) return false;
    let name: string;
    try {
      name = new URL(`http://${host}`).hostname.toLowerCase();
    } catch {
      return false;
    }
    return names.has(name) || /^127\.\d+\.\d+\.\d+$/.test(name);
  };
}
