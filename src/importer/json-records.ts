import { isUtf8 } from 'node:buffer';
import { findDuplicateKey } from './duplicate-keys.js';
import { MAX_RECORD_BYTES } from './limits.js';

/**
 * Streaming reader for the export's big files: a JSON array of flat objects (stream records).
 * It finds each object's bytes with a small state machine and parses objects one at a time, so
 * memory follows the largest record, not the file. Every error names the record index and the
 * byte offset where things went wrong.
 */
export class JsonShapeError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly record?: number,
  ) {
    super(message);
  }
}

/**
 * One element of the array: its parsed value, or what makes it unreadable on its own (invalid
 * JSON or UTF-8 inside it, a duplicate key, too large). The array around it is still sound, so
 * the records after it can be read.
 */
export type JsonRecord = {
  index: number;
  /** Byte offset of the record's `{` in the file. */
  offset: number;
  /** The record's own bytes (empty when it was too large to keep). */
  bytes: Buffer;
} & (
  | { value: Record<string, unknown>; problem?: undefined }
  | { value?: undefined; problem: string }
);

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
/**
 * The bytes that matter between strings inside a record: a quote, a colon and the brackets.
 * Everything else there (whitespace, numbers, true, false, null, commas) is stepped over with
 * one table lookup; pretty-printed exports are mostly such bytes outside their strings.
 */
const STRUCTURAL = new Uint8Array(256);
for (const byte of [0x22, 0x3a, 0x7b, 0x5b, 0x7d, 0x5d]) STRUCTURAL[byte] = 1;
const BOM = [0xef, 0xbb, 0xbf];

function describeByte(byte: number): string {
  return byte >= 0x20 && byte < 0x7f
    ? `"${String.fromCharCode(byte)}"`
    : `byte 0x${byte.toString(16).padStart(2, '0')}`;
}

type State = 'start' | 'first' | 'value' | 'after' | 'object' | 'end';

/**
 * Yields the records of a JSON array of objects, in batches (one batch per input chunk, which
 * keeps per-record overhead low on files with millions of rows).
 * Throws JsonShapeError for: an empty input, a top-level value that is not an array, an element
 * that is not an object, invalid JSON or UTF-8 inside a record, and truncation.
 */
