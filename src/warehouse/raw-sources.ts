import { join } from 'node:path';
import { LISTEN_COLUMNS } from '../importer/listens/listen.js';
import { ACCOUNT_COLUMNS, EXTENDED_COLUMNS } from '../importer/natural-key.js';
import type { Lake } from '../lake/lake.js';

import { DEFAULT_LISTENER } from '../listeners/registry.js';
import { lakeLocation } from './dialects/dialect.js';
import { sqlString, type Warehouse } from './engine.js';
import { type LedgerSummary, readLedgerSummaries } from './ledger-index.js';

/**
 * The raw lake as relations for the bronze models. Each raw source is a temporary view over
 * exactly the files the load ledger lists for it (a file without a ledger entry belongs to a
 * load that never finished, and is never read). A source with no files yet is an empty
 * relation with the same columns, so the models build on an empty lake too.
 */
export interface RawSource {
  name: string;
  matches(entry: LedgerSummary, file: LedgerSummary['files'][number]): boolean;
  /** SELECT over a list of absolute paths (a SQL list literal); must yield _load_id and _source_file. */
  select(files: string): string;
  /** A file of the source's format that `select` reads (its rows are dropped): the empty source's shape. */
  shapeFile?: string;
}

const envelopeColumns = "{load_id: 'VARCHAR', fetched_at: 'VARCHAR', body: 'JSON'}";

export const RAW_SOURCES: RawSource[] = [
  {
    name: 'raw_export_extended',
    matches: (e, f) => e.kind === 'import' && f.kind === 'extended_history',
    select: (files) =>
      `SELECT *, regexp_extract(filename, 'raw/export/([^/]+)/', 1) AS _load_id, filename AS _source_file
       FROM read_json(${files}, format = 'array', columns = ${EXTENDED_COLUMNS}, filename = true)`,
  },
  {
    name: 'raw_export_account',
    matches: (e, f) => e.kind === 'import' && f.kind === 'account_history',
    select: (files) =>
      `SELECT *, regexp_extract(filename, 'raw/export/([^/]+)/', 1) AS _load_id, filename AS _source_file
       FROM read_json(${files}, format = 'array', columns = ${ACCOUNT_COLUMNS}, filename = true)`,
  },
  {
    // Last.fm and ListenBrainz listens, as the import read them into one shape (JSON lines).
    name: 'raw_listens',
    matches: (e, f) => e.kind === 'import' && f.kind === 'listens',
    select: (files) =>
      `SELECT *, regexp_extract(filename, 'raw/normalized/([^/]+)/', 1) AS _load_id, filename AS _source_file
       FROM read_json(${files}, format = 'newline_delimited', columns = ${LISTEN_COLUMNS}, filename = true)`,
    shapeFile: '{"listen_key":"x"}\n',
  },
  // The export's JSON documents (YourLibrary.json, PlaylistN.json, WrappedYYYY.json,
  // YourSoundCapsule.json), one row per file, the whole document as JSON: each is one object,
  // not a list of records.
  ...(['library', 'playlists', 'wrapped', 'sound_capsule'] as const).map(
    (kind): RawSource => ({
      name: `raw_export_${kind}`,
      matches: (e, f) => e.kind === 'import' && f.kind === kind,
      select: (files) =>
        `SELECT CAST(ltrim(content, chr(65279)) AS JSON) AS doc, regexp_extract(filename, 'raw/export/([^/]+)/', 1) AS _load_id, filename AS _source_file
         FROM read_text(${files})`,
    }),
  ),
  {
    // Every landed API response, one row each, for the library models (saved tracks,
    // playlists and their items, follows, top lists): `resource` is the raw folder.
    name: 'raw_api_responses',
    matches: (e) => e.kind === 'extract',
    select: (files) =>
      `SELECT load_id AS _load_id, filename AS _source_file, fetched_at,
         regexp_extract(filename, 'raw/spotify/([^/]+)/', 1) AS resource,
         request ->> 'url' AS request_url, request -> 'params' AS request_params, body
       FROM read_json(${files}, format = 'newline_delimited', columns = {load_id: 'VARCHAR', fetched_at: 'VARCHAR', request: 'JSON', body: 'JSON'}, filename = true)`,
  },
  {
    name: 'raw_api_recently_played',
    matches: (e) => e.kind === 'extract' && e.source === 'recently_played',
    select: (files) =>
      `SELECT load_id AS _load_id, filename AS _source_file, fetched_at, unnest(CAST(json_extract(body, '$.items') AS JSON[])) AS item
       FROM read_json(${files}, format = 'newline_delimited', columns = ${envelopeColumns}, filename = true)`,
  },
];

