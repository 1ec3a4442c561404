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
      kind: ExportKind;
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
  if (!base.toLowerCase().endsWith('.json')) {
    return explicit
      ? { status: 'failed', error: 'is not a JSON file of the Spotify data export' }
      : {
          status: 'skipped',
          reason: 'not a file of the Spotify data export that this product reads',
        };
  }
  return undefined;
}

/**
 * Reads a file completely, recognises it by content (the name is a hint), checks every record
 * against its kind's shape, and measures it: records, date range, sha-256. Nothing is landed here.
 */
export async function inspectFile(
  file: ExportFile,
  options: InspectOptions = {},
): Promise<Inspection> {
  const base = file.path.split('/').pop() ?? file.path;
  if (isPersonal(base)) {
    return {
      status: 'skipped',
      reason: 'holds personal details the product never needs: not landed, not read',
    };
  }
  if (!base.toLowerCase().endsWith('.json')) {
    return options.explicit
      ? { status: 'failed', error: 'is not a JSON file of the Spotify data export' }
      : {
          status: 'skipped',
          reason: 'not a file of the Spotify data export that this product reads',
        };
  }
  const hint = nameHint(base);
  const hash = createHash('sha256');
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
        ? { ...(await inspectDocument(replay(), hint, state, base)), refused: [] }
        : await inspectRecords(replay(), hint, state, options);
    return { status: 'ok', ...measured, sha256: hash.digest('hex'), bytes };
  } catch (error) {
    await stream.return(undefined);
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
): Promise<Measured & { refused: RefusedRecord[] }> {
  if (hint && hint.kind !== 'extended_history' && hint.kind !== 'account_history') {
    throw new JsonShapeError(`expected a JSON object (a ${hint.kind} file), found an array`, 0);
  }
  let kind: 'extended_history' | 'account_history' | undefined = hint?.kind as
    | 'extended_history'
    | 'account_history'
    | undefined;
  const keys = new Set<string>();
  const contentTypes: Record<string, number> = {};
  let records = 0;
  let first: string | null = null;
  let last: string | null = null;
  const refused: RefusedRecord[] = [];
  for await (const batch of readRecordBatches(source)) {
    for (const record of batch) {
      const { index, offset, value } = record;
      let problem = record.problem;
      if (value !== undefined && kind === undefined) {
        if (looksExtended(value)) kind = 'extended_history';
        else if (looksAccount(value)) kind = 'account_history';
        else throw new Unrecognised('is a JSON list, but not of Spotify stream records');
        state.recognised = true;
      }
      if (value !== undefined)
        problem =
          kind === 'extended_history' ? checkExtendedRecord(value) : checkAccountRecord(value);
      if (problem !== undefined || value === undefined) {
        const reason = problem ?? 'cannot be read';
        if (!options.skipBad)
          throw new JsonShapeError(`record ${index} at byte ${offset}: ${reason}`, offset, index);
        refused.push({
          record: index,
          byte: offset,
          reason,
          text: record.bytes
            .subarray(0, REFUSED_TEXT_CHARS * 4)
            .toString('utf8')
            .slice(0, REFUSED_TEXT_CHARS),
        });
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

async function inspectDocument(
  source: AsyncIterable<Uint8Array>,
  hint: ReturnType<typeof nameHint>,
  state: { recognised: boolean },
  baseName: string,
): Promise<Measured> {
  if (hint && (hint.kind === 'extended_history' || hint.kind === 'account_history')) {
    throw new JsonShapeError('expected a JSON array of records, found an object', 0);
  }
  const doc = await readJsonDocument(source, MAX_DOCUMENT_BYTES);
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
