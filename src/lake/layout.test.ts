import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LakeConflictError, LakePathError } from '../errors.js';
import { FsLake } from './drivers/fs.js';
import { layout } from './layout.js';
import { type LedgerEntry, LoadLedger } from './ledger.js';
import { isLoadId, loadIdTime, newLoadId } from './load-id.js';

describe('load ids', () => {
  it('sort by creation time, even within one millisecond, and never repeat', () => {
    const at = new Date('2026-11-24T02:06:33.123Z');
    const ids = Array.from({ length: 1000 }, () => newLoadId(at));
    assert.equal(new Set(ids).size, 1000);
    assert.deepEqual([...ids].sort(), ids);
    const later = newLoadId(new Date('2026-11-24T02:06:33.124Z'));
    assert.ok(later > (ids.at(-1) as string));
    assert.ok(ids.every(isLoadId));
    assert.match(ids[0] as string, /^20261124T020633123Z-[0-9a-z]{10}$/);
    assert.equal(loadIdTime(ids[0] as string).toISOString(), at.toISOString());
  });

  it('differ between processes made in the same millisecond', () => {
    const moment = '2030-01-01T00:00:00.000Z';
    const script = `import { newLoadId } from ${JSON.stringify(new URL('./load-id.ts', import.meta.url).href)}; console.log(newLoadId(new Date('${moment}')))`;
    const inOtherProcess = () =>
      execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        encoding: 'utf8',
      }).trim();
    const ids = [inOtherProcess(), inOtherProcess(), newLoadId(new Date(moment))];
    assert.ok(
      ids.every((id) => id.startsWith('20300101T000000000Z-')),
      ids.join(' '),
    );
    assert.equal(new Set(ids).size, 3);
  });
});

describe('lake layout', () => {
  const id = '20261124T020633123Z-0123456789';
  it('puts raw API responses under raw/spotify/<resource>/dt=<UTC date>/<load_id>.json', () => {
    // 23:30 in New York on the 23rd is already the 24th in UTC: paths use UTC.
    assert.equal(
      layout.rawSpotify('recently_played', new Date('2026-11-23T23:30:00-05:00'), id),
      `raw/spotify/recently_played/dt=2026-11-24/${id}.json`,
    );
    assert.equal(
      layout.rawExport(id, 'Spotify Extended Streaming History/Streaming_History_Audio_2024.json'),
      `raw/export/${id}/Spotify Extended Streaming History/Streaming_History_Audio_2024.json`,
    );
    assert.equal(layout.ledger(id), `_loads/${id}.json`);
  });

  it('refuses names that would break the layout', () => {
    assert.throws(() => layout.rawSpotify('../x', new Date(), id), /resource name/);
    assert.throws(() => layout.ledger('not-a-load-id'), /not a load id/);
    assert.throws(() => layout.rawExport(id, '../../escape.json'), LakePathError);
  });
});

describe('load ledger', () => {
  it('records each load once and reads them back oldest first', async () => {
    const lake = new FsLake(join(await mkdtemp(join(tmpdir(), 'wrapped-ledger-')), 'lake'));
    const ledger = new LoadLedger(lake);
    const entry = (loadId: string): LedgerEntry => ({
      load_id: loadId,
      kind: 'extract',
      source: 'recently_played',
      status: 'ok',
      started_at: '2026-11-24T02:00:00.000Z',
      finished_at: '2026-11-24T02:00:01.000Z',
      files: [
        { path: `raw/spotify/recently_played/dt=2026-11-24/${loadId}.json`, bytes: 10, records: 3 },
      ],
      counts: { plays: 3 },
    });
    const second = newLoadId(new Date('2026-11-24T03:00:00Z'));
    const first = newLoadId(new Date('2026-11-24T02:00:00Z'));
    await ledger.record(entry(second));
    await ledger.record(entry(first));
    await assert.rejects(ledger.record({ ...entry(first), status: 'failed' }), LakeConflictError);
    const all = [];
    for await (const e of ledger.entries()) all.push(e.load_id);
    assert.deepEqual(all, [first, second]);
    assert.equal((await ledger.get(first))?.status, 'ok');
    assert.equal(await ledger.get(newLoadId()), undefined);

    await lake.put(`_loads/${newLoadId()}.json`, '{"load_id": ');
    await assert.rejects(async () => {
      for await (const _ of ledger.entries());
    }, /is not valid JSON/);
  });
});
