/** Deterministic content for large-write tests: chunk i is filled with a pattern derived from i. */
export const CHUNK_BYTES = 1024 * 1024;

export function chunkFor(index: number): Uint8Array {
  const chunk = Buffer.alloc(CHUNK_BYTES);
  const header = Buffer.from(`chunk ${index} `);
  for (let offset = 0; offset < CHUNK_BYTES; offset += header.length) header.copy(chunk, offset);
  return chunk;
}

export function expectedContent(chunks: number): Buffer {
  return Buffer.concat(Array.from({ length: chunks }, (_, i) => chunkFor(i)));
}
