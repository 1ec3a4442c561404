import type { Lake } from '../lake/lake.js';
import type { LedgerFile } from '../lake/ledger.js';
import type { SpotifyClient } from '../spotify/client.js';
import type { RateLimited } from '../spotify/errors.js';

/** Everything a source needs for one run. */
export interface SourceContext {
  lake: Lake;
  client: SpotifyClient;
  now: Date;
  loadId: string;
  /** The source's own state from its last successful run (undefined the first time). */
  state: Record<string, unknown> | undefined;
  /** Lands one API response in its envelope; returns the ledger line for it. */
  land(
    resource: string,
    request: { path: string; params?: Record<string, string | number | undefined> },
    body: unknown,
  ): Promise<LedgerFile>;
  /** Catalogue budget for this run (requests). */
  catalogBudget: number;
}

export interface SourceResult {
  files: LedgerFile[];
  counts: Record<string, number>;
  /** The state to keep, written only after the files and the ledger entry. */
  state: Record<string, unknown>;
  /** Things worth telling (a playlist that is not readable, a gap). */
  notes?: string[];
  gaps?: Gap[];
  /** The source stopped at a rate limit after landing part of its work (kept, then all API sources stop). */
  blocked?: RateLimited;
}

export interface Gap {
  id: string;
  source: string;
  /** Whose listening the gap is in (absent in gaps recorded before listeners: `me`). */
  listener_id?: string;
  /** No play between these times could be seen: the newest landed before, the oldest seen after. */
  from: string;
  to: string;
  detected_at: string;
  reason: string;
}

export interface Source {
  name: string;
  /** Whether the source has work at `now`, given its state. */
  due(state: Record<string, unknown> | undefined, now: Date): boolean;
  run(ctx: SourceContext): Promise<SourceResult>;
}

const DAY = 86_400_000;
export const utcDay = (d: Date | string) => new Date(d).toISOString().slice(0, 10);

/** Due once per UTC day. */
export function dailyDue(state: Record<string, unknown> | undefined, now: Date): boolean {
  const last = state?.last_success_at as string | undefined;
  return !last || utcDay(last) < utcDay(now);
}

export function olderThan(at: string | undefined, now: Date, days: number): boolean {
  return !at || now.getTime() - Date.parse(at) >= days * DAY;
}
