import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { inspectFile } from '../inspect.js';
import type { Listen } from './listen.js';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'listens');

/** A file of the given content, read as an import reads it. */
function fileOf(path: string, content: string | Buffer) {
  const bytes = Buffer.from(content);
  return {
    path,
    size: bytes.length,
    open: async () =>
      (async function* () {
        // Small chunks: nothing may depend on where a chunk ends.
        for (let i = 0; i < bytes.length; i += 7) yield bytes.subarray(i, i + 7);
      })(),
  };
}

async function read(path: string, content: string | Buffer, skipBad = false) {
  return inspectFile(fileOf(path, content), { explicit: true, skipBad });
}

async function listensOf(name: string): Promise<Listen[]> {
  const inspection = await read(name, readFileSync(join(FIXTURES, name)));
  assert.equal(inspection.status, 'ok', JSON.stringify(inspection));
  return inspection.status === 'ok' ? (inspection.listens?.listens ?? []) : [];
}

const brief = (l: Listen) =>
  `${l.listened_at} ${l.artist_name} / ${l.track_name} / ${l.album_name}`;

/** The evening of test/fixtures/listens/README.md, as scrobbled (began, to the second). */
const EVENING = [
  '2026-06-01T19:13:00Z Sigur Rós / Hoppípolla / Takk...',
  '2026-06-01T19:09:05Z Dua Lipa / Levitating (feat. DaBaby) / Future Nostalgia',
  '2026-06-01T19:05:40Z Dua Lipa / Levitating (feat. DaBaby) / Future Nostalgia',
  '2026-06-01T19:02:10Z Rachel Platten / Fight Song / Wildfire',
];

