/**
 * The dashboard under hostile requests: it answers only to its own names (DNS rebinding),
 * redirects only to itself, says 400 (never 500) to malformed input, streams CSV downloads
 * (other requests are answered meanwhile) with formula-looking cells escaped, and never mixes
 * two builds in one response.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { type IncomingMessage, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import { FsLake } from '../../src/lake/drivers/fs.js';
import { type RunningServer, startServer } from '../../src/server/app.js';
import { ServedTables } from '../../src/server/tables.js';
import { wrapped } from '../support/helpers.js';
import { GOOD_RECORD } from '../support/import-refused.js';
import { rawGet as get } from '../support/raw-get.js';

const TOKEN = 'a-long-enough-token-0123456789';
const HOSTILE_NAMES = ['=HYPERLINK("http://evil")', '+1+2', '-3', '@SUM(A1)', '\tTab', '\rCR'];

/** `count` plays ten minutes apart from `start`, their names taken in turn from `names`. */
const plays = (count: number, names: string[], start = Date.UTC(2024, 0, 1)) =>
  JSON.stringify(
    Array.from({ length: count }, (_, i) => ({
      ...GOOD_RECORD,
      ts: new Date(start + i * 600_000).toISOString().replace('.000', ''),
      master_metadata_track_name: names[i % names.length],
      master_metadata_album_artist_name: names[(i + 1) % names.length],
      spotify_track_uri: `spotify:track:t${i % 500}`,
      ms_played: 200_000,
    })),
  );

describe('the dashboard under hostile requests', () => {
  let home: string;
  let env: Record<string, string>;
  let open: RunningServer;
  let guarded: RunningServer;
  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'wrapped-hostile-serve-'));
    env = { WRAPPED_HOME: home, WRAPPED_TIMEZONE: 'UTC' };
    await mkdir(join(home, 'export'));
    await writeFile(
      join(home, 'export', 'Streaming_History_Audio_2024.json'),
      plays(60_000, [...HOSTILE_NAMES, ...Array.from({ length: 300 }, (_, i) => `Song ${i}`)]),
    );
    assert.equal((await wrapped(['import', join(home, 'export')], { env })).code, 0);
    assert.equal((await wrapped(['transform'], { env })).code, 0);
    const config = loadConfig({ env, cwd: home });
    const lake = new FsLake(join(home, 'lake'));
    open = await startServer({
      config,
      lake,
      host: '127.0.0.1',
      port: 0,
      allowHosts: ['wrapped.home.arpa'],
    });
    guarded = await startServer({ config, lake, host: '127.0.0.1', port: 0, token: TOKEN });
  });
  after(async () => {
    await open?.close();
    await guarded?.close();
    await rm(home, { recursive: true, force: true });
  });

  it('answers only to its own address and to names given with --allow-host (421 otherwise)', async () => {
    const port = new URL(open.url).port;
    for (const host of ['evil.example', `evil.example:${port}`, 'attacker.127.0.0.1.nip.io'])
      for (const path of ['/', '/api/meta', '/api/download/gold.wrapped_year.csv']) {
        const answer = await get(open.url, path, { host });
        assert.equal(answer.status, 421, `${host} ${path}`);
        assert.match(answer.body, /does not answer to the host/);
        assert.doesNotMatch(answer.body, /Song 1/);
      }
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `wrapped.home.arpa:${port}`])
      assert.equal((await get(open.url, '/api/meta', { host })).status, 200, host);
  });

  it('never redirects off-site', async () => {
    for (const path of [`/.//evil.example?token=${TOKEN}`, `//evil.example/?token=${TOKEN}`]) {
      const answer = await get(guarded.url, path);
      assert.equal(answer.status, 303, path);
      assert.match(String(answer.headers.location), /^\/(?![/\\])/, path);
    }
  });

  it('malformed input is 400 with a reason, never a 500', async () => {
    const cases: Array<[string, RegExp, Record<string, string>?]> = [
      ['/api/history?page=1e300', /page must be a whole number/],
      ['/api/history?page=99999999999', /page must be a whole number/],
      ['/api/history?page=-1', /page must be a whole number/],
      ['/api/overview?period=custom&from=2023-02-30&to=2023-03-01', /from must be a real date/],
      ['/api/overview?period=custom&from=2023-13-01&to=2024-01-01', /from must be a real date/],
      ['/api/overview?period=custom&from=0000-01-01&to=2024-01-01', /from must be a real date/],
      ['/api/meta', /cookie is malformed/, { cookie: 'wrapped_token=%E0%A4%A' }],
      ['/api/artist', /name: the artist/],
      [`/api/artist?name=${'x'.repeat(5000)}`, /name: the artist/],
      ['/api/track?key=', /key: the track/],
      ['/api/album', /key: the album/],
      ['/api/wrapped?from=2026-02-30&to=2026-03-01', /from must be a real date/],
      ['/api/wrapped?from=2026-03-01', /to must be a real date/],
      ['/api/wrapped?from=2026-03-02&to=2026-03-01', /from is after to/],
      ['/api/search?q=', /q: the text to look for/],
      [`/api/search?q=${'y'.repeat(101)}`, /q: the text to look for/],
    ];
    for (const [path, message, headers] of cases) {
      const server = headers ? guarded : open;
      const answer = await get(server.url, path, headers);
      assert.equal(answer.status, 400, path);
      assert.match(JSON.parse(answer.body).error.message, message, path);
    }
  });

  it('an artist, song or album that is not in the listening is 404, whatever its name holds', async () => {
    for (const path of [
      `/api/artist?name=${encodeURIComponent("Robert'); DROP TABLE x;--")}`,
      `/api/track?key=${encodeURIComponent('spotify:track:nope\u0000')}`,
      `/api/album?key=${encodeURIComponent("spotify:album:x' OR '1'='1")}`,
    ]) {
      const answer = await get(open.url, path);
      assert.equal(answer.status, 404, path);
      assert.match(JSON.parse(answer.body).error.message, /in your listening/);
    }
  });

  it('search matches its text literally: SQL wildcards and quotes find only names that hold them', async () => {
    for (const q of ['%', '_', "'", "%' OR 1=1 --"]) {
      const answer = await get(open.url, `/api/search?q=${encodeURIComponent(q)}`);
      assert.equal(answer.status, 200, q);
      const found = JSON.parse(answer.body) as Record<string, Array<Record<string, string>>>;
      for (const [kind, rows] of Object.entries(found)) {
        if (!Array.isArray(rows)) continue;
        for (const row of rows) {
          const name = row.artist_name ?? '';
          const shown = kind === 'artists' ? name : (row.track_name ?? row.album_name ?? '');
          assert.ok(shown.toLowerCase().includes(q.toLowerCase()), `${q} found ${shown}`);
        }
      }
    }
  });

  it('CSV cells that a spreadsheet would run start with a quote, in downloads and exports', async () => {
    const csv = await get(open.url, '/api/download/gold.agg_top_tracks.csv');
    assert.equal(csv.status, 200);
    const exported = join(home, 'top.csv');
    const cli = await wrapped(['export', 'gold.agg_top_tracks', '--out', exported], { env });
    assert.equal(cli.code, 0, cli.stderr);
    const { readFile } = await import('node:fs/promises');
    for (const text of [csv.body, await readFile(exported, 'utf8')]) {
      for (const name of HOSTILE_NAMES) {
        const escaped = `'${name}`;
        const cell = /[",\r\n]/.test(escaped) ? `"${escaped.replaceAll('"', '""')}"` : escaped;
        assert.ok(text.includes(cell), `${JSON.stringify(name)} is escaped`);
      }
      assert.doesNotMatch(text, /(^|,)=HYPERLINK/m);
    }
  });

  it('a download streams: a client that stops reading does not stop other requests', async () => {
    const url = new URL(open.url);
    let received = 0;
    const download = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = request(
        { host: url.hostname, port: url.port, path: '/api/download/silver.fct_play.csv' },
        resolve,
      );
      req.on('error', reject);
      req.end();
    });
    assert.equal(download.statusCode, 200);
    download.pause(); // a slow client: the server must wait for it, not buffer the table
    for (let i = 0; i < 5; i++)
      assert.equal((await get(open.url, '/api/meta')).status, 200, 'answered meanwhile');
    const lines = await new Promise<number>((resolve) => {
      let tail = '';
      let count = 0;
      download.on('data', (d: Buffer) => {
        received += d.length;
        const text = tail + d.toString();
        const parts = text.split('\r\n');
        tail = parts.pop() ?? '';
        count += parts.length;
      });
      download.on('end', () => resolve(count));
      download.resume();
    });
    assert.equal(lines, 60_001, 'the header and every play');
    assert.ok(received > 1_000_000);
  });
});

