/**
 * Importing the real exports in ../shared/samples: kinds, field sets, record counts and date
 * ranges must equal what this test computes on its own, straight from the JSON files.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { describe, it } from 'node:test';
import { importExport } from '../src/importer/importer.js';
import { FsLake } from '../src/lake/drivers/fs.js';
import { makeZip } from '../src/simulator/zip-writer.js';
import { REPO, tempDir, wrapped } from './support/helpers.js';

const SAMPLES = join(REPO, '..', 'shared', 'samples');

interface Expected {
  kind: string;
  field_set: string | null;
  records: number;
  first_at: string | null;
  last_at: string | null;
}

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(folder, e.name)) : [join(folder, e.name)],
  );
}

/** Independent expectations: kind from the file name, field set from the keys, range from the values. */
function expectationFor(file: string): Expected {
  const data = JSON.parse(readFileSync(file, 'utf8'));
  const name = file.split(sep).pop() as string;
  if (/^(Streaming_History_(Audio|Video)_|endsong)/.test(name)) {
    const keys = new Set(data.flatMap((r: object) => Object.keys(r)));
    const fieldSet = keys.has('username')
      ? '2021-23'
      : keys.has('audiobook_uri')
        ? '2025-26'
        : '2024';
    const times = data.map((r: { ts: string }) => r.ts).sort();
    return {
      kind: 'extended_history',
      field_set: fieldSet,
      records: data.length,
      first_at: times[0],
      last_at: times.at(-1),
    };
  }
  if (/^StreamingHistory/.test(name)) {
    const times = data.map((r: { endTime: string }) => `${r.endTime.replace(' ', 'T')}:00Z`).sort();
    return {
      kind: 'account_history',
      field_set: 'account-legacy',
      records: data.length,
      first_at: times[0],
      last_at: times.at(-1),
    };
  }
  if (name === 'YourLibrary.json') {
    const records = Object.values(data).reduce(
      (n: number, v) => n + (Array.isArray(v) ? v.length : 0),
      0,
    );
    return { kind: 'library', field_set: null, records, first_at: null, last_at: null };
  }
  if (/^Playlist\d+\.json$/.test(name)) {
    return {
      kind: 'playlists',
      field_set: null,
      records: data.playlists.length,
      first_at: null,
      last_at: null,
    };
  }
  throw new Error(`no expectation for ${file}`);
}

const EXPORT_FOLDERS = ['extended-2026-a', 'extended-2022-endsong', 'basic-2022'];

