import type { Lake, LakeEntry } from '../lake/lake.js';
import { type LedgerEntry, LoadLedger } from '../lake/ledger.js';
import { sqlString, type Warehouse } from './engine.js';

/** What a build reads of a ledger entry (raw-sources.ts): the load, and its files' kinds. */
export type LedgerSummary = Pick<
  LedgerEntry,
  'load_id' | 'kind' | 'source' | 'listener_id' | 'finished_at'
> & { files: Array<{ path: string; kind?: string }> };

export function summarize(entry: LedgerEntry): LedgerSummary {
  return {
    load_id: entry.load_id,
    kind: entry.kind,
    source: entry.source,
    ...(entry.listener_id === undefined ? {} : { listener_id: entry.listener_id }),
    finished_at: entry.finished_at,
    files: entry.files.map((f) =>
      f.kind === undefined ? { path: f.path } : { path: f.path, kind: f.kind },
    ),
  };
}

/** Where the summaries are kept: in the warehouse, which (like all of HOME) is a cache. */
const INDEX = 'main.wrapped_ledger_index';

/**
 * Every ledger entry, summarized, oldest first. With a warehouse, the summaries are remembered
 * in it by the entry's path, size and time: entries are written once and never edited, so one
 * read once is not read again. An hourly run lands two or three loads, and a year of them
 * would otherwise have every build read tens of thousands of entries. An entry the lake no
 * longer lists is forgotten; one whose size or time moved is read again.
 */
export async function readLedgerSummaries(
  lake: Lake,
  warehouse?: Warehouse,
): Promise<LedgerSummary[]> {
  const ledger = new LoadLedger(lake);
  if (warehouse === undefined) {
    const all: LedgerSummary[] = [];
    for await (const entry of ledger.entries()) all.push(summarize(entry));
    return all;
  }
  await warehouse.run(
    `CREATE TABLE IF NOT EXISTS ${INDEX} (path VARCHAR PRIMARY KEY, size BIGINT NOT NULL, modified_ms BIGINT NOT NULL, summary VARCHAR NOT NULL)`,
  );
  const known = new Map(
    (await warehouse.query(`SELECT path, size, modified_ms, summary FROM ${INDEX}`)).rows.map(
      (r) => [String(r.path), r],
    ),
  );
  const listed: LakeEntry[] = [];
  for await (const item of ledger.listed()) listed.push(item);
  const isKnown = (item: LakeEntry) => {
    const row = known.get(item.path);
    return (
      row !== undefined &&
      Number(row.size) === item.size &&
      Number(row.modified_ms) === item.modifiedAt.getTime()
    );
  };

  const unread = listed.filter((item) => !isKnown(item));
  const read = new Map<string, LedgerSummary>();
  let i = 0;
  for await (const entry of ledger.read(unread.map((item) => item.path)))
    read.set((unread[i++] as LakeEntry).path, summarize(entry));

  const listedPaths = new Set(listed.map((item) => item.path));
  const gone = [...known.keys()].filter((path) => !listedPaths.has(path));
  for (let at = 0; at < gone.length; at += 500)
    await warehouse.run(
      `DELETE FROM ${INDEX} WHERE path IN (${gone
        .slice(at, at + 500)
        .map(sqlString)
        .join(', ')})`,
    );
  const rows = unread.map(
    (item) =>
      `(${sqlString(item.path)}, ${item.size}, ${item.modifiedAt.getTime()}, ${sqlString(JSON.stringify(read.get(item.path)))})`,
  );
  for (let at = 0; at < rows.length; at += 500)
    await warehouse.run(
      `INSERT OR REPLACE INTO ${INDEX} VALUES ${rows.slice(at, at + 500).join(', ')}`,
    );

  return listed.map(
    (item) =>
      read.get(item.path) ?? (JSON.parse(String(known.get(item.path)?.summary)) as LedgerSummary),
  );
}
