import { createHash } from 'node:crypto';
import { JsonShapeError, readJsonDocument, readRecordBatches } from './json-records.js';
import {
  accountFieldSet,
  checkAccountRecord,
  checkDocument,
  checkExtendedRecord,
  type DocumentKind,
  documentKindByContent,
  type ExportKind,
  endTimeIso,
  extendedContentType,
  extendedFieldSet,
  type FieldSet,
  isPersonal,
  looksAccount,
  looksExtended,
  nameHint,
} from './kinds.js';
import { lastfmJsonRecord, looksLastfmPage, looksLastfmTrack } from './listens/lastfm.js';
import { listenBrainzRecord, looksListenBrainz } from './listens/listenbrainz.js';
import {
  ListensCollector,
  type ListensKind,
  NotListens,
  readLastfmCsv,
  readListenBrainzLines,
} from './listens/read.js';

/** One file of an export, wherever it comes from (a folder, a zip entry, a single file). */
export interface ExportFile {
  /** Path relative to the input, `/`-separated; it lands at raw/export/<import_id>/<path>. */
  path: string;
  size: number;
  open(): Promise<AsyncIterable<Uint8Array>>;
}

export type Inspection =
  | {
      status: 'ok';
      kind: ExportKind | ListensKind;
      field_set: FieldSet | null;
      media: 'audio' | 'video' | null;
      records: number;
      first_at: string | null;
      last_at: string | null;
      content_types: Record<string, number> | null;
      sha256: string;
      bytes: number;
      /** Records refused with `skipBad` (the others are good); empty when every record passed. */
      refused: RefusedRecord[];
      /** A Last.fm or ListenBrainz history: its listens, read into one shape (listens/listen.ts). */
      listens?: ListensCollector;
    }
  | { status: 'skipped'; reason: string }
  | { status: 'failed'; error: string };

/** A record `--skip-bad` left out, with why; `text` is the start of the record as it was. */
export interface RefusedRecord {
  record: number;
  byte: number;
  reason: string;
  text: string;
}

/** How much of a refused record the quarantine keeps: enough to recognise it. */
const REFUSED_TEXT_CHARS = 1000;

/** YourLibrary, PlaylistN and WrappedYYYY are a few MB at most; refuse absurd sizes instead of reading them whole. */
const MAX_DOCUMENT_BYTES = 256 * 1024 * 1024;
const WS = new Set([0x20, 0x09, 0x0a, 0x0d, 0xef, 0xbb, 0xbf]);

class Unrecognised extends Error {}

export interface InspectOptions {
  /** The user named this file directly: an unrecognised file is then a failure, not a skip. */
  explicit?: boolean;
  onBytes?: (bytes: number) => void;
  onRecords?: (records: number) => void;
  /** Receives every chunk as it is read (awaited: it may hold the reading back). */
  sink?: (chunk: Uint8Array) => Promise<void>;
  /** A bad record is listed in `refused` and the rest read on, instead of failing the file. */
  skipBad?: boolean;
}

/** Files decided by their name alone, without reading them: personal details, non-JSON files. */
export function skipByName(path: string, explicit: boolean): Inspection | undefined {
  const base = path.split('/').pop() ?? path;
  if (isPersonal(base)) {
    return {
      status: 'skipped',
      reason: 'holds personal details the product never needs: not landed, not read',
    };
  }
  if (!READABLE.test(base)) {
    return explicit
      ? {
          status: 'failed',
          error:
            'is not a file this product reads (the Spotify data export is JSON; Last.fm exports are CSV or JSON, ListenBrainz exports JSON lines)',
        }
      : {
          status: 'skipped',
          reason: 'not a file of the Spotify data export that this product reads',
        };
  }
  return undefined;
}

/** The file names worth reading: Spotify's JSON, Last.fm's CSV, ListenBrainz's JSON lines. */
const READABLE = /\.(json|csv|jsonl|ndjson)$/i;
const CSV = /\.csv$/i;
const JSON_LINES = /\.(jsonl|ndjson)$/i;

/**
 * Reads a file completely, recognises it by content (the name is a hint), checks every record
 * against its kind's shape, and measures it: records, date range, sha-256. Nothing is landed here.
 */