/** What the ledger says is in the raw lake, read once per build. */
export interface RawCatalog {
  /** Per raw source, every ledgered file: its load and its absolute path. */
  files: Map<string, Array<{ loadId: string; path: string }>>;
  /** When each load finished (the ledger's `finished_at`): bronze's `_ingested_at`. */
  ingestedAt: Map<string, string>;
  /** Recorded gaps in the API coverage (src/extract/state.ts), one small JSON file each. */
  gapFiles: string[];
  /** The extract and import loads: what an incremental model keeps track of. */
  dataLoads: Set<string>;
  /** The loads of listeners other than `me`, by listener (a load naming nobody is `me`'s). */
  listenerLoads?: Map<string, string[]>;
}

/**
 * SQL naming the listener of a row from its load id: `'me'` in a one-listener lake (nothing
 * to compute), else a CASE over the loads of the other listeners. `quote` is the engine's
 * string literal.
 */
export function listenerOfLoad(
  catalog: RawCatalog,
  loadIdColumn: string,
  quote: (value: string) => string,
): string {
  const others = [...(catalog.listenerLoads ?? new Map<string, string[]>()).entries()].filter(
    ([, loads]) => loads.length > 0,
  );
  if (others.length === 0) return quote(DEFAULT_LISTENER);
  const cases = others.map(
    ([listener, loads]) =>
      `WHEN ${loadIdColumn} IN (${loads.map(quote).join(', ')}) THEN ${quote(listener)}`,
  );
  return `CASE ${cases.join(' ')} ELSE ${quote(DEFAULT_LISTENER)} END`;
}

/**
 * Reads what the ledger says is in the raw lake. With a warehouse, the ledger's entries are
 * remembered in it, and only those not read before are read (ledger-index.ts).
 */
export async function readRawCatalog(
  lake: Lake,
  lakeRoot: string,
  warehouse?: Warehouse,
): Promise<RawCatalog> {
  const files = new Map<string, Array<{ loadId: string; path: string }>>(
    RAW_SOURCES.map((s) => [s.name, []]),
  );
  const ingestedAt = new Map<string, string>();
  const dataLoads = new Set<string>();
  const listenerLoads = new Map<string, string[]>();
  for (const entry of await readLedgerSummaries(lake, warehouse)) {
    ingestedAt.set(entry.load_id, entry.finished_at);
    const listener = entry.listener_id ?? DEFAULT_LISTENER;
    if (listener !== DEFAULT_LISTENER)
      listenerLoads.set(listener, [...(listenerLoads.get(listener) ?? []), entry.load_id]);
    if (entry.kind === 'extract' || entry.kind === 'import') dataLoads.add(entry.load_id);
    for (const file of entry.files) {
      for (const source of RAW_SOURCES) {
        if (source.matches(entry, file))
          files
            .get(source.name)
            ?.push({ loadId: entry.load_id, path: lakeLocation(lakeRoot, file.path) });
      }
    }
  }
  const gapFiles: string[] = [];
  for await (const entry of lake.list('_state/gaps/'))
    if (entry.path.endsWith('.json')) gapFiles.push(lakeLocation(lakeRoot, entry.path));
  return { files, ingestedAt, gapFiles, dataLoads, listenerLoads };
}

/** The absolute paths of a raw source's ledgered files (of some loads only, with `onlyLoads`). */
export function sourceFiles(
  catalog: RawCatalog,
  source: string,
  onlyLoads: ReadonlySet<string> | undefined,
): string[] {
  return (catalog.files.get(source) ?? [])
    .filter((f) => onlyLoads === undefined || onlyLoads.has(f.loadId))
    .map((f) => f.path);
}

/**
 * The raw sources an incremental model's rows come from: the raw views its SQL reads, by name.
 * `raw_loads` may only be looked up (`JOIN raw_loads`), as every model does for `_ingested_at`;
 * undefined when it names none, or takes rows from `raw_loads` or `raw_gaps`, which no load's
 * files hold.
 */
export function rowSourcesOf(sql: string): string[] | undefined {
  if (/\bFROM\s+raw_loads\b/i.test(sql) || /\braw_gaps\b/.test(sql)) return undefined;
  const read = rawSourcesNamed(sql);
  return read.length > 0 ? read : undefined;
}

/** The raw sources of these names (every one when undefined), in RAW_SOURCES' order. */
export function rawSourcesAmong(names: readonly string[] | undefined): RawSource[] {
  return names === undefined ? RAW_SOURCES : RAW_SOURCES.filter((s) => names.includes(s.name));
}

/**
 * The raw views a model's SQL names that hold files by load (all but `raw_gaps` and
 * `raw_loads`, which are always whole): the views an incremental build may have narrowed.
 */
export function rawSourcesNamed(sql: string): string[] {
  return RAW_SOURCES.map((s) => s.name).filter((name) => new RegExp(`\\b${name}\\b`).test(sql));
}

