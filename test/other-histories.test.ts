/**
 * Last.fm and ListenBrainz histories beside Spotify's: each real play once. The expected figures
 * are worked out here from the files themselves (which scrobble was made from which Spotify
 * stream), never from the product's SQL.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { makeZip } from '../src/simulator/zip-writer.js';
import { queryRows, REPO, tempDir, wrapped } from './support/helpers.js';
import {
  lastfmCsv,
  musicStreams,
  type StreamRecord,
  scrobbledStreams,
} from './support/lastfm-export.js';

const SAMPLES = join(REPO, '..', 'shared', 'samples');
const LISTENS = join(REPO, 'test', 'fixtures', 'listens');
const EXTENDED = join(SAMPLES, 'extended-2026-a', 'Spotify Extended Streaming History');

/** Every file under the lake's raw/ and _quarantine/ folders. */
async function lakeFiles(lake: string): Promise<string[]> {
  const found: string[] = [];
  for (const folder of ['raw', '_quarantine']) {
    const entries = await readdir(join(lake, folder), {
      recursive: true,
      withFileTypes: true,
    }).catch(() => []);
    for (const e of entries) if (e.isFile()) found.push(join(e.parentPath, e.name));
  }
  return found;
}

describe('other histories: Last.fm and ListenBrainz beside Spotify', () => {
  it('a Last.fm export overlapping the extended history by a month counts no play twice', async () => {
    const home = await tempDir();
    const env = { WRAPPED_HOME: home, WRAPPED_TIMEZONE: 'UTC' };
    const music = musicStreams(EXTENDED);
    const last = music.at(-1) as StreamRecord;
    // The listener scrobbled to Last.fm from May 2026, the last month of the extended history,
    // on (scrobbledStreams: what Spotify sends to Last.fm), each stamped with when it began.
    // Names as Last.fm keeps them differ a little (case, punctuation).
    const overlap = scrobbledStreams(music.filter((r) => r.ts >= '2026-05-01'));
    // And a month after the history ends: April's songs again, 61 days later, Last.fm only.
    const after = scrobbledStreams(
      music.filter((r) => r.ts >= '2026-04-01' && r.ts < '2026-05-01'),
    ).map((r) => ({ ...r, ts: new Date(Date.parse(r.ts) + 61 * 86_400_000).toISOString() }));
    assert.ok(Date.parse(after[0]?.ts as string) > Date.parse(last.ts) + 3_600_000);
    const lastfm = join(home, 'scrobbles.csv');
    await writeFile(lastfm, lastfmCsv([...overlap, ...after]));

    // Spotify's history first, built; then Last.fm's, built on top (an incremental build).
    assert.equal((await wrapped(['import', join(SAMPLES, 'extended-2026-a')], { env })).code, 0);
    assert.equal((await wrapped(['transform'], { env })).code, 0);
    const imported = await wrapped(['import', lastfm, '--json'], { env });
    assert.equal(imported.code, 0, imported.stderr);
    const report = JSON.parse(imported.stdout);
    assert.equal(report.inputs[0].files[0].kind, 'lastfm_scrobbles');
    assert.equal(report.inputs[0].files[0].records, overlap.length + after.length);
    const built = await wrapped(['transform'], { env });
    assert.equal(built.code, 0, built.stderr);
    const everyPlay =
      'SELECT play_id, ended_at, track_key, ms_played, source FROM silver.fct_play ORDER BY play_id';
    const incremental = await queryRows(everyPlay, env);
    const checked = await wrapped(['check'], { env });
    assert.equal(checked.code, 0, checked.stdout);
    assert.equal((await wrapped(['transform', '--full-refresh'], { env })).code, 0);
    assert.deepEqual(
      await queryRows(everyPlay, env),
      incremental,
      'a whole build gives the same plays',
    );

    const sources = await queryRows(
      "SELECT source, count(*) AS n FROM silver.fct_play WHERE content_type = 'track' GROUP BY source ORDER BY source",
      env,
    );
    const n = (source: string) => Number(sources.find((s) => s.source === source)?.n ?? 0);
    console.log(
      `matched ${n('export_extended+lastfm')} of ${overlap.length} scrobbles in the overlap; ${n('lastfm')} Last.fm-only plays`,
    );
    // Every scrobble of the overlap is one of Spotify's streams, and nothing else is.
    assert.equal(n('export_extended+lastfm'), overlap.length);
    assert.equal(n('lastfm'), after.length);
    assert.equal(n('export_extended'), music.length - overlap.length);
    // Coverage: May is seen by the export and Last.fm, June by Last.fm alone.
    const coverage = await queryRows(
      "SELECT strftime(day, '%Y-%m') AS month, bool_or(has_export_extended) AS spotify, bool_or(has_lastfm) AS lastfm FROM gold.coverage_daily WHERE day >= DATE '2026-05-02' AND day < DATE '2026-07-01' AND minutes_real + minutes_estimated > 0 GROUP BY 1 ORDER BY 1",
      env,
    );
    assert.deepEqual(
      coverage.map((c) => [c.month, c.spotify, c.lastfm]),
      [
        ['2026-05', true, true],
        ['2026-06', false, true],
      ],
    );
    // The figures a listener sees: plays per month, Spotify's alone until May, Last.fm's in
    // June (a Last.fm-only play ends 3.5 minutes after the minute it began).
    const expected = new Map<string, number>();
    const count = (month: string) => expected.set(month, (expected.get(month) ?? 0) + 1);
    for (const r of music) if (r.ts >= '2026-04' && r.ms_played >= 30_000) count(r.ts.slice(0, 7));
    for (const r of after) {
      const began = Math.floor((Date.parse(r.ts) - r.ms_played) / 60_000) * 60_000;
      count(new Date(began + 210_000).toISOString().slice(0, 7));
    }
    const months = await queryRows(
      "SELECT strftime(day, '%Y-%m') AS month, sum(plays) AS plays FROM gold.agg_daily_listening WHERE day >= DATE '2026-04-01' GROUP BY 1 ORDER BY 1",
      env,
    );
    assert.deepEqual(
      months.map((m) => [m.month, Number(m.plays)]),
      [...expected.entries()].sort(),
    );
  });

  it('a bad listen lands nothing, names the file, line and field; --skip-bad lands the rest', async () => {
    const home = await tempDir();
    const env = { WRAPPED_HOME: home, WRAPPED_TIMEZONE: 'UTC' };
    const bad = join(home, 'listens.jsonl');
    const good = readFileSync(join(LISTENS, 'listenbrainz.jsonl'), 'utf8');
    await writeFile(
      bad,
      `${good}{"listened_at": 1780341000, "track_metadata": {"artist_name": "A", "track_name": 42}}\n`,
    );
    const refused = await wrapped(['import', join(LISTENS, 'lastfm-header.csv'), bad], { env });
    assert.equal(refused.code, 1);
    assert.match(
      refused.stdout,
      /listens\.jsonl: line 4 at byte \d+: "track_metadata\.track_name" is 42; expected a name/,
    );
    assert.deepEqual(
      await lakeFiles(join(home, 'lake')),
      [],
      'nothing landed, not even the good file',
    );

    const skipped = await wrapped(['import', bad, '--skip-bad', '--json'], { env });
    assert.equal(skipped.code, 0, skipped.stderr);
    const file = JSON.parse(skipped.stdout).inputs[0].files[0];
    assert.deepEqual([file.status, file.records, file.refused], ['landed', 3, 1]);
    // The file lands as given; its good listens are what the build reads.
    assert.equal(
      readFileSync(join(home, 'lake', file.lake_path), 'utf8'),
      readFileSync(bad, 'utf8'),
    );
    assert.equal((await wrapped(['transform'], { env })).code, 0);
    const [count] = await queryRows('SELECT count(*) AS n FROM bronze.stg_listens', env);
    assert.equal(Number(count?.n), 3);
  });

  it("a ListenBrainz export zip: its listens land, the export's other files are skipped", async () => {
    const home = await tempDir();
    const env = { WRAPPED_HOME: home, WRAPPED_TIMEZONE: 'UTC' };
    const zip = join(home, 'listenbrainz_example.zip');
    await writeFile(
      zip,
      makeZip([
        { name: 'user.json', data: '{"user_id": 1, "username": "example"}' },
        {
          name: 'feedback.jsonl',
          data: '{"recording_msid": "3d5e2a41-8a0e-4a53-b0a4-52c3e77c2b02", "score": 1, "created": 1780341000}\n',
        },
        { name: 'listens/2026/6.jsonl', data: readFileSync(join(LISTENS, 'listenbrainz.jsonl')) },
      ]),
    );
    const imported = await wrapped(['import', zip, '--json'], { env });
    assert.equal(imported.code, 0, imported.stdout);
    const files = JSON.parse(imported.stdout).inputs[0].files as Array<{
      path: string;
      status: string;
      kind?: string;
      records?: number;
    }>;
    assert.deepEqual(
      files.map((f) => [f.path, f.status, f.kind ?? null, f.records ?? null]).sort(),
      [
        ['feedback.jsonl', 'skipped', null, null],
        ['listens/2026/6.jsonl', 'landed', 'listenbrainz_listens', 3],
        ['user.json', 'skipped', null, null],
      ],
    );
  });

  it('two listens files imported together: each is marked imported under its own content hash', async () => {
    const home = await tempDir();
    const env = { WRAPPED_HOME: home, WRAPPED_TIMEZONE: 'UTC' };
    const given = ['listenbrainz.jsonl', 'lastfm-header.csv'];
    const result = await wrapped(['import', ...given.map((f) => join(LISTENS, f))], { env });
    assert.equal(result.code, 0, result.stderr);
    // Each marker is named by the sha-256 of a file as given and names where that file landed
    // (its normalized copy is not a file the user gave, and has no marker of its own).
    const markers = join(home, 'lake', '_state', 'export', 'imported');
    const found = new Map<string, string>();
    for (const name of await readdir(markers))
      found.set(name, JSON.parse(readFileSync(join(markers, name), 'utf8')).path);
    const sha = (file: string) =>
      createHash('sha256')
        .update(readFileSync(join(LISTENS, file)))
        .digest('hex');
    assert.deepEqual(
      [...found.entries()].sort(),
      given
        .map((file) => [`${sha(file)}.json`, found.get(`${sha(file)}.json`)] as [string, string])
        .sort(),
    );
    for (const file of given)
      assert.match(found.get(`${sha(file)}.json`) ?? '', new RegExp(`^raw/export/[^/]+/${file}$`));
    // Importing one of them again is recognised.
    const again = await wrapped(['import', join(LISTENS, 'lastfm-header.csv')], { env });
    assert.match(again.stdout, /0 files landed|already imported/);
  });

  it('a ListenBrainz export that repeats Last.fm scrobbles adds only the listens Last.fm lacks', async () => {
    const home = await tempDir();
    const env = { WRAPPED_HOME: home, WRAPPED_TIMEZONE: 'UTC' };
    for (const file of ['lastfm-header.csv', 'listenbrainz.jsonl']) {
      const result = await wrapped(['import', join(LISTENS, file)], { env });
      assert.equal(result.code, 0, result.stderr);
    }
    // The same scrobbles again, as two other tools export them: nothing new.
    const again = await wrapped(
      ['import', join(LISTENS, 'lastfm-pages.json'), join(LISTENS, 'lastfm-to-csv.csv')],
      { env },
    );
    assert.equal(again.code, 0, again.stderr);
    // Each load counts the listens of the file given (not its normalized copy again).
    const loads = JSON.parse((await wrapped(['loads', 'list', '--json'], { env })).stdout);
    assert.deepEqual(
      loads.map((l: { files: number; records: number }) => [l.files, l.records]),
      [
        [1, 4],
        [1, 3],
        [1, 4],
        [1, 4],
      ],
    );
    assert.equal((await wrapped(['transform'], { env })).code, 0);
    assert.equal((await wrapped(['check'], { env })).code, 0);
    const plays = await queryRows(
      "SELECT strftime(ended_at AT TIME ZONE 'UTC', '%H:%M:%S') AS ended, artist_name, track_name, source, ms_played, ms_played_estimated AS est, track_uri FROM silver.fct_play ORDER BY ended_at",
      env,
    );
    // The evening of test/fixtures/listens/README.md: five plays. Lengths: ListenBrainz's for
    // CUFF IT, 3.5 minutes (estimated) where no file gives one.
    assert.deepEqual(
      plays.map((p) => [p.ended, p.track_name, p.source, Number(p.ms_played), p.est, p.track_uri]),
      [
        ['19:05:40', 'Fight Song', 'lastfm+listenbrainz', 210_000, true, null],
        ['19:09:10', 'Levitating (feat. DaBaby)', 'lastfm+listenbrainz', 210_000, true, null],
        ['19:12:35', 'Levitating (feat. DaBaby)', 'lastfm', 210_000, true, null],
        ['19:16:30', 'Hoppípolla', 'lastfm', 210_000, true, null],
        [
          '19:24:15',
          'CUFF IT',
          'listenbrainz',
          225_388,
          true,
          'spotify:track:1xzi1Jcr7mEi9K2RfzLOqS',
        ],
      ],
    );
  });
});
