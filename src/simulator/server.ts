import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Accounts, type AccountsSettings } from './accounts.js';
import { Faults, faultResponse, parseRules } from './faults.js';
import { apiError, json, readBody, type SimRequest, type SimResponse, send } from './http.js';
import { inRecentlyPlayed } from './listener.js';
import { type ApiSettings, WebApi } from './web-api.js';
import { World } from './world.js';

export interface SimulatorOptions {
  seed?: string;
  start?: Date;
  historyDays?: number;
  host?: string;
  port?: number;
  clientId?: string;
  clientSecret?: string;
  redirectUris?: string[];
  accessTokenTtlSeconds?: number;
  rotateRefreshTokens?: boolean;
  legacyItemKey?: boolean;
  legacyFields?: boolean;
  /** The simulated clock moves on with real time (for a scheduler against the simulator). */
  followRealTime?: boolean;
  /**
   * Listeners of this Spotify (default 1, at most 5): `simlistener`, then `simlistener2`...,
   * each with a history of their own over the same catalogue (a household).
   */
  listeners?: number;
}

export interface RequestLogEntry {
  at: string;
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
}

export interface Simulator {
  /** Base URL: accounts at `${url}/authorize` and `${url}/api/token`, the Web API at `${url}/v1`. */
  url: string;
  /** The first listener (`simlistener`). */
  world: World;
  /** Every listener, the first one first. */
  worlds: World[];
  accounts: Accounts;
  close(): Promise<void>;
}

const ISO_DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

export function parseDuration(text: string): number | undefined {
  const m = ISO_DURATION.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) return undefined;
  const [, d = '0', h = '0', min = '0', s = '0'] = m;
  return ((Number(d) * 24 + Number(h)) * 60 + Number(min)) * 60_000 + Number(s) * 1000;
}

