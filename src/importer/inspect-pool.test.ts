import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ExportFile, type InspectOptions, inspectFile } from './inspect.js';
import { InspectPool } from './inspect-pool.js';

const PATH = 'Spotify Extended Streaming History/Streaming_History_Audio_2024_0.json';

function record(i: number): Record<string, unknown> {
  return {
    ts: `2024-03-${String(1 + (i % 28)).padStart(2, '0')}T10:${String(i % 60).padStart(2, '0')}:00Z`,
    platform: 'android',
    ms_played: 1000 * i,
    conn_country: 'DE',
    master_metadata_track_name: `Song ${i} "quoted" \\ back`,
    master_metadata_album_artist_name: 'Ärtist',
    master_metadata_album_album_name: 'Album',
    spotify_track_uri: `spotify:track:${String(i).padStart(22, '0')}`,
    episode_name: null,
    episode_show_name: null,
    spotify_episode_uri: null,
    reason_start: 'trackdone',
    reason_end: 'trackdone',
    shuffle: i % 2 === 0,
    skipped: false,
    offline: false,
    offline_timestamp: null,
    incognito_mode: false,
  };
}

/** An export file of `count` records, read in chunks of `chunk` bytes; `throwAt` fails the read there. */
function fileOf(text: string, chunk = 4096, throwAt?: number): ExportFile {
  const bytes = Buffer.from(text);
  return {
    path: PATH,
    size: bytes.length,
    open: async () =>
      (async function* () {
        for (let i = 0; i < bytes.length; i += chunk) {
          if (throwAt !== undefined && i >= throwAt)
            throw new Error('invalid stored block lengths');
          yield bytes.subarray(i, i + chunk);
        }
      })(),
  };
}

const records = (count: number) => Array.from({ length: count }, (_, i) => record(i));
const good = JSON.stringify(records(3000), null, 1);
/** Record 2,100 has a negative ms_played. */
const badRecord = JSON.stringify(
  records(3000).map((r, i) => (i === 2100 ? { ...r, ms_played: -5 } : r)),
);

/** What the pool says of a file, and what the main thread alone says of it. */
async function both(file: ExportFile, options: InspectOptions = {}) {
  const pool = new InspectPool(1, 0);
  const sunk: Buffer[] = [];
  try {
    const pooled = await pool.inspect(file, {
      ...options,
      sink: async (chunk) => {
        sunk.push(Buffer.from(chunk));
      },
    });
    const alone = await inspectFile(file, options);
    return { pooled, alone, sunk: Buffer.concat(sunk) };
  } finally {
    await pool.close();
  }
}

describe('InspectPool: a worker thread checks a file as the main thread would', () => {
  it('measures a good file alike, hashes it alike, and hands every byte to the sink in order', async () => {
    const { pooled, alone, sunk } = await both(fileOf(good));
    assert.equal(alone.status, 'ok');
    assert.deepEqual(pooled, alone);
    assert.equal(sunk.toString(), good);
  });

  it('fails a file on the same record with the same message', async () => {
    const { pooled, alone } = await both(fileOf(badRecord));
    assert.equal(alone.status, 'failed');
    assert.match(alone.status === 'failed' ? alone.error : '', /^record 2100 at byte \d+: /);
    assert.deepEqual(pooled, alone);
  });

  it('refuses the same records with --skip-bad, and keeps the others', async () => {
    const { pooled, alone } = await both(fileOf(badRecord), { skipBad: true });
    assert.equal(alone.status === 'ok' && alone.refused.length, 1);
    assert.deepEqual(pooled, alone);
  });

  it('tells a truncated file and a damaged read alike', async () => {
    const truncated = await both(fileOf(good.slice(0, 150_000)));
    assert.equal(truncated.alone.status, 'failed');
    assert.deepEqual(truncated.pooled, truncated.alone);
    const damaged = await both(fileOf(good, 4096, 200_000));
    assert.match(
      damaged.alone.status === 'failed' ? damaged.alone.error : '',
      /damaged in the zip/,
    );
    assert.deepEqual(damaged.pooled, damaged.alone);
  });

  it('reports records read as it goes, and reuses its worker for the next file', async () => {
    const pool = new InspectPool(1, 0);
    try {
      let counted = 0;
      const first = await pool.inspect(fileOf(good), { onRecords: (n) => (counted += n) });
      assert.equal(counted, 3000);
      const second = await pool.inspect(fileOf(badRecord), {});
      assert.equal(first.status, 'ok');
      assert.equal(second.status, 'failed');
    } finally {
      await pool.close();
    }
  });
});