/** Whether any of these loads landed a file of one of these raw sources. */
export function loadsHoldAny(
  catalog: RawCatalog,
  sources: readonly string[],
  loads: ReadonlySet<string>,
): boolean {
  return sources.some((source) => sourceFiles(catalog, source, loads).length > 0);
}

/**
 * Creates the raw views for this connection; returns how many files each one reads. With
 * `onlyLoads`, the raw views hold only the files of those loads (an incremental build reads
 * what it has not read before); the gaps and the load list are always whole.
 */
export async function registerRawViews(
  warehouse: Warehouse,
  catalog: RawCatalog,
  onlyLoads?: ReadonlySet<string>,
  sources?: readonly string[],
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const source of rawSourcesAmong(sources)) {
    const paths = sourceFiles(catalog, source.name, onlyLoads);
    counts[source.name] = paths.length;
    // read_json refuses an empty file list: with no file yet, the view is the same SELECT over
    // one empty file, materialised with no rows.
    const body =
      paths.length > 0
        ? source.select(`[${paths.map(sqlString).join(', ')}]`)
        : await emptyShape(warehouse, source);
    // Every raw row names its listener, by its load.
    await warehouse.run(
      `CREATE OR REPLACE TEMP VIEW ${source.name} AS SELECT *, ${listenerOfLoad(catalog, '_load_id', sqlString)} AS _listener_id FROM (${body})`,
    );
  }
  const gapFiles = catalog.gapFiles;
  counts.raw_gaps = gapFiles.length;
  await warehouse.run(
    `CREATE OR REPLACE TEMP VIEW raw_gaps AS ${
      gapFiles.length > 0
        ? `SELECT coalesce(listener_id, '${DEFAULT_LISTENER}') AS listener_id, id, source, CAST("from" AS TIMESTAMPTZ) AS gap_from, CAST("to" AS TIMESTAMPTZ) AS gap_to, reason FROM read_json([${gapFiles.map(sqlString).join(', ')}], columns = {listener_id: 'VARCHAR', id: 'VARCHAR', source: 'VARCHAR', "from": 'VARCHAR', "to": 'VARCHAR', reason: 'VARCHAR'})`
        : 'SELECT NULL::VARCHAR AS listener_id, NULL::VARCHAR AS id, NULL::VARCHAR AS source, NULL::TIMESTAMPTZ AS gap_from, NULL::TIMESTAMPTZ AS gap_to, NULL::VARCHAR AS reason WHERE false'
    }`,
  );
  const loads = [...catalog.ingestedAt.entries()].map(
    ([id, at]) => `(${sqlString(id)}, ${sqlString(at)}::TIMESTAMPTZ)`,
  );
  await warehouse.run(
    `CREATE OR REPLACE TEMP VIEW raw_loads AS SELECT *, ${listenerOfLoad(catalog, '_load_id', sqlString)} AS _listener_id FROM (VALUES ${loads.length > 0 ? loads.join(', ') : '(NULL, NULL::TIMESTAMPTZ)'}) AS t(_load_id, _ingested_at) WHERE _load_id IS NOT NULL`,
  );
  return counts;
}

/** The empty shapes each connection holds already (temporary tables live as long as it). */
const emptyShapesMade = new WeakMap<Warehouse, Set<string>>();

/**
 * The source's columns with no rows: its SELECT over one empty file of the right format, made
 * once per connection (a build registers the raw views several times: whole, then for the
 * loads an incremental model has not read, where most sources have no file).
 */
async function emptyShape(warehouse: Warehouse, source: RawSource): Promise<string> {
  const table = `${source.name}_empty`;
  const made = emptyShapesMade.get(warehouse) ?? new Set<string>();
  emptyShapesMade.set(warehouse, made);
  if (made.has(table)) return `SELECT * FROM ${table}`;
  const { mkdtemp, writeFile } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const dir = await mkdtemp(join(tmpdir(), 'wrapped-empty-'));
  const file = join(dir, 'empty.json');
  await writeFile(
    file,
    source.shapeFile ??
      (source.name.startsWith('raw_api_')
        ? '{"load_id":"x","fetched_at":"1970-01-01T00:00:00Z","request":{"url":"/x"},"body":{"items":[]}}\n'
        : '[]'),
  );
  // Materialise the empty relation so the temporary file can go.
  await warehouse.run(
    `CREATE OR REPLACE TEMP TABLE ${table} AS SELECT * FROM (${source.select(`[${sqlString(file)}]`)}) WHERE false`,
  );
  const { rm } = await import('node:fs/promises');
  await rm(dir, { recursive: true, force: true });
  made.add(table);
  return `SELECT * FROM ${table}`;
}
