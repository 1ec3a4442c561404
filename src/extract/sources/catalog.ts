import { LoadLedger } from '../../lake/ledger.js';
import { album, artist, track } from '../../spotify/endpoints.js';
import { RateLimited, SpotifyNotFound } from '../../spotify/errors.js';
import type { Source, SourceResult } from '../context.js';

type Kind = 'track' | 'artist' | 'album';
const KINDS: Kind[] = ['album', 'artist', 'track'];
type IdSets = Record<Kind, string[]>;
const empty = (): IdSets => ({ track: [], artist: [], album: [] });

/**
 * Is this embedded object the full one? Full tracks (recently-played, top, liked songs) carry
 * `album` and `external_ids`; full artists carry `images`; full albums carry `tracks`.
 * Simplified ones name an id whose full object still has to be looked up.
 */
function isFull(kind: Kind, o: Record<string, unknown>): boolean {
  if (kind === 'track') return 'album' in o && 'external_ids' in o;
  if (kind === 'artist') return 'images' in o;
  return 'tracks' in o || 'copyrights' in o;
}

function collect(
  value: unknown,
  full: Record<Kind, Set<string>>,
  referenced: Record<Kind, Set<string>>,
): void {
  if (Array.isArray(value)) {
    for (const v of value) collect(v, full, referenced);
    return;
  }
  if (!value || typeof value !== 'object') return;
  const o = value as Record<string, unknown>;
  const type = o.type as Kind;
  if (KINDS.includes(type) && typeof o.id === 'string' && o.is_local !== true) {
    (isFull(type, o) ? full : referenced)[type].add(o.id);
  }
  for (const child of Object.values(o)) collect(child, full, referenced);
}

/**
 * Full track, artist and album objects for ids seen in landed data but never landed in full.
 * Batch lookups are gone (Feb 2026): one id per call, within a per-run budget, so a backlog
 * spreads over runs. An id is never fetched twice: known ids are kept, and a 404 is recorded as
 * missing. A rate limit stops the source and is never recorded as missing.
 */
export const catalog: Source = {
  name: 'catalog',
  due: () => true,
  async run(ctx): Promise<SourceResult> {
    const state = ctx.state ?? {};
    const known = { ...empty(), ...(state.known as IdSets | undefined) };
    const missing = { ...empty(), ...(state.missing as IdSets | undefined) };
    const pending = { ...empty(), ...(state.pending as IdSets | undefined) };
    const sets = (ids: IdSets) =>
      Object.fromEntries(KINDS.map((k) => [k, new Set(ids[k])])) as Record<Kind, Set<string>>;
    const knownSet = sets(known);
    const missingSet = sets(missing);
    const pendingSet = sets(pending);

    // 1. Read what landed since the last scan (the ledger lists it; a load without ledger entry never finished).
    let scannedThrough = (state.scanned_through as string | null | undefined) ?? undefined;
    // Only loads since the last scan are read: the ledger grows every hour.
    for await (const entry of new LoadLedger(ctx.lake).entries({ after: scannedThrough })) {
      if (entry.kind !== 'extract' || entry.source === 'catalog') continue;
      const full = sets(empty());
      const referenced = sets(empty());
      for (const file of entry.files) {
        const envelope = JSON.parse((await ctx.lake.get(file.path)).toString('utf8')) as {
          body?: unknown;
        };
        collect(envelope.body, full, referenced);
      }
      for (const kind of KINDS) {
        for (const id of full[kind]) {
          knownSet[kind].add(id);
          pendingSet[kind].delete(id);
        }
        for (const id of referenced[kind])
          if (!knownSet[kind].has(id) && !missingSet[kind].has(id)) pendingSet[kind].add(id);
      }
      scannedThrough = entry.load_id;
    }

    // 2. Look up pending ids, one per call, within the budget.
    const files = [];
    let budget = ctx.catalogBudget;
    let blocked: RateLimited | undefined;
    const fetchers = { track, artist, album };
    outer: for (const kind of KINDS) {
      for (const id of [...pendingSet[kind]]) {
        if (budget <= 0) break outer;
        budget--;
        try {
          const response = await fetchers[kind](ctx.client, id);
          files.push(await ctx.land(`catalog_${kind}s`, { path: `/${kind}s/${id}` }, response.raw));
          knownSet[kind].add(id);
        } catch (error) {
          if (error instanceof SpotifyNotFound) missingSet[kind].add(id);
          else if (error instanceof RateLimited) {
            blocked = error;
            break outer;
          } else throw error;
        }
        pendingSet[kind].delete(id);
      }
    }
    const list = (s: Record<Kind, Set<string>>) =>
      Object.fromEntries(KINDS.map((k) => [k, [...s[k]].sort()])) as IdSets;
    const count = (s: Record<Kind, Set<string>>) => KINDS.reduce((n, k) => n + s[k].size, 0);
    return {
      files,
      counts: {
        fetched: files.length,
        pending: count(pendingSet),
        known: count(knownSet),
        missing: count(missingSet),
      },
      state: {
        scanned_through: scannedThrough ?? null,
        known: list(knownSet),
        pending: list(pendingSet),
        missing: list(missingSet),
      },
      notes: blocked ? [`stopped early: ${blocked.message}`] : [],
      blocked,
    };
  },
};