export async function inspectFile(
  file: ExportFile,
  options: InspectOptions = {},
): Promise<Inspection> {
  const base = file.path.split('/').pop() ?? file.path;
  const byName = skipByName(file.path, Boolean(options.explicit));
  if (byName) return byName;
  const hint = nameHint(base);
  // Hashed where it is checked: a worker thread's file on that thread, so that the main
  // thread, which reads and lands every file, does not hash them all (inspect-pool.ts).
  const hash = createHash('sha256');
  const sha256 = () => hash.digest('hex');
  let bytes = 0;
  const source = await file.open();
  async function* tapped(): AsyncGenerator<Uint8Array> {
    for await (const chunk of source) {
      hash.update(chunk);
      bytes += chunk.length;
      options.onBytes?.(chunk.length);
      if (options.sink) await options.sink(chunk);
      yield chunk;
    }
  }
  const stream = tapped();
  // A file counts as recognised once its name or its first record says what it is. Before that,
  // unreadable content means "not ours" (skipped); after it, it means a damaged file (failed).
  const state = { recognised: hint !== undefined };
  try {
    const csv = CSV.test(base);
    if (csv || JSON_LINES.test(base)) {
      // Recognised once the header or first line says so: a bad record after that fails the file.
      const recognised = () => {
        state.recognised = true;
      };
      const { collector, fieldSet } = csv
        ? await readLastfmCsv(stream, Boolean(options.skipBad), recognised)
        : await readListenBrainzLines(stream, Boolean(options.skipBad), recognised);
      return {
        status: 'ok',
        ...listensMeasured(csv ? 'lastfm_scrobbles' : 'listenbrainz_listens', collector),
        field_set: fieldSet,
        sha256: sha256(),
        bytes,
      };
    }
    // Look at the first meaningful byte: "[" is a record file, "{" a document.
    const head: Uint8Array[] = [];
    let first: number | undefined;
    for (;;) {
      const next = await stream.next();
      if (next.done) break;
      head.push(next.value);
      first = next.value.find((b) => !WS.has(b));
      if (first !== undefined) break;
    }
    async function* replay(): AsyncGenerator<Uint8Array> {
      yield* head;
      yield* { [Symbol.asyncIterator]: () => stream };
    }
    const measured =
      first === 0x7b
        ? { refused: [], ...(await inspectDocument(replay(), hint, state, base, options.skipBad)) }
        : await inspectRecords(replay(), hint, state, options);
    return { status: 'ok', ...measured, sha256: sha256(), bytes };
  } catch (error) {
    await stream.return(undefined);
    if (error instanceof NotListens) {
      return options.explicit
        ? { status: 'failed', error: error.message }
        : { status: 'skipped', reason: `not a file this product reads: it ${error.message}` };
    }
    if (error instanceof Unrecognised) {
      return options.explicit
        ? { status: 'failed', error: error.message }
        : { status: 'skipped', reason: error.message };
    }
    if (error instanceof JsonShapeError) {
      if (!state.recognised && !options.explicit) {
        return {
          status: 'skipped',
          reason: `not a file of the Spotify data export that this product reads: it ${error.message}`,
        };
      }
      return { status: 'failed', error: error.message };
    }
    const message = (error as Error).message;
    if (
      /too many bytes|not enough bytes|invalid (stored block|distance|code)|incorrect header|CRC-32 mismatch/i.test(
        message,
      )
    ) {
      // yauzl checks every entry against its header while inflating; a mismatch means damage or a trick.
      return {
        status: 'failed',
        error: `is damaged in the zip: its content does not match the zip's header (${message})`,
      };
    }
    return { status: 'failed', error: `cannot be read: ${message}` };
  }
}

type Measured = Omit<
  Extract<Inspection, { status: 'ok' }>,
  'status' | 'sha256' | 'bytes' | 'refused'
>;

