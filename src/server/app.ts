import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/load.js';
import { ConfigError } from '../errors.js';
import type { Lake } from '../lake/lake.js';
import { type ApiContext, ROUTES, tableCsv } from './api.js';
import { HttpError } from './http-error.js';
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
  if (cookie?.[1]) return decodeURIComponent(cookie[1]);
  return url.searchParams.get('token') ?? undefined;
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

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://wrapped');
    const send = (status: number, body: string | Buffer, type: string, extra = {}) => {
      res.writeHead(status, { 'content-type': type, ...SECURITY_HEADERS, ...extra });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'GET only');
      if (options.token) {
        const given = tokenOf(req, url);
        if (!sameSecret(given, options.token)) throw new HttpError(401, 'access token required');
        if (url.searchParams.has('token')) {
          // Keep the token in a cookie, and take it out of the address bar and history.
          url.searchParams.delete('token');
          res.writeHead(303, {
            location: `${url.pathname}${url.search}`,
            'set-cookie': `${TOKEN_COOKIE}=${encodeURIComponent(options.token)}; HttpOnly; SameSite=Strict; Path=/`,
            ...SECURITY_HEADERS,
          });
          res.end();
          return;
        }
      }
      const route = ROUTES[url.pathname];
      if (route) {
        const body = await route(ctx, url.searchParams);
        send(200, JSON.stringify(body), 'application/json; charset=utf-8', {
          'cache-control': 'no-store',
        });
        return;
      }
      const download = /^\/api\/download\/([a-z0-9_.]+)\.csv$/.exec(url.pathname);
      if (download?.[1]) {
        send(200, await tableCsv(ctx, download[1]), 'text/csv; charset=utf-8', {
          'content-disposition': `attachment; filename="${download[1]}.csv"`,
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
