import { relative } from 'node:path';
import { LISTEN_COLUMNS } from '../../../importer/listens/listen.js';
import { ACCOUNT_COLUMNS, EXTENDED_COLUMNS } from '../../../importer/natural-key.js';
import { DEFAULT_LISTENER } from '../../../listeners/registry.js';
import {
  listenerOfLoad,
  type RawCatalog,
  rawSourcesAmong,
  sourceFiles,
} from '../../raw-sources.js';
import { sparkString } from './sql.js';

/**
 * The raw lake as the views the bronze models read (raw-sources.ts has DuckDB's), for Spark:
 * the same names, columns and rows. JSON stays text (the Spark dialect's json macros read text),
 * and each view reads exactly the files the load ledger lists.
 */
type Run = (sql: string) => Promise<unknown>;

/** DuckDB's `{name: 'TYPE', ...}` column list as a Spark schema. */
export function sparkSchema(duckdbColumns: string): string {
  const types: Record<string, string> = { VARCHAR: 'STRING', BIGINT: 'BIGINT', BOOLEAN: 'BOOLEAN' };
  return [...duckdbColumns.matchAll(/(\w+):\s*'(\w+)'/g)]
    .map(([, name, type]) => {
      const spark = types[type as string];
      if (spark === undefined) throw new Error(`No Spark type for ${type} (column ${name})`);
      return `\`${name}\` ${spark}`;
    })
    .join(', ');
}

const ENVELOPE = 'load_id STRING, fetched_at STRING, request STRING, body STRING';
const DOCUMENT = 'doc STRING';

/**
 * Per raw source: how Spark reads its files (a schema and reader options), and the SELECT over
 * that reading that yields DuckDB's columns. `_file` is the file's absolute path.
 */
interface SparkRawSource {
  /** The files as Spark reads them: a schema (for JSON) or the text reader. */
  reader: { format: 'json'; schema: string; multiLine: boolean } | { format: 'text' };
  select(files: string): string;
  /** The view's columns and Spark types, for a source with no file yet. */
  empty: string;
}

const loadIdOf = (prefix: 'export' | 'spotify') =>
  `regexp_extract(_file, 'raw/${prefix}/([^/]+)/', 1)`;

const exportRows = (columns: string): SparkRawSource => ({
  reader: { format: 'json', schema: sparkSchema(columns), multiLine: true },
  select: (files) =>
    `SELECT *, ${loadIdOf('export')} AS _load_id, _file AS _source_file FROM ${files}`,
  empty: `${sparkSchema(columns)}, _load_id STRING, _source_file STRING`,
});

const exportDocuments: SparkRawSource = {
  reader: { format: 'text' },
  // The whole file as one row; a byte order mark is not part of the document.
  select: (files) =>
    `SELECT regexp_replace(value, '^\\\\uFEFF', '') AS doc, ${loadIdOf('export')} AS _load_id, _file AS _source_file FROM ${files}`,
  empty: `${DOCUMENT}, _load_id STRING, _source_file STRING`,
};

export const SPARK_RAW_SOURCES: Record<string, SparkRawSource> = {
  raw_export_extended: exportRows(EXTENDED_COLUMNS),
  raw_export_account: exportRows(ACCOUNT_COLUMNS),
  raw_listens: {
    reader: { format: 'json', schema: sparkSchema(LISTEN_COLUMNS), multiLine: false },
    select: (files) =>
      `SELECT *, regexp_extract(_file, 'raw/normalized/([^/]+)/', 1) AS _load_id, _file AS _source_file FROM ${files}`,
    empty: `${sparkSchema(LISTEN_COLUMNS)}, _load_id STRING, _source_file STRING`,
  },
  raw_export_library: exportDocuments,
  raw_export_playlists: exportDocuments,
  raw_export_wrapped: exportDocuments,
  raw_export_sound_capsule: exportDocuments,
  raw_api_responses: {
    reader: { format: 'json', schema: ENVELOPE, multiLine: false },
    select: (files) =>
      `SELECT load_id AS _load_id, _file AS _source_file, fetched_at,
         regexp_extract(_file, 'raw/spotify/([^/]+)/', 1) AS resource,
         get_json_object(request, '$.url') AS request_url, get_json_object(request, '$.params') AS request_params, body
       FROM ${files}`,
    empty:
      '_load_id STRING, _source_file STRING, fetched_at STRING, resource STRING, request_url STRING, request_params STRING, body STRING',
  },
  raw_api_recently_played: {
    reader: { format: 'json', schema: ENVELOPE, multiLine: false },
    select: (files) =>
      `SELECT load_id AS _load_id, _file AS _source_file, fetched_at, explode(from_json(body, 'items ARRAY<STRING>').items) AS item
       FROM ${files}`,
    empty: '_load_id STRING, _source_file STRING, fetched_at STRING, item STRING',
  },
};

