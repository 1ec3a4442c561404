import { timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/load.js';
import { ConfigError } from '../errors.js';
import type { Lake } from '../lake/lake.js';
import { type ApiContext, csvDownload, ROUTES } from './api.js';
import { badRequest, HttpError } from './http-error.js';
import { staticFile } from './static.js';
import { ServedTables } from './tables.js';

/** The packaged front end (`web/` beside `dist/`). */
export const WEB_ROOT = fileURLToPath(new URL('../../web', import.meta.url));

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;
const TOKEN_COOKIE = 'wrapped_token';

export interface ServeOptions {
  config: Config;
  lake: Lake;
  host: string;
  port: number;
  /** Required when `host` is not loopback: every request must then carry it. */
  token?: string;
  /** Names besides the bound address that requests may use in their Host header (a proxy's, a LAN name). */
  allowHosts?: string[];
  webRoot?: string;
  now?: () => Date;
  /** Called for each request that failed with a 500 (the log; never the client). */
  onError?: (error: unknown) => void;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'content-security-policy':
    "default-src 'self'; img-src 'self' data: blob: https://*.scdn.co https://*.spotifycdn.com; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
};

function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function tokenOf(req: IncomingMessage, url: URL): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7);
  const cookie = (req.headers.cookie ?? '')
    .split(';')
    .map((c) => c.trim().split('='))
    .find(([name]) => name === TOKEN_COOKIE);
  if (cookie?.[1]) {
    try {
      return decodeURIComponent(cookie[1]);
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
function hostChecker(bound: string, allowed: string[] = []): (host: string | undefined) => boolean {
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

/**
 * `wrapped serve`: the JSON API under /api and the front end as static files, on loopback by
 * default. Binding elsewhere needs an access token; a browser opens `/?token=...` once and
 * keeps it in an HttpOnly cookie.
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  if (!LOOPBACK.test(options.host) && !options.token)
    throw new ConfigError(
      `Binding to ${options.host} would show your listening to your whole network without a password.`,
      {
        hint: 'Give an access token: `wrapped serve --host 0.0.0.0 --token <long random text>` (or WRAPPED_SERVE_TOKEN), or keep the default 127.0.0.1.',
      },
    );
  if (options.token !== undefined && options.token.length < 16)
    throw new ConfigError('The access token must be at least 16 characters long.');
  const tables = await ServedTables.open(options.lake, {
    home: options.config.settings.home,
    timezone: options.config.settings.timezone,
  });
  const ctx: ApiContext = {
    tables,
    config: options.config,
    lake: options.lake,
    now: options.now ?? (() => new Date()),
  };
  const webRoot = options.webRoot ?? WEB_ROOT;
  const hostAllowed = hostChecker(options.host, options.allowHosts);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://wrapped');
    const send = (status: number, body: string | Buffer, type: string, extra = {}) => {
      if (res.headersSent) {
        res.destroy(); // failed midway through a streamed body: the client sees it cut off
        return;
      }
      res.writeHead(status, { 'content-type': type, ...SECURITY_HEADERS, ...extra });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    try {
      if (!hostAllowed(req.headers.host))
        throw new HttpError(
          421,
          `this dashboard does not answer to the host ${JSON.stringify((req.headers.host ?? '').slice(0, 100))} (start it with --allow-host NAME to add one)`,
        );
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'GET only');
      if (options.token) {
        const given = tokenOf(req, url);
        if (!sameSecret(given, options.token)) throw new HttpError(401, 'access token required');
        if (url.searchParams.has('token')) {
          // Keep the token in a cookie, and take it out of the address bar and history.
          url.searchParams.delete('token');
          res.writeHead(303, {
            // One leading slash: `//evil.example` would be another site.
            location: `/${url.pathname.replace(/^[/\\]+/, '')}${url.search}`,
            'set-cookie': `${TOKEN_COOKIE}=${encodeURIComponent(options.token)}; HttpOnly; SameSite=Strict; Path=/`,
            ...SECURITY_HEADERS,
          });
          res.end();
          return;
        }
      }
      const route = ROUTES[url.pathname];
      if (route) {
        // Every query of one response reads the same build.
        const body = await tables.snapshot(() => route(ctx, url.searchParams));
        send(200, JSON.stringify(body), 'application/json; charset=utf-8', {
          'cache-control': 'no-store',
        });
        return;
      }
      const download = /^\/api\/download\/([a-z0-9_.]+)\.csv$/.exec(url.pathname);
      if (download?.[1]) {
        const name = download[1];
        // Streamed a chunk of rows at a time, waiting for the client to take each: memory
        // stays small, and other requests are answered meanwhile.
        await tables.snapshot(async () => {
          const lines = csvDownload(ctx, name);
          const first = await lines.next(); // a missing table is a 404 before any byte is sent
          res.writeHead(200, {
            'content-type': 'text/csv; charset=utf-8',
            'content-disposition': `attachment; filename="${name}.csv"`,
            ...SECURITY_HEADERS,
          });
          if (req.method === 'HEAD') return void res.end();
          for (let next = first; !next.done; next = await lines.next()) {
            if (res.destroyed) return void (await lines.return(undefined));
            if (!res.write(next.value)) await once(res, 'drain');
          }
          res.end();
        });
        return;
      }
      if (url.pathname.startsWith('/api/')) throw new HttpError(404, 'no such endpoint');
      const file = await staticFile(webRoot, url.pathname);
      send(200, file.body, file.type);
    } catch (error) {
      const known = error instanceof HttpError;
      if (!known) options.onError?.(error);
      const status = known ? error.status : 500;
      const message = known ? error.message : 'internal error (see the server log)';
      send(
        status,
        JSON.stringify({ error: { status, message } }),
        'application/json; charset=utf-8',
      );
    }
  };

  const server: Server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}/`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          tables.close();
          resolve();
        });
      }),
  };
}
