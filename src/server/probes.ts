import { createServer, type Server } from 'node:http';
import { PipelineMonitor } from '../pipeline/health.js';
import type { ServeOptions } from './app.js';
import { checkBinding, hostChecker, sameSecret, tokenOf } from './guard.js';
import { HttpError } from './http-error.js';
import { listen } from './listen.js';

/**
 * `/healthz` and `/metrics`: served by `wrapped serve` beside the dashboard, and on their own by
 * `wrapped schedule --metrics-port` (no DuckDB, no dashboard: a headless run's probes).
 */
export async function probeResponse(
  monitor: PipelineMonitor,
  pathname: string,
): Promise<{ status: number; type: string; body: string } | undefined> {
  if (pathname === '/healthz') {
    const health = await monitor.health();
    return {
      status: health.status === 'ok' ? 200 : 503,
      type: 'application/json; charset=utf-8',
      body: JSON.stringify(health),
    };
  }
  if (pathname === '/metrics')
    return {
      status: 200,
      type: 'text/plain; version=0.0.4; charset=utf-8',
      body: await monitor.metrics(),
    };
  return undefined;
}

/** The dashboard's options that the probes need too. */
export type ProbeServerOptions = Pick<
  ServeOptions,
  'config' | 'lake' | 'host' | 'port' | 'token' | 'allowHosts' | 'now'
>;

/** The probes alone, guarded as the dashboard is (loopback, Host names, a token beyond loopback). */
export async function startProbeServer(
  options: ProbeServerOptions,
): Promise<{ url: string; close(): Promise<void> }> {
  checkBinding(options.host, options.token, 'wrapped schedule --metrics-port');
  const monitor = new PipelineMonitor(options.config, options.lake, options.now);
  const hostAllowed = hostChecker(options.host, options.allowHosts);
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://wrapped');
      try {
        if (!hostAllowed(req.headers.host))
          throw new HttpError(421, 'this server does not answer to that host');
        if (options.token && !sameSecret(tokenOf(req, url), options.token))
          throw new HttpError(401, 'access token required');
        const answer = await probeResponse(monitor, url.pathname);
        if (!answer) throw new HttpError(404, 'only /healthz and /metrics here');
        res.writeHead(answer.status, { 'content-type': answer.type, 'cache-control': 'no-store' });
        res.end(answer.body);
      } catch (error) {
        const status = error instanceof HttpError ? error.status : 500;
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
        res.end(
          JSON.stringify({
            error: {
              status,
              message: error instanceof HttpError ? error.message : 'internal error',
            },
          }),
        );
      }
    })();
  });
  return listen(server, options.host, options.port);
}