/**
 * A path list as one Spark path: `<root>/{a,b}` (Hadoop expands braces, slashes included).
 * Glob characters in a name are escaped, so each file is read as named and nothing else.
 */
export function sparkPathList(root: string, paths: string[]): string {
  const escapeGlob = (p: string) => p.replace(/[\\{}[\]*?,]/g, (c) => `\\${c}`);
  const relatives = paths.map((p) => {
    const rel = relative(root, p);
    if (rel.startsWith('..')) throw new Error(`${p} is outside ${root}`);
    return escapeGlob(rel);
  });
  return `${escapeGlob(root.replace(/\/+$/, ''))}/{${relatives.join(',')}}`;
}

/** Empty relation of these columns: what a source with no file yet reads as. */
export const emptyRelation = (columns: string) =>
  `SELECT ${columns
    .split(/,\s*(?![^<]*>)/)
    .map((c) => {
      const [name, ...type] = c.trim().split(/\s+/);
      return `CAST(NULL AS ${type.join(' ')}) AS ${name}`;
    })
    .join(', ')} WHERE false`;

/**
 * Creates the raw views in this Spark session; returns how many files each reads. As DuckDB's,
 * `onlyLoads` narrows the views to those loads' files; gaps and loads are always whole.
 */
export async function registerSparkRawViews(
  run: Run,
  lakeRoot: string,
  catalog: RawCatalog,
  onlyLoads?: ReadonlySet<string>,
  sources?: readonly string[],
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  // Every raw row names its listener, by its load (raw-sources.ts).
  const listener = listenerOfLoad(catalog, '_load_id', sparkString);
  for (const source of rawSourcesAmong(sources)) {
    const spark = SPARK_RAW_SOURCES[source.name];
    if (spark === undefined) throw new Error(`No Spark reading of raw source ${source.name}`);
    const paths = sourceFiles(catalog, source.name, onlyLoads);
    counts[source.name] = paths.length;
    if (paths.length === 0) {
      await run(
        `CREATE OR REPLACE TEMP VIEW ${source.name} AS ${emptyRelation(`${spark.empty}, _listener_id STRING`)}`,
      );
      continue;
    }
    const files = `${source.name}__files`;
    await run(readerView(files, spark.reader, sparkPathList(lakeRoot, paths)));
    await run(
      `CREATE OR REPLACE TEMP VIEW ${source.name} AS SELECT *, ${listener} AS _listener_id FROM (${spark.select(
        `(SELECT *, ${fileOfRow} AS _file FROM ${files}) AS f`,
      )}) AS r`,
    );
  }
  counts.raw_gaps = catalog.gapFiles.length;
  if (catalog.gapFiles.length > 0) {
    await run(
      readerView(
        'raw_gaps__files',
        {
          format: 'json',
          schema:
            'listener_id STRING, id STRING, source STRING, `from` STRING, `to` STRING, reason STRING',
          multiLine: true,
        },
        sparkPathList(lakeRoot, catalog.gapFiles),
      ),
    );
    await run(
      `CREATE OR REPLACE TEMP VIEW raw_gaps AS SELECT coalesce(listener_id, '${DEFAULT_LISTENER}') AS listener_id, id, source, CAST(\`from\` AS TIMESTAMP) AS gap_from, CAST(\`to\` AS TIMESTAMP) AS gap_to, reason FROM raw_gaps__files`,
    );
  } else {
    await run(
      `CREATE OR REPLACE TEMP VIEW raw_gaps AS ${emptyRelation('listener_id STRING, id STRING, source STRING, gap_from TIMESTAMP, gap_to TIMESTAMP, reason STRING')}`,
    );
  }
  const loads = [...catalog.ingestedAt.entries()].map(
    ([id, at]) => `(${sparkString(id)}, CAST(${sparkString(at)} AS TIMESTAMP))`,
  );
  await run(
    loads.length > 0
      ? `CREATE OR REPLACE TEMP VIEW raw_loads AS SELECT *, ${listener} AS _listener_id FROM VALUES ${loads.join(', ')} AS t(_load_id, _ingested_at)`
      : `CREATE OR REPLACE TEMP VIEW raw_loads AS ${emptyRelation('_load_id STRING, _ingested_at TIMESTAMP, _listener_id STRING')}`,
  );
  return counts;
}

/** The path of the file a row was read from, as DuckDB's `filename` gives it. */
const fileOfRow = `regexp_replace(url_decode(replace(input_file_name(), '+', '%2B')), '^file:(//)?', '')`;

function readerView(name: string, reader: SparkRawSource['reader'], path: string): string {
  if (reader.format === 'text')
    return `CREATE OR REPLACE TEMP VIEW ${name} USING text OPTIONS (path ${sparkString(path)}, wholetext 'true')`;
  return `CREATE OR REPLACE TEMP VIEW ${name} (${reader.schema}) USING json OPTIONS (path ${sparkString(path)}, multiLine '${reader.multiLine}', mode 'FAILFAST')`;
}