/**
 * A local Spotify on one port: the accounts service, the Web API under /v1, and a control API
 * under /_sim for tests and the demo (clock, ground truth, request log, faults, settings).
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const world = new World({
    seed: options.seed ?? 'wrapped-demo',
    start: options.start ?? new Date(),
    historyDays: options.historyDays,
  });
  const worlds = [world];
  for (let n = 2; n <= Math.min(5, options.listeners ?? 1); n++)
    worlds.push(world.housemate(`simlistener${n}`, `Sim Listener ${n}`));
  const worldOf = (user: string | null | undefined) =>
    user === null || user === undefined ? world : worlds.find((w) => w.userId === user);
  const accountsSettings: AccountsSettings = {
    clientId: options.clientId ?? 'wrapped-demo',
    clientSecret: options.clientSecret ?? 'wrapped-demo-secret',
    redirectUris: options.redirectUris ?? [],
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 3600,
    rotateRefreshTokens: options.rotateRefreshTokens ?? true,
    revokeRotatedRefreshTokens: false,
    denyConsent: false,
    signedInUser: world.userId,
  };
  const accounts = new Accounts(accountsSettings, () => world.now);
  const apiSettings: ApiSettings = {
    legacyItemKey: options.legacyItemKey ?? false,
    legacyFields: options.legacyFields ?? false,
  };
  let base = '';
  // When set, the simulated clock moves with real time at this offset (never backwards).
  let follow: { offset: number } | undefined = options.followRealTime
    ? { offset: world.now - Date.now() }
    : undefined;
  const tick = () => {
    if (follow) world.now = Math.max(world.now, Date.now() + follow.offset);
  };
  const api = new WebApi(worldOf, accounts, apiSettings, () => `${base}/v1`);
  const faults = new Faults();
  const log: RequestLogEntry[] = [];

  const control = (req: SimRequest): SimResponse => {
    const body = () => (req.body ? (JSON.parse(req.body) as Record<string, unknown>) : {});
    switch (`${req.method} ${req.path}`) {
      case 'GET /_sim/clock':
        return json(200, { now: new Date(world.now).toISOString(), follows_real_time: !!follow });
      case 'POST /_sim/clock': {
        const b = body();
        let to: number;
        if (typeof b.follow === 'boolean') {
          follow = b.follow ? { offset: world.now - Date.now() } : undefined;
          return json(200, { now: new Date(world.now).toISOString(), follows_real_time: !!follow });
        }
        if (typeof b.advance === 'string') {
          const ms = parseDuration(b.advance);
          if (ms === undefined)
            return apiError(400, 'advance must be an ISO 8601 duration such as PT1H or P1DT12H');
          to = world.now + ms;
        } else if (typeof b.to === 'string' && !Number.isNaN(Date.parse(b.to))) {
          to = Date.parse(b.to);
        } else
          return apiError(
            400,
            'expected {"advance": "PT1H"}, {"to": "2026-11-24T12:00:00Z"} or {"follow": true}',
          );
        if (to < world.now) return apiError(400, 'the clock only moves forward');
        if (follow) follow.offset += to - world.now;
        world.now = to;
        return json(200, { now: new Date(world.now).toISOString() });
      }
      case 'GET /_sim/truth/plays': {
        const listener = worldOf(req.query.get('user'));
        if (!listener) return apiError(404, `no listener ${req.query.get('user')}`);
        const from = Date.parse(req.query.get('from') ?? '');
        const to = Date.parse(req.query.get('to') ?? '') || world.now;
        const streams = listener.streams(
          Number.isNaN(from) ? listener.historyStart : from,
          Math.min(to, world.now + 1),
        );
        return json(
          200,
          streams.map((s) => ({
            ended_at: new Date(s.endedAt).toISOString(),
            started_at: new Date(s.startedAt).toISOString(),
            content_type: s.contentType,
            ...(s.trackId
              ? { track_uri: `spotify:track:${s.trackId}` }
              : { episode_uri: `spotify:episode:${s.episodeId}` }),
            ms_played: s.msPlayed,
            in_recently_played: inRecentlyPlayed(s),
            visible_at: new Date(s.syncedAt).toISOString(),
            private: s.private,
            offline: s.offline,
          })),
        );
      }
      case 'GET /_sim/requests':
        return json(200, log.slice(Number(req.query.get('since') ?? 0)));
      case 'DELETE /_sim/requests':
        log.length = 0;
        return json(200, { cleared: true });
      case 'GET /_sim/faults':
        return json(200, { rules: faults.rules });
      case 'POST /_sim/faults': {
        const rules = parseRules(body());
        if (typeof rules === 'string') return apiError(400, rules);
        faults.rules.push(...rules);
        return json(200, { rules: faults.rules });
      }
      case 'DELETE /_sim/faults':
        faults.rules = [];
        return json(200, { rules: [] });
      case 'POST /_sim/settings': {
        const b = body();
        if (typeof b.rotate_refresh_tokens === 'boolean')
          accountsSettings.rotateRefreshTokens = b.rotate_refresh_tokens;
        if (typeof b.revoke_rotated_refresh_tokens === 'boolean')
          accountsSettings.revokeRotatedRefreshTokens = b.revoke_rotated_refresh_tokens;
        if (typeof b.access_token_ttl === 'number')
          accountsSettings.accessTokenTtlSeconds = b.access_token_ttl;
        if (typeof b.deny_consent === 'boolean') accountsSettings.denyConsent = b.deny_consent;
        if (typeof b.legacy_item_key === 'boolean') apiSettings.legacyItemKey = b.legacy_item_key;
        if (typeof b.legacy_fields === 'boolean') apiSettings.legacyFields = b.legacy_fields;
        return json(200, {
          accounts: { ...accountsSettings, clientSecret: undefined },
          api: apiSettings,
        });
      }
      case 'POST /_sim/session': {
        // Who is signed in to Spotify in the browser: the next login is theirs.
        const user = body().user;
        if (typeof user !== 'string' || !worldOf(user))
          return apiError(400, `user must be one of ${worlds.map((w) => w.userId).join(', ')}`);
        accountsSettings.signedInUser = user;
        return json(200, { signed_in: user });
      }
      case 'POST /_sim/revoke': {
        // One user (or everyone) removes the app from their account.
        const user = body().user;
        accounts.revokeAll(typeof user === 'string' ? user : undefined);
        return json(200, { revoked: true });
      }
      default:
        return apiError(404, 'unknown control endpoint');
    }
  };

  const server: Server = createServer(async (req, res) => {
    tick();
    const url = new URL(req.url ?? '/', 'http://sim');
    const method = req.method ?? 'GET';
    const record = (status: number) => {
      if (url.pathname.startsWith('/_sim/')) return;
      log.push({
        at: new Date(world.now).toISOString(),
        method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        status,
      });
    };
    try {
      const simReq: SimRequest = {
        method,
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: await readBody(req),
      };
      const isToken = url.pathname === '/api/token';
      const rule = url.pathname.startsWith('/_sim/')
        ? undefined
        : faults.match(method, url.pathname);
      if (rule?.kind === 'drop') {
        record(0);
        req.socket.destroy();
        return;
      }
      if (rule?.kind === 'slow') await new Promise((r) => setTimeout(r, rule.delay_ms ?? 2000));
      if (rule?.kind === 'expire_tokens') accounts.expireAccessTokens();
      if (rule?.kind === 'invalid_grant') accounts.failRefreshes(1);
      let response = rule ? faultResponse(rule, isToken) : undefined;
      if (!response) {
        if (url.pathname.startsWith('/_sim/')) response = control(simReq);
        else if (url.pathname === '/authorize' && method === 'GET')
          response = accounts.authorize(simReq);
        else if (isToken && method === 'POST') response = accounts.token(simReq);
        else if (url.pathname.startsWith('/v1/') || url.pathname === '/v1')
          response = api.handle(simReq);
        else response = apiError(404, 'Service not found');
      }
      record(response.status);
      send(res, response);
    } catch (error) {
      record(500);
      if (!res.headersSent)
        send(res, apiError(500, `simulator error: ${(error as Error).message}`));
      else res.end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  base = `http://${host}:${address.port}`;
  return {
    url: base,
    world,
    worlds,
    accounts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
