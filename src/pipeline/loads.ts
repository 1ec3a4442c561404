import { WrappedError } from '../errors.js';
import { removeFolder } from '../lake/file-ops.js';
import type { Lake } from '../lake/lake.js';
import { layout } from '../lake/layout.js';
import { type LedgerEntry, LoadLedger } from '../lake/ledger.js';
import { isLoadId, loadIdTime } from '../lake/load-id.js';

/**
 * The loads in the lake, and taking one back. A load is what one extract or import landed,
 * described by its ledger entry; bronze reads only ledgered files, so removing the entry takes
 * the load out of every later build (an incremental model whose loads are no longer all in
 * the ledger is rebuilt whole, see materializations/incremental.ts).
 */
export interface LoadSummary {
  load_id: string;
  kind: LedgerEntry['kind'];
  source: string;
  status: LedgerEntry['status'];
  started_at: string;
  finished_at: string;
  files: number;
  records: number;
  bytes: number;
  /** What the user gave `wrapped import` (imports only). */
  input: string | null;
}

export class LoadNotFoundError extends WrappedError {}

/** The files a load landed as given: a Last.fm or ListenBrainz file's normalized listens are a copy. */
const givenFiles = (entry: LedgerEntry) => entry.files.filter((f) => f.kind !== 'listens');

const summary = (entry: LedgerEntry): LoadSummary => ({
  load_id: entry.load_id,
  kind: entry.kind,
  source: entry.source,
  status: entry.status,
  started_at: entry.started_at,
  finished_at: entry.finished_at,
  files: givenFiles(entry).length,
  records: givenFiles(entry).reduce((n, f) => n + (f.records ?? 0), 0),
  bytes: entry.files.reduce((n, f) => n + f.bytes, 0),
  input: typeof entry.details?.input === 'string' ? entry.details.input : null,
});

/** Every extract and import, oldest first (transforms land no data and are not listed). */
export async function listLoads(lake: Lake): Promise<LoadSummary[]> {
  const loads: LoadSummary[] = [];
  for await (const entry of new LoadLedger(lake).entries())
    if (entry.kind !== 'transform') loads.push(summary(entry));
  return loads;
}

/** The content markers (`_state/export/imported/<sha>.json`) that name an import. */
async function markersOf(lake: Lake, naming: (importId: string) => boolean): Promise<string[]> {
  const found: string[] = [];
  for await (const item of lake.list(layout.statePrefix('export/imported'))) {
    let importId: string | undefined;
    try {
      importId = (JSON.parse((await lake.get(item.path)).toString()) as { import_id?: string })
        .import_id;
    } catch {
      importId = undefined;
    }
    if (importId !== undefined && naming(importId)) found.push(item.path);
  }
  return found;
}

/**
 * Takes a load out of the lake: its content markers (so the same files can be imported again),
 * then its ledger entry (from here on no build sees it), then its raw and quarantine files.
 * Killed midway, what is left is unledgered files, which `wrapped doctor --fix` removes.
 */
export async function removeLoad(lake: Lake, loadId: string): Promise<LoadSummary> {
  const ledger = new LoadLedger(lake);
  const entry = isLoadId(loadId) ? await ledger.get(loadId) : undefined;
  if (!entry)
    throw new LoadNotFoundError(`There is no load ${JSON.stringify(loadId)} in the lake.`, {
      hint: 'See the loads with `wrapped loads list`.',
    });
  if (entry.kind === 'transform')
    throw new LoadNotFoundError(
      `${loadId} is a transform: it landed no data, and its tables are replaced by the next build.`,
      { hint: 'Remove an extract or an import (`wrapped loads list`).' },
    );
  for (const marker of await markersOf(lake, (id) => id === loadId)) await lake.delete(marker);
  await lake.delete(layout.ledger(loadId));
  for (const file of entry.files) await lake.delete(file.path);
  if (entry.kind === 'import') {
    await removeFolder(lake, layout.rawExportPrefix(loadId).slice(0, -1));
    await removeFolder(lake, layout.rawNormalizedPrefix(loadId).slice(0, -1));
    await removeFolder(lake, layout.quarantinePrefix(loadId).slice(0, -1));
  }
  return summary(entry);
}

/** The load a raw or quarantine file belongs to, from its path. */
function loadOfPath(path: string): string | undefined {
  const parts = path.split('/');
  if (parts[0] === 'raw' && (parts[1] === 'export' || parts[1] === 'normalized')) return parts[2];
  if (parts[0] === '_quarantine') return parts[1];
  if (parts[0] === 'raw' && parts[1] === 'spotify')
    return /^(.+?)(-\d{4})?\.json$/.exec(parts[parts.length - 1] ?? '')?.[1];
  return undefined;
}

export interface Orphans {
  /** Raw and quarantine files of loads with no ledger entry (killed imports and extracts, half-done removals). */
  files: string[];
  /** Content markers naming an import with no ledger entry: they would refuse a re-import. */
  markers: string[];
}

/**
 * What killed imports, extracts and removals left behind. A load younger than `graceMs` may
 * still be writing (its ledger entry comes last), so only older loads count.
 */
export async function findOrphans(
  lake: Lake,
  now = Date.now(),
  graceMs = 3_600_000,
): Promise<Orphans> {
  const ledgered = new Set<string>();
  for await (const item of lake.list(layout.ledgerPrefix())) {
    const id = item.path.slice(layout.ledgerPrefix().length).replace(/\.json$/, '');
    ledgered.add(id);
  }
  const files: string[] = [];
  for (const prefix of ['raw/', '_quarantine/']) {
    for await (const item of lake.list(prefix)) {
      const loadId = loadOfPath(item.path);
      if (loadId === undefined || !isLoadId(loadId) || ledgered.has(loadId)) continue;
      if (now - loadIdTime(loadId).getTime() > graceMs) files.push(item.path);
    }
  }
  const markers = await markersOf(lake, (id) => !ledgered.has(id));
  return { files, markers };
}

export async function removeOrphans(lake: Lake, orphans: Orphans): Promise<void> {
  for (const path of [...orphans.markers, ...orphans.files]) await lake.delete(path);
}