describe('other histories: reading Last.fm and ListenBrainz exports', () => {
  it('reads the three Last.fm formats into the same scrobbles', async () => {
    assert.deepEqual((await listensOf('lastfm-header.csv')).map(brief), EVENING);
    // The track playing now (no date yet) is not a scrobble.
    assert.deepEqual((await listensOf('lastfm-pages.json')).map(brief), EVENING);
    // lastfm-to-csv gives the minute only.
    assert.deepEqual(
      (await listensOf('lastfm-to-csv.csv')).map(brief),
      EVENING.map((e) => e.replace(/:\d\dZ/, ':00Z')),
    );
    const csv = await read('lastfm-header.csv', readFileSync(join(FIXTURES, 'lastfm-header.csv')));
    assert.equal(csv.status === 'ok' && csv.field_set, 'lastfm-csv-header');
    assert.equal(csv.status === 'ok' && csv.kind, 'lastfm_scrobbles');
    assert.equal(csv.status === 'ok' && csv.first_at, '2026-06-01T19:02:10Z');
  });

  it('reads ListenBrainz JSON lines, with the length and Spotify track when the listen has them', async () => {
    const listens = await listensOf('listenbrainz.jsonl');
    assert.deepEqual(
      listens.map((l) => [brief(l), l.source, l.duration_ms, l.track_uri]),
      [
        ['2026-06-01T19:02:10Z Rachel Platten / Fight Song / Wildfire', 'listenbrainz', null, null],
        [
          '2026-06-01T19:05:40Z Dua Lipa / Levitating (feat. DaBaby) / Future Nostalgia',
          'listenbrainz',
          null,
          null,
        ],
        [
          '2026-06-01T19:20:30Z Beyoncé / CUFF IT / RENAISSANCE',
          'listenbrainz',
          225388,
          'spotify:track:1xzi1Jcr7mEi9K2RfzLOqS',
        ],
      ],
    );
    // The older export: the same listens as one JSON list.
    const lines = readFileSync(join(FIXTURES, 'listenbrainz.jsonl'), 'utf8').trim().split('\n');
    const list = await read('listens.json', `[${lines.join(',\n')}]`);
    assert.equal(list.status, 'ok');
    assert.deepEqual(list.status === 'ok' && list.listens?.listens, listens);
  });

  it('gives the same listen the same key in overlapping exports of any tool, and different listens different keys', async () => {
    const a = await listensOf('lastfm-header.csv');
    for (const other of ['lastfm-pages.json', 'lastfm-to-csv.csv'])
      assert.deepEqual(
        (await listensOf(other)).map((l) => l.listen_key),
        a.map((l) => l.listen_key),
        other,
      );
    assert.equal(new Set(a.map((l) => l.listen_key)).size, a.length);
  });

  it('refuses bad records with the line and what is wrong', async () => {
    const cases: Array<[string, string, RegExp]> = [
      [
        'scrobbles.csv',
        'Artist,Album,Track,01 Jun 2026 19:02\nArtist,Album,Track,31 Feb 2026 10:00\n',
        /line 2: "date" is "31 Feb 2026 10:00", which is not a real calendar date/,
      ],
      [
        'scrobbles.csv',
        'uts,artist,track\n1780340530,A,B\nyesterday,A,B\n',
        /line 3: "uts" is "yesterday"; expected whole seconds since 1970/,
      ],
      [
        'scrobbles.csv',
        'uts,artist,track\n1780340530,A,"B is cut\n',
        /line 2: ends inside a quoted field: the file is cut short/,
      ],
      [
        'scrobbles.csv',
        'uts,artist,track\n1780340530,,B\n',
        /line 2: "artist" is ""; expected a name/,
      ],
      [
        'scrobbles.csv',
        'Artist,Album,Track,01 Jun 1999 19:02\n',
        /line 1: "date" is "01 Jun 1999 19:02", which is in the year 1999/,
      ],
      [
        'listens.jsonl',
        '{"listened_at": 1780340530, "track_metadata": {"artist_name": "A", "track_name": "B"}}\n{"listened_at": "soon", "track_metadata": {"artist_name": "A", "track_name": "B"}}\n',
        /line 2 at byte 87: "listened_at" is "soon"; expected whole seconds since 1970/,
      ],
      [
        'listens.jsonl',
        '{"listened_at": 1780340530, "track_metadata": {"artist_name": "A", "track_name": "B"}}\n{"listened_at": 17803',
        /line 2 at byte 87: is not valid JSON/,
      ],
      [
        'listens.jsonl',
        `{"listened_at": 1780340530, "track_metadata": {"artist_name": "A", "track_name": "${'x'.repeat(40_000)}"}}\n`,
        /line 1 at byte 0: "track_metadata.track_name" is a string of 40,000 characters/,
      ],
      [
        'listens.jsonl',
        '{"listened_at": 1780340530, "track_metadata": {"artist_name": "\\ud800", "track_name": "B"}}\n',
        /"track_metadata.artist_name" holds a lone UTF-16 surrogate/,
      ],
      [
        'listens.jsonl',
        '{"listened_at": 1780340530, "track_metadata": {"artist_name": "A", "track_name": "B", "additional_info": {"duration_ms": -5}}}\n',
        /"additional_info.duration_ms" is -5; expected a length in milliseconds/,
      ],
      [
        'scrobbles.json',
        '[{"artist": {"#text": "A"}, "name": "B", "date": {"uts": "1780340530"}}, {"artist": {"#text": "A"}, "name": "B"}]',
        /record 1 at byte \d+: has no "date" with "uts"/,
      ],
    ];
    for (const [name, content, expected] of cases) {
      const result = await read(name, content);
      assert.equal(result.status, 'failed', `${name}: ${content.slice(0, 80)}`);
      assert.match(result.status === 'failed' ? result.error : '', expected);
    }
  });

  it('tells a CSV or JSON lines file of something else apart: skipped in a folder, an error when named', async () => {
    const other = 'id,price\n1,9.99\n';
    const named = await read('prices.csv', other);
    assert.equal(named.status, 'failed');
    assert.match(
      named.status === 'failed' ? named.error : '',
      /not a Last\.fm scrobble export: expected a header/,
    );
    const found = await inspectFile(fileOf('prices.csv', other), { explicit: false });
    assert.equal(found.status, 'skipped');
    const lines = await inspectFile(fileOf('events.jsonl', '{"event": "x"}\n'), {
      explicit: false,
    });
    assert.equal(lines.status, 'skipped');
    // Once recognised, a damaged export found in a folder fails: it is not someone else's file.
    const cut = await inspectFile(fileOf('scrobbles.csv', 'uts,artist,track\n1780340530,A,"cut'), {
      explicit: false,
    });
    assert.equal(cut.status, 'failed');
  });

  it('with --skip-bad, keeps the good listens and lists the bad ones', async () => {
    const result = await read(
      'scrobbles.csv',
      'Artist,Album,Track,01 Jun 2026 19:02\nArtist,Album,Track,31 Feb 2026 10:00\nArtist,Album,Other,01 Jun 2026 19:06\n',
      true,
    );
    assert.equal(result.status, 'ok');
    if (result.status !== 'ok') return;
    assert.deepEqual(
      result.listens?.listens.map((l) => l.track_name),
      ['Track', 'Other'],
    );
    assert.equal(result.records, 2);
    assert.deepEqual(
      result.refused.map((r) => [r.record, r.reason]),
      [[2, '"date" is "31 Feb 2026 10:00", which is not a real calendar date (2026-02-31)']],
    );
  });
});