describe('one response, one build', () => {
  it('a build published during a response is seen only by the responses after it', async () => {
    const home = await mkdtemp(join(tmpdir(), 'wrapped-snapshot-'));
    try {
      const env = { WRAPPED_HOME: home, WRAPPED_TIMEZONE: 'UTC' };
      const load = async (name: string, count: number, start: number) => {
        await mkdir(join(home, name));
        await writeFile(
          join(home, name, 'Streaming_History_Audio_2024.json'),
          // No album names: gold.agg_top_albums is built with no rows, and is served empty.
          plays(count, [name], start).replaceAll('"\'Til the End"', 'null'),
        );
        assert.equal((await wrapped(['import', join(home, name)], { env })).code, 0);
        assert.equal((await wrapped(['transform'], { env })).code, 0);
      };
      await load('first', 100, Date.UTC(2024, 0, 1));
      const tables = await ServedTables.open(new FsLake(join(home, 'lake')), {
        home,
        timezone: 'UTC',
      });
      const count = async () =>
        Number((await tables.query('SELECT sum(plays) AS n FROM gold.agg_daily_listening'))[0]?.n);
      try {
        const seen = await tables.snapshot(async () => {
          const before = await count();
          await load('second', 50, Date.UTC(2024, 5, 1)); // a build lands in the middle of the response
          await new Promise((r) => setTimeout(r, 1100)); // past the once-a-second check
          const during = await count();
          await new Promise((r) => setTimeout(r, 1000)); // time enough to have re-read
          const after = await count();
          return { before, during, after };
        });
        assert.deepEqual(seen, { before: 100, during: 100, after: 100 });
        assert.deepEqual(await tables.query('SELECT count(*) AS n FROM gold.agg_top_albums'), [
          { n: 0 },
        ]);
        // Later responses see the new build once the (background) check has found it.
        let later = 0;
        for (let i = 0; i < 50 && later !== 150; i++) {
          later = await tables.snapshot(count);
          await new Promise((r) => setTimeout(r, 100));
        }
        assert.equal(later, 150);
      } finally {
        tables.close();
      }
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
