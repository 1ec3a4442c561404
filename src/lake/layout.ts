import { isLoadId } from './load-id.js';
import { checkLakePath } from './paths.js';

/**
 * Where things live in the lake (DESIGN.md, "Lake layout"). Every module builds paths here,
 * never by hand, so the layout can be read in one place.
 *
 * raw/spotify/<resource>/dt=YYYY-MM-DD/<load_id>.json   API responses in an envelope
 * raw/export/<import_id>/<relative path>                 export files as the user gave them
 * raw/normalized/<import_id>/<relative path>.ndjson      Last.fm / ListenBrainz listens, one shape
 * bronze|silver|gold/<table>/...                         Parquet
 * _loads/<load_id>.json                                  the load ledger
 * _quarantine/<import_id>/<relative path>.refused.jsonl  what `import --skip-bad` left out, and why
 * _state/<name>                                          cursors, blocks, gaps, run records
 */
export const LAYERS = ['bronze', 'silver', 'gold'] as const;
export type Layer = (typeof LAYERS)[number];

const NAME = /^[a-z][a-z0-9_]*$/;

function checkName(kind: string, name: string): string {
  if (!NAME.test(name)) {
    throw new Error(
      `${kind} name ${JSON.stringify(name)} must be lower-case letters, digits and _`,
    );
  }
  return name;
}

function checkLoad(loadId: string): string {
  if (!isLoadId(loadId)) throw new Error(`not a load id: ${JSON.stringify(loadId)}`);
  return loadId;
}

/** `dt=YYYY-MM-DD` of a moment, in UTC (dates in lake paths are always UTC). */
export function utcPartition(at: Date): string {
  return `dt=${at.toISOString().slice(0, 10)}`;
}

export const layout = {
  rawSpotifyPrefix: (resource: string) => `raw/spotify/${checkName('resource', resource)}/`,
  /** One response of a load; a load of several responses numbers them (`<load_id>-0002.json`). */
  rawSpotify: (resource: string, fetchedAt: Date, loadId: string, part?: number) =>
    `raw/spotify/${checkName('resource', resource)}/${utcPartition(fetchedAt)}/${checkLoad(loadId)}${part === undefined ? '' : `-${String(part).padStart(4, '0')}`}.json`,
  rawExportPrefix: (importId: string) => `raw/export/${checkLoad(importId)}/`,
  rawExport: (importId: string, relativePath: string) =>
    checkLakePath(`raw/export/${checkLoad(importId)}/${relativePath}`),
  /** The listens of a Last.fm or ListenBrainz file, read into one shape (importer/listens). */
  rawNormalizedPrefix: (importId: string) => `raw/normalized/${checkLoad(importId)}/`,
  rawNormalized: (importId: string, relativePath: string) =>
    checkLakePath(`raw/normalized/${checkLoad(importId)}/${relativePath}.ndjson`),
  tablePrefix: (layer: Layer, table: string) => `${layer}/${checkName('table', table)}/`,
  quarantinePrefix: (importId: string) => `_quarantine/${checkLoad(importId)}/`,
  quarantine: (importId: string, relativePath: string) =>
    checkLakePath(`_quarantine/${checkLoad(importId)}/${relativePath}.refused.jsonl`),
  ledgerPrefix: () => '_loads/',
  ledger: (loadId: string) => `_loads/${checkLoad(loadId)}.json`,
  state: (name: string) => checkLakePath(`_state/${name}`),
  statePrefix: (folder: string) => `${checkLakePath(`_state/${folder}`)}/`,
} as const;
