import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { makeZip, type ZipEntrySpec } from '../simulator/zip-writer.js';
import { openExportZip } from './zip.js';

const dir = mkdtempSync(join(tmpdir(), 'wrapped-zip-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** 3 MB of varied text: several of the 1 MiB chunks an entry is inflated in. */
const big = Buffer.from(
  Array.from({ length: 60_000 }, (_, i) => `{"ts":"2024-01-01T00:00:00Z","n":${i * 7919}}`).join(
    '\n',
  ),
);

async function readEntries(entries: ZipEntrySpec[]) {
  const path = join(dir, `${entries.map((e) => e.name).join('+')}.zip`);
  writeFileSync(path, makeZip(entries));
  const zip = await openExportZip(path, 'test.zip');
  try {
    const read: Array<{ path: string; bytes?: Buffer; error?: string }> = [];
    for (const file of zip.files) {
      const chunks: Buffer[] = [];
      try {
        for await (const chunk of await file.open()) chunks.push(Buffer.from(chunk));
        read.push({ path: file.path, bytes: Buffer.concat(chunks) });
      } catch (error) {
        read.push({ path: file.path, error: (error as Error).message });
      }
    }
    return read;
  } finally {
    zip.close();
  }
}

describe('openExportZip: reading entries', () => {
  it('gives a deflated entry of several MB, and a stored one, byte for byte', async () => {
    const [deflated, stored] = await readEntries([
      { name: 'a.json', data: big, method: 'deflate' },
      { name: 'b.json', data: big, method: 'store' },
    ]);
    assert.ok(deflated?.bytes?.equals(big), deflated?.error);
    assert.ok(stored?.bytes?.equals(big), stored?.error);
  });

  it('fails an entry that unpacks to more or fewer bytes than its header says', async () => {
    const [more, fewer] = await readEntries([
      { name: 'more.json', data: big, method: 'deflate', declaredSize: 1000 },
      { name: 'fewer.json', data: big, method: 'deflate', declaredSize: big.length + 1 },
    ]);
    assert.match(more?.error ?? '', /^too many bytes in the stream\. expected 1000\./);
    assert.match(fewer?.error ?? '', /^not enough bytes in the stream\./);
  });
});
