import { createHash } from 'node:crypto';
import { WrappedError } from '../errors.js';
import type { Lake } from '../lake/lake.js';
import { layout } from '../lake/layout.js';
import type { LedgerFile } from '../lake/ledger.js';
import { LoadLedger } from '../lake/ledger.js';
import { newLoadId } from '../lake/load-id.js';
import { DEFAULT_LISTENER } from '../listeners/registry.js';
import type { BlockStorage } from '../spotify/block-store.js';
import type { SpotifyClient } from '../spotify/client.js';
import { LoginStoreFailed, NotLoggedIn, RateLimited, ReauthRequired } from '../spotify/errors.js';
import type { Gap, Source, SourceContext, SourceResult } from './context.js';
import { catalog } from './sources/catalog.js';
import { followedArtists } from './sources/followed-artists.js';
import { playlists } from './sources/playlists.js';
import { profile } from './sources/profile.js';
import { recentlyPlayed } from './sources/recently-played.js';
import { savedTracks } from './sources/saved-tracks.js';
import { top } from './sources/top.js';
import { readSourceState, recordGap, writeSourceState } from './state.js';

/** In run order: the catalogue last, so it sees what this run landed. */
export const SOURCES: Source[] = [
  profile,
  recentlyPlayed,
  top,
  savedTracks,
  playlists,
  followedArtists,
  catalog,
];
export const SOURCE_NAMES = SOURCES.map((s) => s.name);

export interface SourceReport {
  source: string;
  /** Whose pull it was, in a lake of several listeners. */
  listener?: string;
  status: 'ok' | 'failed' | 'skipped';
  load_id?: string;
  files?: number;
  counts?: Record<string, number>;
  reason?: string;
  notes?: string[];
  gaps?: Gap[];
  error?: { type: string; message: string; retryable: boolean };
}

export interface ExtractReport {
  started_at: string;
  finished_at: string;
  now: string;
  sources: SourceReport[];
  blocked_until: string | null;
  requests: number;
  /** Answers of 429 (rate limited) among the requests. */
  rate_limited: number;
  ok: boolean;
}

export interface ExtractOptions {
  lake: Lake;
  client: SpotifyClient;
  blocks: BlockStorage;
  /** The time it is (the simulator's clock in tests and the demo). */
  now?: Date;
  /** Only these sources (names from SOURCE_NAMES). */
  only?: string[];
  /** Run selected sources even when not due. */
  force?: boolean;
  catalogBudget?: number;
  /** Whose login the client holds (src/listeners): named in every envelope and ledger entry. */
  listener?: string;
}

/**
 * One extract run: every due source, each in isolation. For each source the order of writes is:
 * raw files (create-only), then the ledger entry, then the source's state. A crash leaves at
 * worst raw files without a ledger entry, which nothing reads, and the next run does the work
 * again. A rate limit (a stored block, or one met now) skips every API source without a request.
 */
export async function runExtract(options: ExtractOptions): Promise<ExtractReport> {
  const started = new Date();
  const now = options.now ?? new Date();
  const { lake, client } = options;
  const ledger = new LoadLedger(lake);
  const listener = options.listener ?? DEFAULT_LISTENER;
  const chosen = options.only ? SOURCES.filter((s) => options.only?.includes(s.name)) : SOURCES;
  const reports: SourceReport[] = [];
  let blocked = await options.blocks
    .current(now.getTime())
    .then((b) => (b ? new RateLimited(new Date(b.until), b.quota) : undefined));

  for (const source of chosen) {
    if (blocked) {
      reports.push({ source: source.name, status: 'skipped', reason: blocked.message });
      continue;
    }
    const state = await readSourceState(lake, source.name, listener);
    if (!options.force && !source.due(state, now)) {
      reports.push({ source: source.name, status: 'skipped', reason: 'not due' });
      continue;
    }
    const loadId = newLoadId();
    let part = 0;
    const ctx: SourceContext = {
      lake,
      client,
      now,
      loadId,
      state,
      catalogBudget: options.catalogBudget ?? 50,
      land: async (resource, request, body) => {
        part++;
        const envelope = {
          load_id: loadId,
          listener_id: listener,
          fetched_at: now.toISOString(),
          request: { method: 'GET', url: request.path, params: request.params ?? {} },
          status: 200,
          body,
        };
        const text = `${JSON.stringify(envelope)}\n`;
        const path = layout.rawSpotify(resource, now, loadId, part);
        await lake.put(path, text, { createOnly: true });
        return {
          path,
          bytes: Buffer.byteLength(text),
          sha256: createHash('sha256').update(text).digest('hex'),
        } satisfies LedgerFile;
      },
    };
    const requestsBefore = client.counts.requests;
    try {
      const result: SourceResult = await source.run(ctx);
      if (result.files.length > 0) {
        await ledger.record({
          load_id: loadId,
          kind: 'extract',
          source: source.name,
          listener_id: listener,
          status: result.blocked ? 'partial' : 'ok',
          started_at: now.toISOString(),
          finished_at: new Date(now.getTime() + (Date.now() - started.getTime())).toISOString(),
          files: result.files,
          counts: { ...result.counts, requests: client.counts.requests - requestsBefore },
        });
      }
      for (const gap of result.gaps ?? []) await recordGap(lake, { ...gap, listener_id: listener });
      await writeSourceState(
        lake,
        source.name,
        {
          ...result.state,
          last_success_at: now.toISOString(),
          last_load_id: result.files.length > 0 ? loadId : (state?.last_load_id ?? null),
        },
        listener,
      );
      reports.push({
        source: source.name,
        status: 'ok',
        load_id: result.files.length > 0 ? loadId : undefined,
        files: result.files.length,
        counts: result.counts,
        notes: result.notes?.length ? result.notes : undefined,
        gaps: result.gaps?.length ? result.gaps : undefined,
      });
      if (result.blocked) blocked = result.blocked;
    } catch (error) {
      // A login that is gone, or a store that cannot give or keep it, fails every source the
      // same way: stop and say so once.
      if (
        error instanceof ReauthRequired ||
        error instanceof NotLoggedIn ||
        error instanceof LoginStoreFailed
      )
        throw error;
      if (error instanceof RateLimited) {
        blocked = error;
        reports.push({ source: source.name, status: 'skipped', reason: error.message });
        continue;
      }
      const wrapped = error instanceof WrappedError;
      reports.push({
        source: source.name,
        status: 'failed',
        error: {
          type: (error as Error).name,
          message: (error as Error).message,
          retryable: wrapped ? (error as WrappedError).retryable : false,
        },
      });
    }
  }
  return {
    started_at: started.toISOString(),
    finished_at: new Date().toISOString(),
    now: now.toISOString(),
    sources: reports,
    blocked_until: blocked ? blocked.until.toISOString() : null,
    requests: client.counts.requests,
    rate_limited: client.counts.rate_limited,
    ok: reports.every((r) => r.status !== 'failed'),
  };
}
