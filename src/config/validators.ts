import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Cron } from 'croner';

/**
 * Each validator turns a raw string into a typed value or throws `Invalid` with what was
 * expected. The loader adds which setting and which source, so the messages here stay short.
 */
export class Invalid extends Error {}

export function timeZone(raw: string): string {
  const name = raw.trim();
  try {
    // Intl knows the IANA database shipped with Node; it throws RangeError for unknown zones.
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    // Keep the name as given: Intl would canonicalise some to old aliases (Asia/Kolkata -> Asia/Calcutta).
    return name;
  } catch {
    throw new Invalid('an IANA time zone name such as Europe/Berlin, America/New_York or UTC');
  }
}

export function absolutePath(cwd: string) {
  return (raw: string): string => {
    if (raw.trim() === '') throw new Invalid('a folder path');
    if (raw.includes('\0')) throw new Invalid('a folder path without NUL characters');
    return isAbsolute(raw) ? raw : resolve(cwd, raw);
  };
}

export type LakeLocation =
  | { kind: 'fs'; url: string; root: string }
  | { kind: 'azure'; url: string; container: string; account?: string; prefix: string }
  | { kind: 's3'; url: string; bucket: string; prefix: string };

const LAKE_EXPECTED =
  'a folder path, file:///path, az://container/prefix, ' +
  'abfss://container@account.dfs.core.windows.net/prefix or s3://bucket/prefix';

export function lakeLocation(cwd: string) {
  return (raw: string): LakeLocation => {
    const text = raw.trim();
    if (text === '' || text.includes('\0')) throw new Invalid(LAKE_EXPECTED);
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
    if (scheme === undefined) {
      const root = isAbsolute(text) ? text : resolve(cwd, text);
      return { kind: 'fs', url: root, root };
    }
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new Invalid(LAKE_EXPECTED);
    }
    const prefix = url.pathname.replace(/^\/+|\/+$/g, '');
    switch (scheme) {
      case 'file':
        return { kind: 'fs', url: text, root: fileURLToPath(url) };
      case 'az':
        if (!url.hostname) throw new Invalid(LAKE_EXPECTED);
        return { kind: 'azure', url: text, container: url.hostname, prefix };
      case 'abfss': {
        const account = /^([a-z0-9]+)\.dfs\.core\.windows\.net$/i.exec(url.hostname)?.[1];
        if (!url.username || account === undefined) throw new Invalid(LAKE_EXPECTED);
        return { kind: 'azure', url: text, container: url.username, account, prefix };
      }
      case 's3':
        if (!url.hostname) throw new Invalid(LAKE_EXPECTED);
        return { kind: 's3', url: text, bucket: url.hostname, prefix };
      default:
        throw new Invalid(LAKE_EXPECTED);
    }
  };
}

function isLoopbackLiteral(hostname: string): boolean {
  return hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** Spotify accepts HTTPS redirects, or plain HTTP to a loopback IP literal; never `localhost`. */
export function redirectUri(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new Invalid('a URL such as http://127.0.0.1:8888/callback');
  }
  if (url.hostname === 'localhost') {
    throw new Invalid(
      'a loopback IP literal instead of "localhost" (Spotify refuses localhost redirects ' +
        'since 2025-11-27): http://127.0.0.1:PORT/callback',
    );
  }
  if (url.protocol === 'https:') return url.toString();
  if (url.protocol === 'http:' && isLoopbackLiteral(url.hostname)) return url.toString();
  throw new Invalid(
    'an https:// URL, or http:// to 127.0.0.1 or [::1], such as http://127.0.0.1:8888/callback',
  );
}

/** Service base URLs: the real Spotify, or the simulator on loopback. */
export function httpUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new Invalid('an http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Invalid('an http:// or https:// URL');
  }
  return url.toString().replace(/\/+$/, '');
}

/** Slack webhooks are HTTPS; plain HTTP is allowed only to loopback (a local stand-in). */
export function webhookUrl(raw: string): string {
  const expected = 'an https:// Slack incoming-webhook URL (https://hooks.slack.com/services/...)';
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new Invalid(expected);
  }
  if (url.protocol === 'https:') return url.toString();
  if (
    url.protocol === 'http:' &&
    (isLoopbackLiteral(url.hostname) || url.hostname === 'localhost')
  ) {
    return url.toString();
  }
  throw new Invalid(expected);
}