async function inspectRecords(
  source: AsyncIterable<Uint8Array>,
  hint: ReturnType<typeof nameHint>,
  state: { recognised: boolean },
  options: InspectOptions,
): Promise<Measured & { refused: RefusedRecord[]; listens?: ListensCollector }> {
  if (hint && hint.kind !== 'extended_history' && hint.kind !== 'account_history') {
    throw new JsonShapeError(`expected a JSON object (a ${hint.kind} file), found an array`, 0);
  }
  let kind: RecordKind | undefined = hint?.kind as RecordKind | undefined;
  const keys = new Set<string>();
  const contentTypes: Record<string, number> = {};
  let records = 0;
  let first: string | null = null;
  let last: string | null = null;
  const refused: RefusedRecord[] = [];
  // Last.fm and ListenBrainz lists: each record is read into listens (a Last.fm page holds many).
  const listens = new ListensCollector(
    Boolean(options.skipBad),
    (record, byte) => `record ${record} at byte ${byte}`,
  );
  for await (const batch of readRecordBatches(source)) {
    for (const record of batch) {
      const { index, offset, value } = record;
      let problem = record.problem;
      if (value !== undefined && kind === undefined) {
        kind = recordKindOf(value);
        if (kind === undefined)
          throw new Unrecognised('is a JSON list, but not of Spotify stream records or listens');
        state.recognised = true;
      }
      const recordText = () =>
        record.bytes
          .subarray(0, REFUSED_TEXT_CHARS * 4)
          .toString('utf8')
          .slice(0, REFUSED_TEXT_CHARS);
      if (kind === 'lastfm_scrobbles' || kind === 'listenbrainz_listens') {
        const reading =
          value === undefined
            ? { problem: problem ?? 'cannot be read' }
            : kind === 'lastfm_scrobbles'
              ? lastfmJsonRecord(value)
              : listenBrainzRecord(value);
        listens.take(reading, index, offset, recordText);
        continue;
      }
      if (value !== undefined)
        problem =
          kind === 'extended_history' ? checkExtendedRecord(value) : checkAccountRecord(value);
      if (problem !== undefined || value === undefined) {
        const reason = problem ?? 'cannot be read';
        if (!options.skipBad)
          throw new JsonShapeError(`record ${index} at byte ${offset}: ${reason}`, offset, index);
        refused.push({ record: index, byte: offset, reason, text: recordText() });
        continue;
      }
      if (index < 1000) for (const key of Object.keys(value)) keys.add(key);
      const at =
        kind === 'extended_history' ? (value.ts as string) : endTimeIso(value.endTime as string);
      if (first === null || at < first) first = at;
      if (last === null || at > last) last = at;
      if (kind === 'extended_history') {
        const type = extendedContentType(value);
        contentTypes[type] = (contentTypes[type] ?? 0) + 1;
      }
      records++;
    }
    options.onRecords?.(batch.length);
  }
  if (kind === 'lastfm_scrobbles' || kind === 'listenbrainz_listens') {
    return {
      ...listensMeasured(kind, listens),
      field_set: kind === 'lastfm_scrobbles' ? 'lastfm-json' : 'listenbrainz-json',
    };
  }
  if (kind === undefined) {
    // An empty list: fine for a known file name (an export can have an empty file), unknown otherwise.
    if (!hint)
      throw new Unrecognised('is an empty JSON list with a name this product does not know');
    kind = hint.kind as 'extended_history' | 'account_history';
  }
  const extended = kind === 'extended_history';
  return {
    kind,
    field_set: extended
      ? records > 0
        ? extendedFieldSet(keys)
        : null
      : accountFieldSet(keys, hint),
    media: extended ? (hint?.variant === 'video' ? 'video' : 'audio') : null,
    records,
    first_at: first,
    last_at: last,
    content_types: extended ? contentTypes : null,
    refused,
  };
}

/** What a JSON list holds, told by its first record. */
type RecordKind = 'extended_history' | 'account_history' | ListensKind;

function recordKindOf(first: Record<string, unknown>): RecordKind | undefined {
  if (looksExtended(first)) return 'extended_history';
  if (looksAccount(first)) return 'account_history';
  if (looksListenBrainz(first)) return 'listenbrainz_listens';
  if (looksLastfmTrack(first) || looksLastfmPage(first)) return 'lastfm_scrobbles';
  return undefined;
}

/** A listens file measured: the listens are its records; refused ones are listed. */
function listensMeasured(kind: ListensKind, listens: ListensCollector) {
  return {
    kind,
    field_set: null,
    media: null,
    records: listens.listens.length,
    first_at: listens.first,
    last_at: listens.last,
    content_types: listens.listens.length > 0 ? { track: listens.listens.length } : null,
    refused: listens.refused,
    listens,
  };
}

async function inspectDocument(
  source: AsyncIterable<Uint8Array>,
  hint: ReturnType<typeof nameHint>,
  state: { recognised: boolean },
  baseName: string,
  skipBad?: boolean,
): Promise<Measured & { refused?: RefusedRecord[]; listens?: ListensCollector }> {
  if (hint && (hint.kind === 'extended_history' || hint.kind === 'account_history')) {
    throw new JsonShapeError('expected a JSON array of records, found an object', 0);
  }
  const doc = await readJsonDocument(source, MAX_DOCUMENT_BYTES);
  if (
    !hint &&
    doc !== null &&
    typeof doc === 'object' &&
    looksLastfmPage(doc as Record<string, unknown>)
  ) {
    // One page of Last.fm's user.getRecentTracks, saved as it came.
    state.recognised = true;
    const listens = new ListensCollector(Boolean(skipBad), () => 'the page');
    listens.take(lastfmJsonRecord(doc as Record<string, unknown>), 0, 0, () => '');
    return { ...listensMeasured('lastfm_scrobbles', listens), field_set: 'lastfm-json' };
  }
  const kind = (hint?.kind as DocumentKind | undefined) ?? documentKindByContent(doc);
  if (!kind) throw new Unrecognised('is a JSON object this product does not know');
  state.recognised = true;
  const { records, problem } = checkDocument(kind, doc, baseName);
  if (problem) throw new JsonShapeError(problem, 0);
  return {
    kind,
    field_set: null,
    media: null,
    records,
    first_at: null,
    last_at: null,
    content_types: null,
  };
}