export async function* readRecordBatches(
  source: AsyncIterable<Uint8Array>,
  maxRecordBytes = MAX_RECORD_BYTES,
): AsyncGenerator<JsonRecord[]> {
  let state: State = 'start';
  let offset = 0; // absolute offset of the current chunk's first byte
  let index = 0;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let recordStart = 0;
  let parts: Uint8Array[] = [];
  let partsBytes = 0;
  /** The current record began in an earlier chunk. */
  let spanning = false;
  /** It grew past maxRecordBytes: its bytes are no longer kept, only its end is looked for. */
  let oversize = false;
  /** Keys at the record's top level, counted as ':' outside strings: more than JSON.parse keeps means a duplicate. */
  let colons = 0;
  let sawBytes = false;

  for await (const chunk of source) {
    if (chunk.length === 0) continue;
    sawBytes = true;
    // Records that lie wholly inside this chunk are parsed straight from it; a record cut by
    // the chunk edge is parsed from its collected parts.
    const batch: JsonRecord[] = [];
    const whole: Array<{
      index: number;
      offset: number;
      from: number;
      to: number;
      colons: number;
    }> = [];
    let objectFrom = 0; // where the current object's bytes begin within this chunk
    let nextQuote = -2; // cached positions of the next '"' and '\\' (-2: not looked up yet)
    let nextBackslash = -2;
    const length = chunk.length;
    for (let i = 0; i < length; i++) {
      if (state === 'object') {
        // Hot loop: jump from quote to quote inside strings (memchr speed), walk bytes outside.
        while (i < length) {
          if (inString) {
            if (escaped) {
              escaped = false;
              i++;
              continue;
            }
            if (nextQuote !== -1 && nextQuote < i) nextQuote = chunk.indexOf(0x22, i);
            if (nextBackslash !== -1 && nextBackslash < i) nextBackslash = chunk.indexOf(0x5c, i);
            if (nextBackslash !== -1 && (nextQuote === -1 || nextBackslash < nextQuote)) {
              escaped = true;
              i = nextBackslash + 1;
              continue;
            }
            if (nextQuote === -1) {
              i = length;
              break;
            }
            inString = false;
            i = nextQuote + 1;
            continue;
          }
          const b = chunk[i] as number;
          if (STRUCTURAL[b] === 0) {
            i++;
            continue;
          }
          if (b === 0x22) inString = true;
          else if (b === 0x3a && depth === 1) colons++;
          else if (b === 0x7b || b === 0x5b) depth++;
          else if (b === 0x7d || b === 0x5d) {
            depth--;
            if (depth === 0) break;
          }
          i++;
        }
        if (i >= length) break; // the record continues in the next chunk
        const size = (spanning ? partsBytes : 0) + i + 1 - objectFrom;
        if (oversize || size > maxRecordBytes) {
          batch.push({
            index,
            offset: recordStart,
            bytes: Buffer.alloc(0),
            problem: `is ${size.toLocaleString('en-US')} bytes long; a record may be at most ${maxRecordBytes.toLocaleString('en-US')} bytes`,
          });
        } else if (!spanning) {
          whole.push({ index, offset: recordStart, from: objectFrom, to: i + 1, colons });
        } else {
          parts.push(chunk.subarray(objectFrom, i + 1));
          batch.push(parseRecord(parts, index, recordStart, colons));
        }
        parts = [];
        partsBytes = 0;
        spanning = false;
        oversize = false;
        index++;
        state = 'after';
        continue;
      }
      const c = chunk[i] as number;
      if (WS.has(c)) continue;
      const at = offset + i;
      // A UTF-8 byte order mark may open the file (some editors write one); it can span chunks.
      if (state === 'start' && at < 3 && c === BOM[at]) continue;
      switch (state) {
        case 'start':
          if (c === 0x5b) state = 'first';
          else if (c === 0x7b)
            throw new JsonShapeError('expected a JSON array of records, found an object', at);
          else
            throw new JsonShapeError(
              `is not JSON: expected "[" at byte ${at}, found ${describeByte(c)}`,
              at,
            );
          break;
        case 'first':
        case 'value':
          if (c === 0x7b) {
            state = 'object';
            depth = 1;
            colons = 0;
            inString = false;
            escaped = false;
            recordStart = at;
            objectFrom = i;
          } else if (c === 0x5d && state === 'first') {
            state = 'end';
          } else if (c === 0x5d) {
            throw new JsonShapeError(
              `is not valid JSON: a comma before "]" at byte ${at}`,
              at,
              index,
            );
          } else {
            throw new JsonShapeError(
              `record ${index} at byte ${at} is not an object (found ${describeByte(c)})`,
              at,
              index,
            );
          }
          break;
        case 'after':
          if (c === 0x2c) state = 'value';
          else if (c === 0x5d) state = 'end';
          else
            throw new JsonShapeError(
              `is not valid JSON: expected "," or "]" after record ${index - 1}, at byte ${at}`,
              at,
              index,
            );
          break;
        case 'end':
          throw new JsonShapeError(`has unexpected data after the closing "]" at byte ${at}`, at);
      }
    }
    if (state === 'object') {
      spanning = true;
      if (!oversize) {
        parts.push(chunk.subarray(objectFrom));
        partsBytes += length - objectFrom;
        if (partsBytes > maxRecordBytes) {
          oversize = true; // refused without buffering it whole: only its end is looked for
          parts = [];
        }
      } else partsBytes += length - objectFrom;
      objectFrom = 0;
    }
    offset += length;
    for (const r of whole)
      batch.push(parseRecord([chunk.subarray(r.from, r.to)], r.index, r.offset, r.colons));
    if (batch.length > 0) {
      batch.sort((a, b) => a.index - b.index);
      yield batch;
    }
  }

  if (!sawBytes) throw new JsonShapeError('is empty (0 bytes)', 0);
  if (state === 'end') return;
  if (state === 'start')
    throw new JsonShapeError('holds only whitespace, not a JSON array', offset);
  if (state === 'object') {
    throw new JsonShapeError(
      `ends early (truncated): record ${index} starting at byte ${recordStart} is incomplete`,
      offset,
      index,
    );
  }
  throw new JsonShapeError(
    `ends early (truncated) at byte ${offset}: the array is never closed with "]"`,
    offset,
    index,
  );
}

function parseRecord(
  parts: Uint8Array[],
  index: number,
  offset: number,
  colons: number,
): JsonRecord {
  const bytes = toBuffer(parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts));
  // isUtf8 (simdutf) plus toString is much faster than a fatal TextDecoder.
  if (!isUtf8(bytes)) return { index, offset, bytes, problem: 'is not valid UTF-8 text' };
  const text = bytes.toString('utf8');
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    return { index, offset, bytes, problem: `is not valid JSON (${(error as Error).message})` };
  }
  if (Object.keys(value).length !== colons) {
    const duplicate = findDuplicateKey(text);
    if (duplicate)
      return {
        index,
        offset,
        bytes,
        problem: `has the key ${JSON.stringify(duplicate.key)} twice`,
      };
  }
  return { index, offset, bytes, value };
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

/**
 * Reads a whole (small) JSON document, for kinds that are one object: YourLibrary, PlaylistN,
 * WrappedYYYY. Refuses more than `maxBytes` rather than filling memory.
 */
export async function readJsonDocument(
  source: AsyncIterable<Uint8Array>,
  maxBytes: number,
): Promise<unknown> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of source) {
    size += chunk.length;
    if (size > maxBytes) {
      throw new JsonShapeError(
        `is larger than ${Math.round(maxBytes / 1024 / 1024)} MiB, too large for its kind`,
        maxBytes,
      );
    }
    parts.push(chunk);
  }
  if (size === 0) throw new JsonShapeError('is empty (0 bytes)', 0);
  let bytes = Buffer.concat(parts);
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  if (!isUtf8(bytes)) throw new JsonShapeError('is not valid UTF-8 text', 0);
  const text = bytes.toString('utf8');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    throw new JsonShapeError(
      `is not valid JSON (${(error as Error).message})`,
      position ? Number(position) : 0,
    );
  }
  // JSON.parse keeps the last of two equal keys; the engines refuse the whole document.
  const duplicate = findDuplicateKey(text);
  if (duplicate)
    throw new JsonShapeError(
      `has the key ${JSON.stringify(duplicate.key)} twice in the object at ${duplicate.path}`,
      0,
    );
  return doc;
}
