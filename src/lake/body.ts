import type { Readable } from 'node:stream';

/** Helpers for lake bodies that object-store drivers share (they never import each other). */

/**
 * Reads a body until it ends or passes `limit` bytes. Returns the bytes read, and when the body
 * goes on, an iterable of everything (those bytes first, then the rest, still streaming).
 */
export async function readAhead(
  body: Readable | AsyncIterable<Uint8Array>,
  limit: number,
): Promise<{ head: Buffer; rest: AsyncIterable<Uint8Array> | undefined }> {
  const iterator = body[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  const chunks: Buffer[] = [];
  let size = 0;
  while (size <= limit) {
    const next = await iterator.next();
    if (next.done) return { head: Buffer.concat(chunks), rest: undefined };
    const chunk = Buffer.from(next.value);
    chunks.push(chunk);
    size += chunk.length;
  }
  async function* rest(): AsyncGenerator<Uint8Array> {
    yield* chunks;
    for (let next = await iterator.next(); !next.done; next = await iterator.next())
      yield next.value;
  }
  return { head: Buffer.alloc(0), rest: rest() };
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The Content-Type a lake file is stored with (Power BI and browsers read it). */
export function contentTypeOf(path: string): string {
  if (path.endsWith('.json')) return 'application/json';
  if (path.endsWith('.parquet')) return 'application/vnd.apache.parquet';
  return 'application/octet-stream';
}