/**
 * An Azure Key Vault: `https://NAME.vault.azure.net` (a bare name means that). Always HTTPS:
 * the SDK sends a bearer token to it. Only the vault's root: secrets are addressed by name.
 */
export function keyVaultUrl(raw: string): string {
  const expected = 'the vault URL, such as https://my-vault.vault.azure.net';
  const text = raw.trim();
  if (/^[A-Za-z][A-Za-z0-9-]{1,22}[A-Za-z0-9]$/.test(text))
    return `https://${text}.vault.azure.net`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Invalid(expected);
  }
  if (url.protocol !== 'https:' || url.username || url.password || url.search || url.hash)
    throw new Invalid(expected);
  if (url.pathname !== '/' && url.pathname !== '') throw new Invalid(`${expected} (no path)`);
  return url.origin;
}

/**
 * A Databricks workspace: `https://host` (a bare host name means https). Plain HTTP only to a
 * loopback IP literal, where tests stand in for a workspace; a token never crosses a network
 * in clear.
 */
export function databricksHost(raw: string): string {
  const expected = 'the workspace URL, such as https://adb-1234567890123456.7.azuredatabricks.net';
  const text = raw.trim();
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    throw new Invalid(expected);
  }
  const loopback = url.protocol === 'http:' && isLoopbackLiteral(url.hostname);
  if ((url.protocol !== 'https:' && !loopback) || url.username || url.password)
    throw new Invalid(expected);
  if (url.pathname !== '/' || url.search || url.hash) throw new Invalid(expected);
  return url.origin;
}

/** The path part of a URL, such as a SQL warehouse's `/sql/1.0/warehouses/abc123`. */
export function urlPath(raw: string): string {
  const text = raw.trim();
  if (!/^\/[A-Za-z0-9._~/-]*$/.test(text))
    throw new Invalid('a path such as /sql/1.0/warehouses/abc123');
  return text;
}

/** A catalog or schema name: letters, digits and underscores. */
export function sqlName(raw: string): string {
  const text = raw.trim();
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,254}$/.test(text))
    throw new Invalid('a name of letters, digits and underscores, such as wrapped');
  return text;
}

export function nonEmpty(what: string) {
  return (raw: string): string => {
    const text = raw.trim();
    if (text === '') throw new Invalid(what);
    return text;
  };
}

/**
 * A cron expression: five fields (minute hour day month weekday), or six with seconds first
 * (tests and demos schedule every few seconds), or a nickname such as `@hourly`.
 */
export function cronExpression(raw: string): string {
  const text = raw.trim().split(/\s+/).join(' ');
  const fields = text.split(' ').length;
  try {
    if (!text.startsWith('@') && fields !== 5 && fields !== 6) throw new Error('field count');
    new Cron(text, { paused: true });
  } catch {
    throw new Invalid(
      'a cron expression such as "0 * * * *" (every hour) or "0 9 * * 1" (Mondays 09:00)',
    );
  }
  return text;
}

export function oneOf<T extends string>(choices: readonly T[]) {
  return (raw: string): T => {
    const value = raw.trim().toLowerCase();
    if (!(choices as readonly string[]).includes(value))
      throw new Invalid(`one of ${choices.join(', ')}`);
    return value as T;
  };
}

export function wholeNumber(min: number, max: number) {
  return (raw: string): number => {
    const n = Number(raw.trim());
    if (!/^\d+$/.test(raw.trim()) || n < min || n > max)
      throw new Invalid(`a whole number from ${min} to ${max}`);
    return n;
  };
}

export function isoTime(raw: string): string {
  const text = raw.trim();
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(Date.parse(text)))
    throw new Invalid('an ISO 8601 time such as 2026-11-24T12:00:00Z');
  return new Date(text).toISOString();
}

/** Azure storage account names: 3-24 lower-case letters and digits. */
export function azureAccountName(raw: string): string {
  const text = raw.trim();
  if (!/^[a-z0-9]{3,24}$/.test(text))
    throw new Invalid('a storage account name: 3 to 24 lower-case letters and digits');
  return text;
}

export function booleanFlag(raw: string): boolean {
  const text = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(text)) return true;
  if (['0', 'false', 'no', 'off', ''].includes(text)) return false;
  throw new Invalid('true or false');
}
