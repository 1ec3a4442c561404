import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Warehouse } from '../warehouse/engine.js';
import {
  ACCOUNT_COLUMNS,
  ACCOUNT_STREAM_KEY_SQL,
  accountStreamKey,
  EXTENDED_COLUMNS,
  EXTENDED_STREAM_KEY_SQL,
  extendedStreamKey,
} from './natural-key.js';

const SAMPLES = fileURLToPath(new URL('../../../shared/samples/', import.meta.url));
const EXT_2026 = join(
  SAMPLES,
  'extended-2026-a',
  'Spotify Extended Streaming History',
  'Streaming_History_Audio_2024.json',
);
const ENDSONG = join(SAMPLES, 'extended-2022-endsong', 'endsong.json');
const ACCOUNT = join(SAMPLES, 'basic-2022', 'MyData', 'StreamingHistory0.json');

describe('natural keys of export streams', () => {
  it('are the same in TypeScript and in SQL, on real samples of every field set', async () => {
    const warehouse = await Warehouse.open({ file: ':memory:', timezone: 'UTC' });
    try {
      for (const [file, tsKey, sqlKey, columns] of [
        [EXT_2026, extendedStreamKey, EXTENDED_STREAM_KEY_SQL, EXTENDED_COLUMNS],
        [ENDSONG, extendedStreamKey, EXTENDED_STREAM_KEY_SQL, EXTENDED_COLUMNS],
        [ACCOUNT, accountStreamKey, ACCOUNT_STREAM_KEY_SQL, ACCOUNT_COLUMNS],
      ] as const) {
        const rows = JSON.parse(readFileSync(file, 'utf8')) as Array<Record<string, unknown>>;
        const expected = rows.map(tsKey);
        const { rows: got } = await warehouse.query(
          `SELECT ${sqlKey} AS k FROM read_json(?, format = 'array', columns = ${columns})`,
          [file],
        );
        assert.deepEqual(
          got.map((r) => r.k),
          expected,
          file,
        );
      }
    } finally {
      warehouse.close();
    }
  });

  it('ignore the export era: the same stream in a 2022 and a 2026 export has one key', () => {
    const old = JSON.parse(readFileSync(ENDSONG, 'utf8'))[0] as Record<string, unknown>;
    const { username: _u, ip_addr_decrypted, user_agent_decrypted: _ua, ...rest } = old;
    const modern = {
      ...rest,
      ip_addr: ip_addr_decrypted,
      platform: 'android',
      audiobook_title: null,
      audiobook_uri: null,
      audiobook_chapter_uri: null,
      audiobook_chapter_title: null,
    };
    assert.equal(extendedStreamKey(modern), extendedStreamKey(old));
  });

  it('collapse exact duplicates and keep rows that share ts but differ in content', () => {
    const rows = JSON.parse(readFileSync(EXT_2026, 'utf8')) as Array<Record<string, unknown>>;
    const row = rows[0] as Record<string, unknown>;
    assert.equal(extendedStreamKey({ ...row }), extendedStreamKey(row));
    assert.notEqual(
      extendedStreamKey({ ...row, ms_played: (row.ms_played as number) + 1 }),
      extendedStreamKey(row),
    );
    assert.notEqual(
      extendedStreamKey({ ...row, spotify_track_uri: 'spotify:track:other' }),
      extendedStreamKey(row),
    );
    // Rows with every metadata field null are told apart by time and duration.
    const blank = {
      ts: '2024-01-01T00:00:00Z',
      ms_played: 5,
      spotify_track_uri: null,
      master_metadata_track_name: null,
    };
    assert.notEqual(extendedStreamKey(blank), extendedStreamKey({ ...blank, ms_played: 6 }));
  });
});
