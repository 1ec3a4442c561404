import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type JsonRecord, JsonShapeError, readRecordBatches } from './json-records.js';

async function* chunked(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function read(bytes: Buffer, size = 64 * 1024) {
  const out = [];
  for await (const batch of readRecordBatches(chunked(bytes, size))) out.push(...batch);
  return out;
}

describe('streaming JSON records', () => {
  const records = [
    { ts: '2024-01-01T00:00:00Z', name: 'brace } and bracket ] in a string', n: 1 },
    {
      ts: '2024-01-01T00:00:01Z',
      name: 'escaped \\" quote and \\\\ backslash',
      nested: { a: [1, { b: 2 }] },
    },
    { ts: '2024-01-01T00:00:02Z', name: 'ünïcödé 日本語 🎵', n: null },
  ];
  const text = Buffer.from(
    `\ufeff[\n  ${records.map((r) => JSON.stringify(r, null, 1)).join(' ,\n')}\n]\n`,
  );

  it('gives the same records and offsets however the bytes are split', async () => {
    const whole = await read(text);
    assert.deepEqual(
      whole.map((r) => r.value),
      records,
    );
    for (const r of whole) assert.equal(text[r.offset], 0x7b, 'offset points at the record');
    for (let size = 1; size <= 40; size++)
      assert.deepEqual(await read(text, size), whole, `chunks of ${size}`);
  });

  it('reads an empty array and keeps memory per record, not per file', async () => {
    assert.deepEqual(await read(Buffer.from(' [ ] ')), []);
    const many = Buffer.from(
      `[${Array.from({ length: 50_000 }, (_, i) => `{"i":${i}}`).join(',')}]`,
    );
    let count = 0;
    let batches = 0;
    for await (const batch of readRecordBatches(chunked(many, 4096))) {
      count += batch.length;
      batches++;
    }
    assert.equal(count, 50_000);
    assert.ok(batches > 10, 'records arrive in many small batches as the bytes stream in');
  });

  it('names the position of every kind of damage', async () => {
    const cases: Array<[string, RegExp]> = [
      ['', /is empty \(0 bytes\)/],
      ['   ', /only whitespace/],
      ['{"ts":1}', /expected a JSON array of records, found an object/],
      ['[{"a":1},{"a":', /ends early \(truncated\): record 1 starting at byte 9 is incomplete/],
      ['[{"a":1}', /ends early \(truncated\) at byte 8: the array is never closed/],
      ['[{"a":1},]', /a comma before "\]" at byte 9/],
      ['[{"a":1} {"a":2}]', /expected "," or "\]" after record 0, at byte 9/],
      ['[{"a":1}, 7]', /record 1 at byte 10 is not an object/],
      ['[{"a":1}] trailing', /unexpected data after the closing "\]" at byte 10/],
    ];
    for (const [input, message] of cases) {
      await assert.rejects(
        read(Buffer.from(input)),
        (e: unknown) => e instanceof JsonShapeError && message.test(e.message),
        input,
      );
    }
  });

  it('a record that is bad on its own is named, and the records after it are still read', async () => {
    const huge = `{"a":"${'x'.repeat(5000)}"}`;
    const input = Buffer.concat([
      Buffer.from(`[{"a":nope}, {"a":1,"b":2,"a":3}, {"n":{"a":1,"a":2}}, ${huge}, `),
      Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]), // {"a":"\xff"}
      Buffer.from(', {"ok":true}]'),
    ]);
    for (const size of [3, 64, 100_000]) {
      const records: JsonRecord[] = [];
      for await (const batch of readRecordBatches(chunked(input, size), 1000))
        records.push(...batch);
      assert.deepEqual(
        records.map((r) => r.problem ?? r.value),
        [
          /is not valid JSON/,
          'has the key "a" twice',
          { n: { a: 2 } }, // only top-level keys are counted: no model reads a stream record's nested values
          'is 5,008 bytes long; a record may be at most 1,000 bytes',
          'is not valid UTF-8 text',
          { ok: true },
        ].map((expected, i) =>
          expected instanceof RegExp && expected.test(String(records[i]?.problem))
            ? records[i]?.problem
            : expected,
        ),
        `chunks of ${size}`,
      );
      assert.equal(records[3]?.bytes.length, 0, 'a record over the limit is not kept');
    }
  });
});
