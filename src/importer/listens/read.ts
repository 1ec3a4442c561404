import { isUtf8 } from 'node:buffer';
import { JsonShapeError } from '../json-records.js';
import type { FieldSet } from '../kinds.js';
import { CsvError, parseCsv } from './csv.js';
import { LASTFM_CSV_EXPECTED, lastfmCsvLayout, lastfmCsvRow } from './lastfm.js';
import { type Listen, type ListenReading, withKey } from './listen.js';
import { listenBrainzRecord, looksListenBrainz } from './listenbrainz.js';

/** The kinds of file that hold listens from other histories than Spotify's. */
export type ListensKind = 'lastfm_scrobbles' | 'listenbrainz_listens';

/** The listens read from one file so far, and the records refused (with `--skip-bad`). */
export class ListensCollector {
  readonly listens: Listen[] = [];
  readonly refused: Array<{ record: number; byte: number; reason: string; text: string }> = [];
  first: string | null = null;
  last: string | null = null;

  constructor(
    private readonly skipBad: boolean,
    /** How a record is named in an error: "line 12", "record 3 at byte 200". */
    private readonly where: (record: number, byte: number) => string,
  ) {}

  /** Takes one record's reading; without skipBad, a problem fails the whole file. */
  take(reading: ListenReading, record: number, byte: number, text: () => string): void {
    if (reading.problem !== undefined) {
      if (!this.skipBad)
        throw new JsonShapeError(`${this.where(record, byte)}: ${reading.problem}`, byte, record);
      this.refused.push({ record, byte, reason: reading.problem, text: text().slice(0, 1000) });
      return;
    }
    for (const fields of reading.listens) {
      const at = fields.listened_at;
      if (this.first === null || at < this.first) this.first = at;
      if (this.last === null || at > this.last) this.last = at;
      this.listens.push(withKey(fields));
    }
  }

  /** The listens as the NDJSON file the bronze model reads. */
  ndjson(): string {
    return this.listens.map((l) => `${JSON.stringify(l)}\n`).join('');
  }
}

/** A whole file as text: these exports are small beside Spotify's (a scrobble is ~100 bytes). */
async function readText(source: AsyncIterable<Uint8Array>, maxBytes: number): Promise<string> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of source) {
    size += chunk.length;
    if (size > maxBytes)
      throw new JsonShapeError(
        `is larger than ${Math.round(maxBytes / 1024 / 1024)} MiB, too large for a listening history`,
        maxBytes,
      );
    parts.push(chunk);
  }
  const bytes = Buffer.concat(parts);
  if (!isUtf8(bytes)) throw new JsonShapeError('is not valid UTF-8 text', 0);
  return bytes.toString('utf8');
}

export const MAX_LISTENS_FILE_BYTES = 512 * 1024 * 1024;

export class NotListens extends Error {}

/** A Last.fm CSV export. Throws NotListens when the file is CSV of something else. */
export async function readLastfmCsv(
  source: AsyncIterable<Uint8Array>,
  skipBad: boolean,
  onRecognised: () => void,
): Promise<{ collector: ListensCollector; fieldSet: FieldSet }> {
  const text = await readText(source, MAX_LISTENS_FILE_BYTES);
  // Told by its first line: after that, a damaged file is a failure, not something else's CSV.
  const layout = layoutOfFirstLine(text);
  if (layout === undefined)
    throw new NotListens(
      text.trim() === ''
        ? 'is an empty CSV file'
        : `is a CSV file, but not a Last.fm scrobble export: ${LASTFM_CSV_EXPECTED}`,
    );
  onRecognised();
  let rows: ReturnType<typeof parseCsv>;
  try {
    rows = parseCsv(text);
  } catch (error) {
    if (error instanceof CsvError)
      throw new JsonShapeError(`line ${error.line}: ${error.message}`, 0);
    throw error;
  }
  const collector = new ListensCollector(skipBad, (line) => `line ${line}`);
  const header = layout.width === undefined;
  for (const row of header ? rows.slice(1) : rows)
    collector.take(lastfmCsvRow(row, layout), row.line, 0, () => row.fields.join(','));
  return { collector, fieldSet: header ? 'lastfm-csv-header' : 'lastfm-csv' };
}

function layoutOfFirstLine(text: string) {
  const firstLine = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  try {
    const [first] = parseCsv(firstLine);
    return first === undefined ? undefined : lastfmCsvLayout(first);
  } catch {
    return undefined; // a quoted field running past the first line: not a layout this knows
  }
}

/** A ListenBrainz export file of JSON lines. Throws NotListens when the lines are not listens. */
export async function readListenBrainzLines(
  source: AsyncIterable<Uint8Array>,
  skipBad: boolean,
  onRecognised: () => void,
): Promise<{ collector: ListensCollector; fieldSet: FieldSet }> {
  const text = await readText(source, MAX_LISTENS_FILE_BYTES);
  const collector = new ListensCollector(skipBad, (line, byte) => `line ${line} at byte ${byte}`);
  let byte = text.charCodeAt(0) === 0xfeff ? 3 : 0;
  let recognised = false;
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  for (const [i, raw] of lines.entries()) {
    const lineNumber = i + 1;
    const at = byte;
    byte += Buffer.byteLength(raw, 'utf8') + 1;
    const line = raw.trim();
    if (line === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      if (!recognised) throw new NotListens('is not JSON lines of ListenBrainz listens');
      collector.take(
        { problem: `is not valid JSON (${(error as Error).message})` },
        lineNumber,
        at,
        () => line,
      );
      continue;
    }
    if (!recognised) {
      if (
        !(value && typeof value === 'object' && looksListenBrainz(value as Record<string, unknown>))
      )
        throw new NotListens(
          'is JSON lines, but not of ListenBrainz listens (no "listened_at" and "track_metadata")',
        );
      recognised = true;
      onRecognised();
    }
    collector.take(
      listenBrainzRecord(value as Record<string, unknown>),
      lineNumber,
      at,
      () => line,
    );
  }
  if (!recognised) throw new NotListens('is an empty JSON lines file');
  return { collector, fieldSet: 'listenbrainz-jsonl' };
}
