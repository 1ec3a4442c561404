import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { importExport } from '../../src/importer/importer.js';
import { FsLake } from '../../src/lake/drivers/fs.js';
import { exportCutoff, exportEntries, exportZip } from '../../src/simulator/export.js';
import { World } from '../../src/simulator/world.js';
import { BIN, REPO, tempDir, wrapped } from '../support/helpers.js';

const SAMPLES = join(REPO, '..', 'shared', 'samples');
const START = new Date('2026-11-20T12:00:00Z');

function parsed(world: World, options: Parameters<typeof exportEntries>[1] = {}) {
  return new Map(
    exportEntries(world, options).map((e) => [e.name as string, JSON.parse(String(e.data))]),
  );
}

describe('simulator: the data export generator', () => {
  it('same seed, same bytes; another seed, another export', () => {
    const a = exportZip(new World({ seed: 'export', start: START }));
    const b = exportZip(new World({ seed: 'export', start: START }));
    const c = exportZip(new World({ seed: 'export-2', start: START }));
    assert.ok(a.equals(b));
    assert.ok(!a.equals(c));
  });

  it('uses the field names of the real samples, in each era', () => {
    const world = new World({ seed: 'export', start: START });
    const realNew = JSON.parse(
      readFileSync(
        join(
          SAMPLES,
          'extended-2026-a',
          'Spotify Extended Streaming History',
          'Streaming_History_Audio_2024.json',
        ),
        'utf8',
      ),
    );
    const realOld = JSON.parse(
      readFileSync(join(SAMPLES, 'extended-2022-endsong', 'endsong.json'), 'utf8'),
    );
    const realAccount = JSON.parse(
      readFileSync(join(SAMPLES, 'basic-2022', 'MyData', 'StreamingHistory0.json'), 'utf8'),
    );
    const modern = parsed(world);
    const extended = [...modern.entries()].find(([name]) =>
      name.includes('Streaming_History_Audio_'),
    )?.[1];
    assert.deepEqual(Object.keys(extended[0]), Object.keys(realNew[0]));
    const music = modern.get('Spotify Account Data/StreamingHistory_music_0.json');
    assert.deepEqual(Object.keys(music[0]), Object.keys(realAccount[0]));
    const old = parsed(world, { endsong: true });
    assert.deepEqual(Object.keys(old.get('MyData/endsong_0.json')[0]), Object.keys(realOld[0]));
    const middle = parsed(world, { fieldSet: '2024' });
    const keys2024 = Object.keys(
      [...middle.entries()].find(([n]) => n.includes('Streaming_History_Audio_'))?.[1][0],
    );
    assert.deepEqual(
      keys2024,
      Object.keys(realNew[0]).filter((k) => !k.startsWith('audiobook_')),
    );
    // The account data files are pretty-printed like Spotify's: "key" : value.
    const raw = String(
      exportEntries(world).find(
        (e) => e.name === 'Spotify Account Data/StreamingHistory_music_0.json',
      )?.data,
    );
    assert.match(raw, /^\[\n {2}\{\n {4}"endTime" : "\d{4}-\d{2}-\d{2} \d{2}:\d{2}",\n/);
  });

  it('holds exactly the ground truth up to two days before now', () => {
    const world = new World({ seed: 'export', start: START });
    const cutoff = exportCutoff(world.now);
    assert.equal(new Date(cutoff).toISOString(), '2026-11-18T00:00:00.000Z');
    const truth = world.streams(world.historyStart, cutoff);
    const files = parsed(world, { recordsPerFile: 4000 });
    const extended = [...files.entries()]
      .filter(([n]) => n.includes('Streaming_History_Audio_'))
      .flatMap(([, rows]) => rows);
    assert.ok(
      [...files.keys()].filter((n) => n.includes('Streaming_History_Audio_')).length > 1,
      'split into several files',
    );
    assert.deepEqual(
      extended.map((r: Record<string, unknown>) => [
        r.ts,
        r.spotify_track_uri ?? r.spotify_episode_uri,
        r.ms_played,
        r.incognito_mode,
      ]),
      truth.map((s) => [
        new Date(Math.floor(s.endedAt / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
        s.trackId ? `spotify:track:${s.trackId}` : `spotify:episode:${s.episodeId}`,
        s.msPlayed,
        s.private,
      ]),
    );
    const yearAgo = cutoff - 365 * 86_400_000;
    const lastYear = truth.filter((s) => s.endedAt >= yearAgo);
    const musicFiles = [...files.keys()]
      .filter((n) => /StreamingHistory_music_\d+\.json$/.test(n))
      .sort((a, b) => Number(/(\d+)\.json$/.exec(a)?.[1]) - Number(/(\d+)\.json$/.exec(b)?.[1]));
    const music = musicFiles.flatMap((n) => files.get(n) as Array<Record<string, unknown>>);
    assert.ok(musicFiles.length >= 2, 'a year of listening takes more than one file');
    assert.equal(
      (files.get(musicFiles[0] as string) as unknown[]).length,
      10_000,
      'files of 10,000 rows',
    );
    const expected = lastYear
      .filter((s) => s.contentType === 'track')
      .map((s) => {
        const track = world.catalog.track.get(s.trackId as string);
        return [
          new Date(s.endedAt).toISOString().slice(0, 16).replace('T', ' '),
          world.catalog.artist.get(track?.artistIds[0] ?? '')?.name,
          track?.name,
          s.msPlayed,
        ];
      });
    assert.deepEqual(
      music.map((r) => [r.endTime, r.artistName, r.trackName, r.msPlayed]),
      expected,
    );
  });

  it('imports cleanly: every file recognised, personal files skipped', async () => {
    const dir = await tempDir();
    const zip = join(dir, 'my_spotify_data.zip');
    await writeFile(zip, exportZip(new World({ seed: 'export', start: START })));
    const report = await importExport({ lake: new FsLake(join(dir, 'lake')), inputs: [zip] });
    assert.equal(report.ok, true);
    const kinds = report.inputs[0]?.files.map((f) => [
      f.path.split('/').pop(),
      f.status,
      f.kind ?? null,
    ]);
    assert.deepEqual(
      kinds?.filter(([, status]) => status === 'skipped').map(([name]) => name),
      ['Userdata.json', 'Identifiers.json'],
    );
    assert.deepEqual(
      new Set(kinds?.filter(([, status]) => status === 'landed').map(([, , kind]) => kind)),
      new Set(['extended_history', 'account_history', 'library', 'playlists']),
    );
  });

  it('wrapped simulate export writes the zip', async () => {
    const dir = await tempDir();
    const out = join(dir, 'my_spotify_data.zip');
    const result = await wrapped([
      'simulate',
      'export',
      '--out',
      out,
      '--seed',
      'export',
      '--start',
      START.toISOString(),
      '--json',
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).seed, 'export');
    assert.ok(readFileSync(out).equals(exportZip(new World({ seed: 'export', start: START }))));
    const bad = await wrapped(['simulate', 'export', '--out', out, '--field-set', '1999']);
    assert.equal(bad.code, 2);
  });
});

describe('wrapped simulate', () => {
  it('serves the accounts service and the Web API until interrupted', async () => {
    const child = spawn(
      process.execPath,
      [BIN, 'simulate', '--port', '0', '--seed', 'cli', '--start', START.toISOString(), '--json'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      const [line] = (await once(child.stdout, 'data')) as [Buffer];
      const info = JSON.parse(line.toString()) as { url: string; api_url: string; now: string };
      assert.equal(info.now, START.toISOString());
      assert.equal(info.api_url, `${info.url}/v1`);
      const unauthorised = await fetch(`${info.api_url}/me`);
      assert.equal(unauthorised.status, 401);
      const refused = await fetch(
        `${info.url}/authorize?client_id=wrapped-demo&response_type=code&redirect_uri=http://localhost:8888/callback`,
      );
      assert.equal(refused.status, 400);
    } finally {
      child.kill('SIGINT');
    }
    const [code] = (await once(child, 'close')) as [number];
    assert.equal(code, 130);
  });
});
