import type { SimResponse } from './http.js';
import { apiError, tokenError } from './http.js';

/**
 * Fault rules make the simulator misbehave the way Spotify does, per endpoint:
 *   {"path": "/v1/me/player/recently-played", "kind": "rate_limit", "retry_after": 30000, "count": 1}
 * `path` is an exact path or a prefix ending in `*`; `count` limits how many requests the rule
 * hits (default: all until cleared).
 */
export type FaultKind =
  | 'rate_limit' // 429 with Retry-After (seconds)
  | 'quota' // 429 with reason QUOTA_EXCEEDED
  | 'server_error' // 500, 502 or 503
  | 'slow' // answer after delay_ms
  | 'drop' // close the connection without an answer
  | 'malformed' // 200 with a truncated JSON body
  | 'invalid_grant' // the next refresh answers invalid_grant (revoked)
  | 'expire_tokens'; // every access token expires now

export interface FaultRule {
  path: string;
  method?: string;
  kind: FaultKind;
  status?: number;
  /** Seconds, or any text to send as the header as it is (an HTTP date, garbage). */
  retry_after?: number | string;
  delay_ms?: number;
  count?: number;
}

const KINDS = new Set<FaultKind>([
  'rate_limit',
  'quota',
  'server_error',
  'slow',
  'drop',
  'malformed',
  'invalid_grant',
  'expire_tokens',
]);

export function parseRules(value: unknown): FaultRule[] | string {
  const list = Array.isArray(value) ? value : (value as { rules?: unknown })?.rules;
  if (!Array.isArray(list)) return 'expected {"rules": [...]} or an array of rules';
  for (const [i, rule] of list.entries()) {
    if (typeof rule?.path !== 'string' || !KINDS.has(rule.kind))
      return `rule ${i}: needs "path" and a "kind" among ${[...KINDS].join(', ')}`;
    if (
      rule.kind === 'server_error' &&
      rule.status !== undefined &&
      ![500, 502, 503].includes(rule.status)
    )
      return `rule ${i}: status must be 500, 502 or 503`;
  }
  return list as FaultRule[];
}

export class Faults {
  rules: FaultRule[] = [];

  /** The first rule matching this request, consuming one of its `count`. */
  match(method: string, path: string): FaultRule | undefined {
    const rule = this.rules.find(
      (r) =>
        (r.method === undefined || r.method.toUpperCase() === method) &&
        (r.path.endsWith('*') ? path.startsWith(r.path.slice(0, -1)) : r.path === path),
    );
    if (!rule) return undefined;
    if (rule.count !== undefined) {
      rule.count--;
      if (rule.count <= 0) this.rules = this.rules.filter((r) => r !== rule);
    }
    return rule;
  }
}

/** The response a fault produces instead of the real one (for kinds that replace it). */
export function faultResponse(rule: FaultRule, isTokenEndpoint: boolean): SimResponse | undefined {
  switch (rule.kind) {
    case 'rate_limit':
      return {
        ...apiError(429, 'API rate limit exceeded'),
        headers: { 'retry-after': String(rule.retry_after ?? 30) },
      };
    case 'quota':
      return {
        ...apiError(429, 'API rate limit exceeded', { reason: 'QUOTA_EXCEEDED' }),
        headers: { 'retry-after': String(rule.retry_after ?? 86_400) },
      };
    case 'server_error': {
      const status = rule.status ?? 503;
      if (isTokenEndpoint) return tokenError(status, 'server_error', 'Service unavailable');
      return apiError(
        status,
        status === 500 ? 'Server error.' : status === 502 ? 'Bad gateway.' : 'Service unavailable',
      );
    }
    case 'malformed':
      return {
        status: 200,
        headers: { 'content-type': 'application/json; charset=utf-8' },
        text: '{"items": [{"track": {"name": "trunc',
      };
    default:
      return undefined;
  }
}