describe('importing the real sample exports', () => {
  for (const folder of EXPORT_FOLDERS) {
    it(`${folder}: every file lands with the right kind, field set, count and date range`, async () => {
      const home = await tempDir();
      const lake = new FsLake(join(home, 'lake'));
      const root = join(SAMPLES, folder);
      const report = await importExport({ lake, inputs: [root] });
      assert.equal(report.ok, true);
      const files = filesUnder(root);
      assert.equal(report.totals.landed, files.length);
      const importId = report.inputs[0]?.import_id as string;
      for (const file of files) {
        const path = relative(root, file).split(sep).join('/');
        const got = report.inputs[0]?.files.find((f) => f.path === path);
        assert.ok(got, `${path} is in the report`);
        const { kind, field_set, records, first_at, last_at } = got;
        assert.deepEqual(
          { kind, field_set, records, first_at, last_at },
          expectationFor(file),
          path,
        );
        // Landed unchanged, byte for byte.
        assert.ok(
          (await lake.get(`raw/export/${importId}/${path}`)).equals(readFileSync(file)),
          `${path} landed unchanged`,
        );
      }
      const ledger = JSON.parse((await lake.get(`_loads/${importId}.json`)).toString());
      assert.equal(ledger.kind, 'import');
      assert.equal(ledger.files.length, files.length);
      assert.ok(ledger.files.every((f: { sha256: string }) => /^[0-9a-f]{64}$/.test(f.sha256)));
    });
  }

  it('tells video files from audio files and counts podcast rows', async () => {
    const lake = new FsLake(join(await tempDir(), 'lake'));
    const report = await importExport({
      lake,
      inputs: [join(SAMPLES, 'extended-2026-a')],
      dryRun: true,
    });
    const files = report.inputs[0]?.files ?? [];
    const video = files.filter((f) => f.media === 'video').map((f) => f.path.split('/').pop());
    assert.deepEqual(video, [
      'Streaming_History_Video_2023.json',
      'Streaming_History_Video_2026.json',
    ]);
    const episodes = files.reduce((n, f) => n + (f.content_types?.episode ?? 0), 0);
    const expected = filesUnder(join(SAMPLES, 'extended-2026-a')).reduce(
      (n, f) =>
        n +
        JSON.parse(readFileSync(f, 'utf8')).filter(
          (r: { spotify_episode_uri: string | null }) => r.spotify_episode_uri,
        ).length,
      0,
    );
    assert.equal(episodes, expected);
    assert.ok(expected > 0);
    // A dry run lands nothing at all.
    const left = [];
    for await (const entry of lake.list()) left.push(entry.path);
    assert.deepEqual(left, []);
  });

  it('a zip of the export imports the same; importing it again lands nothing and says so', async () => {
    const dir = await tempDir();
    const root = join(SAMPLES, 'extended-2026-a');
    const entries = filesUnder(root).map((f) => ({
      name: relative(root, f).split(sep).join('/'),
      data: readFileSync(f),
    }));
    entries.push({
      name: 'Userdata.json',
      data: Buffer.from('{"username":"sample-user","email":"x@example.org"}'),
    });
    entries.push({ name: 'Read Me First.pdf', data: Buffer.from('%PDF-1.4') });
    const zipPath = join(dir, 'my_spotify_data.zip');
    await writeFile(zipPath, makeZip(entries));
    const env = { WRAPPED_HOME: join(dir, 'home') };

    const first = await wrapped(['import', zipPath, '--json'], { env });
    assert.equal(first.code, 0, first.stderr);
    const report = JSON.parse(first.stdout);
    assert.equal(report.totals.landed, 6);
    assert.equal(report.totals.skipped, 2);
    const skipped = report.inputs[0].files.filter(
      (f: { status: string }) => f.status === 'skipped',
    );
    assert.match(
      skipped.find((f: { path: string }) => f.path === 'Userdata.json').reason,
      /personal details/,
    );
    assert.match(
      skipped.find((f: { path: string }) => f.path === 'Read Me First.pdf').reason,
      /not a file of the Spotify data export/,
    );
    const lake = new FsLake(join(dir, 'home', 'lake'));
    const landedPaths = [];
    for await (const e of lake.list('raw/')) landedPaths.push(e.path);
    assert.equal(landedPaths.length, 6);
    assert.ok(landedPaths.every((p) => !p.includes('Userdata')));

    const second = await wrapped(['import', zipPath, '--json'], { env });
    assert.equal(second.code, 0);
    const again = JSON.parse(second.stdout);
    assert.equal(again.totals.landed, 0);
    assert.equal(again.totals.already_imported, 6);
    assert.equal(again.inputs[0].import_id, null);
    const text = await wrapped(['import', zipPath], { env });
    assert.match(
      text.stdout,
      /0 files landed \(0 records\), 6 already imported, 2 skipped, 0 failed/,
    );
    const after = [];
    for await (const e of lake.list('raw/')) after.push(e.path);
    assert.deepEqual(after, landedPaths);
  });

  it('a larger export that contains an earlier one lands only its new files', async () => {
    const dir = await tempDir();
    const lake = new FsLake(join(dir, 'lake'));
    const root = join(SAMPLES, 'extended-2026-a', 'Spotify Extended Streaming History');
    const early = join(dir, 'early');
    const later = join(dir, 'later');
    const names = readdirSync(root).sort();
    for (const [folder, subset] of [
      [early, names.slice(0, 3)],
      [later, names],
    ] as const) {
      for (const name of subset) {
        const { mkdirSync, copyFileSync } = await import('node:fs');
        mkdirSync(folder, { recursive: true });
        copyFileSync(join(root, name), join(folder, name));
      }
    }
    const first = await importExport({ lake, inputs: [early] });
    assert.equal(first.totals.landed, 3);
    const second = await importExport({ lake, inputs: [later] });
    assert.equal(second.totals.already_imported, 3);
    assert.equal(second.totals.landed, names.length - 3);
    assert.ok(statSync(join(dir, 'lake', '_loads')).isDirectory());
  });
});
