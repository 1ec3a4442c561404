import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/load.js';
import type { Lake } from '../lake/lake.js';
import { DEFAULT_LISTENER } from '../listeners/registry.js';
import { PipelineMonitor } from '../pipeline/health.js';
import { type ApiContext, csvDownload, ROUTES } from './api.js';
import { checkBinding, hostChecker, TOKEN_COOKIE, tokenOf } from './guard.js';
import { HttpError } from './http-error.js';
import { remoteImagePolicy } from './images.js';
import { listen } from './listen.js';
import { probeResponse } from './probes.js';
import { staticFile } from './static.js';
import { ServedTables } from './tables.js';
import { isVendorPath, vendorFile } from './vendor.js';
import { LISTENER_COOKIE, Viewers } from './viewers.js';

/** The packaged front end (`web/` beside `dist/`). */
export const WEB_ROOT = fileURLToPath(new URL('../../web', import.meta.url));

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

/**
 * `wrapped serve`: the JSON API under /api and the front end as static files, on loopback by
 * default. Binding elsewhere needs an access token; a browser opens `/?token=...` once and
 * keeps it in an HttpOnly cookie.
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  checkBinding(options.host, options.token, 'wrapped serve');
  const viewers = new Viewers(options.lake, options.token);
  const opened: ServedTables[] = [];
  const open = async (listener: string | null) => {
    const tables = await ServedTables.open(options.lake, {
      home: options.config.settings.home,
      timezone: options.config.settings.timezone,
      listener,
    });
    opened.push(tables);
    return tables;
  };
  const remoteImages = remoteImagePolicy(options.config, options.lake);
  // One copy of the tables per listener who asks (their rows only), opened on first use; and
  // one of every listener's gold for the household page.
  const contexts = new Map<string, Promise<ApiContext>>();
  const contextOf = (listener: string): Promise<ApiContext> => {
    let ctx = contexts.get(listener);
    if (ctx === undefined) {
      ctx = open(listener).then((tables) => ({
        tables,
        config: options.config,
        lake: options.lake,
        now: options.now ?? (() => new Date()),
        remoteImages,
        listener,
        listeners: () => viewers.list(),
        household: () => (household ??= open(null)),
      }));
      contexts.set(listener, ctx);
      ctx.catch(() => contexts.delete(listener));
    }
    return ctx;
  };
  let household: Promise<ServedTables> | undefined;
  await contextOf(DEFAULT_LISTENER);
  const webRoot = options.webRoot ?? WEB_ROOT;
  const hostAllowed = hostChecker(options.host, options.allowHosts);
  const monitor = new PipelineMonitor(options.config, options.lake, options.now);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    // A path that is no URL at all (`//`) names nothing here (a 404), and must not crash the server.
    const url = URL.canParse(req.url ?? '/', 'http://wrapped')
      ? new URL(req.url ?? '/', 'http://wrapped')
      : new URL('http://wrapped/%00');
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
      // Whose dashboard this is: the token's listener, or (no token anywhere) the one chosen.
      let viewer: string;
      const redirect = (cookie: string) => {
        // One leading slash: `//evil.example` would be another site.
        res.writeHead(303, {
          location: `/${url.pathname.replace(/^[/\\]+/, '')}${url.search}`,
          'set-cookie': `${cookie}; HttpOnly; SameSite=Strict; Path=/`,
          ...SECURITY_HEADERS,
        });
        res.end();
      };
      if (await viewers.private()) {
        const given = tokenOf(req, url);
        const who = await viewers.byToken(given);
        if (who === undefined) throw new HttpError(401, 'access token required');
        viewer = who;
        const asked = url.searchParams.get('listener');
        if (asked !== null && asked !== viewer)
          throw new HttpError(
            403,
            'each listener sees their own pages and the household page only',
          );
        if (url.searchParams.has('token')) {
          // Keep the token in a cookie, and take it out of the address bar and history.
          url.searchParams.delete('token');
          return redirect(`${TOKEN_COOKIE}=${encodeURIComponent(given as string)}`);
        }
      } else {
        viewer = await viewers.chosen(req);
        const asked = url.searchParams.get('listener');
        if (asked !== null && !url.pathname.startsWith('/api/')) {
          const name = await viewers.named(asked);
          url.searchParams.delete('listener');
          return redirect(`${LISTENER_COOKIE}=${name}`);
        }
      }
      const ctx = await contextOf(viewer);
      const tables = ctx.tables;
      const probe = await probeResponse(monitor, url.pathname);
      if (probe) {
        send(probe.status, probe.body, probe.type, { 'cache-control': 'no-store' });
        return;
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
      const file = isVendorPath(url.pathname)
        ? await vendorFile(url.pathname)
        : await staticFile(webRoot, url.pathname);
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
  return listen(server, options.host, options.port, () => {
    for (const tables of opened) tables.close();
  });
}
