import { createHash } from 'node:crypto';
import type { Lake } from '../lake/lake.js';
import { layout } from '../lake/layout.js';
import type { ExportFile, RefusedRecord } from './inspect.js';
import { readRecordBatches } from './json-records.js';

/**
 * `wrapped import --skip-bad`: a file with bad records lands as a copy holding only its good
 * records, each exactly as the file had it (same bytes, same order), and the bad ones are kept
 * beside the load with the reason each was refused, so nothing is silently lost.
 */
export async function landGoodRecords(
  lake: Lake,
  file: ExportFile,
  lakePath: string,
  refused: ReadonlySet<number>,
): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  async function* goodRecords(): AsyncGenerator<Uint8Array> {
    const emit = (chunk: Buffer) => {
      hash.update(chunk);
      bytes += chunk.length;
      return chunk;
    };
    yield emit(Buffer.from('['));
    let first = true;
    for await (const batch of readRecordBatches(await file.open())) {
      const parts: Buffer[] = [];
      for (const record of batch) {
        if (refused.has(record.index)) continue;
        parts.push(Buffer.from(first ? '\n' : ',\n'), record.bytes);
        first = false;
      }
      if (parts.length > 0) yield emit(Buffer.concat(parts));
    }
    yield emit(Buffer.from('\n]\n'));
  }
  await lake.put(lakePath, goodRecords(), { createOnly: true });
  return { sha256: hash.digest('hex'), bytes };
}

/** Writes the quarantine file of one export file: a JSON line per refused record (or the file's own refusal). */
export async function quarantineLines(
  lake: Lake,
  importId: string,
  path: string,
  refused: RefusedRecord[],
): Promise<string> {
  const target = layout.quarantine(importId, path);
  const lines = refused.map((r) =>
    JSON.stringify(
      r.record < 0
        ? { file: path, reason: r.reason }
        : { file: path, record: r.record, byte: r.byte, reason: r.reason, text: r.text },
    ),
  );
  await lake.put(target, `${lines.join('\n')}\n`, { createOnly: true });
  return target;
}
