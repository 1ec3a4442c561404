import assert from 'node:assert/strict';
import { mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FsLake } from '../lake/drivers/fs.js';
import { type LedgerEntry, LoadLedger } from '../lake/ledger.js';
import { Warehouse } from './engine.js';
import { readLedgerSummaries, summarize } from './ledger-index.js';

const entry = (n: number, extra: Partial<LedgerEntry> = {}): LedgerEntry => ({
  load_id: `20261203T1${String(n).padStart(5, '0')}000Z-a${String(n).padStart(9, '0')}`,
  kind: 'extract',
  source: 'recently_played',
  status: 'ok',
  started_at: '2026-12-03T10:00:00.000Z',
  finished_at: `2026-12-03T10:00:${String(n % 60).padStart(2, '0')}.000Z`,
  files: [{ path: `raw/spotify/recently_played/${n}.json`, bytes: 10, kind: 'page' }],
  counts: { plays: n },
  ...extra,
});

/** A folder lake that counts the ledger entries read from it. */
async function countingLake() {
  const root = await mkdtemp(join(tmpdir(), 'wrapped-ledger-index-'));
  const lake = new FsLake(root);
  const reads: string[] = [];
  const get = lake.get.bind(lake);
  lake.get = (path: string) => {
    if (path.startsWith('_loads/')) reads.push(path);
    return get(path);
  };
  return { root, lake, reads, ledger: new LoadLedger(lake) };
}

/** What reading every entry gives, summarized: what the index must give too. */
async function readDirectly(ledger: LoadLedger) {
  const all = [];
  for await (const e of ledger.entries()) all.push(summarize(e));
  return all;
}

describe('the ledger index', () => {
  it('a build reads each ledger entry once; later builds read only the new ones', async () => {
    const { root, lake, reads, ledger } = await countingLake();
    const warehouse = await Warehouse.open({ file: ':memory:', timezone: 'UTC' });
    try {
      for (let n = 1; n <= 40; n++) await ledger.record(entry(n));
      await ledger.record(entry(41, { kind: 'import', source: 'export', listener_id: 'anna' }));
      const expected = await readDirectly(ledger);
      reads.length = 0;

      assert.deepEqual(await readLedgerSummaries(lake, warehouse), expected);
      assert.equal(reads.length, 41);
      reads.length = 0;
      assert.deepEqual(await readLedgerSummaries(lake, warehouse), expected);
      assert.deepEqual(reads, []);

      await ledger.record(entry(42));
      reads.length = 0;
      const withNew = await readLedgerSummaries(lake, warehouse);
      assert.deepEqual(reads, [`_loads/${entry(42).load_id}.json`]);
      assert.deepEqual(withNew, await readDirectly(ledger));
    } finally {
      warehouse.close();
      await rm(root, { recursive: true, force: true });
    }
  });

  it('forgets an entry the lake no longer holds, and reads again one that changed', async () => {
    const { root, lake, reads, ledger } = await countingLake();
    const warehouse = await Warehouse.open({ file: ':memory:', timezone: 'UTC' });
    try {
      for (let n = 1; n <= 3; n++) await ledger.record(entry(n));
      await readLedgerSummaries(lake, warehouse);

      await lake.delete(`_loads/${entry(2).load_id}.json`);
      // Rewritten by hand (entries are never edited by the product): other bytes, other time.
      const changed = `_loads/${entry(3).load_id}.json`;
      await lake.put(changed, JSON.stringify(entry(3, { source: 'top' })));
      await utimes(join(root, changed), new Date('2026-12-04'), new Date('2026-12-04'));
      reads.length = 0;
      const summaries = await readLedgerSummaries(lake, warehouse);
      assert.deepEqual(
        summaries.map((s) => [s.load_id, s.source]),
        [
          [entry(1).load_id, 'recently_played'],
          [entry(3).load_id, 'top'],
        ],
      );
      assert.deepEqual(reads, [changed]);
      // A fresh warehouse (HOME deleted) reads the ledger again and gives the same.
      const fresh = await Warehouse.open({ file: ':memory:', timezone: 'UTC' });
      try {
        assert.deepEqual(await readLedgerSummaries(lake, fresh), summaries);
      } finally {
        fresh.close();
      }
    } finally {
      warehouse.close();
      await rm(root, { recursive: true, force: true });
    }
  });

  it('a damaged entry is named, as when the ledger is read directly', async () => {
    const { root, lake } = await countingLake();
    const warehouse = await Warehouse.open({ file: ':memory:', timezone: 'UTC' });
    try {
      await lake.put('_loads/20261203T100000000Z-damaged001.json', '{"load_id": ');
      await assert.rejects(
        readLedgerSummaries(lake, warehouse),
        /Ledger entry _loads\/20261203T100000000Z-damaged001\.json is not valid JSON/,
      );
    } finally {
      warehouse.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});
