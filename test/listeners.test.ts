/**
 * Two listeners on one lake: each one's history is theirs alone. The same export imported by
 * both is two people's plays (never one person's duplicates), a listen of one is never matched
 * with a play of the other, and each one's gold figures are their own files' figures,
 * recomputed here from the files.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../src/config/load.js';
import { FsLake } from '../src/lake/drivers/fs.js';
import { saveListener } from '../src/listeners/registry.js';
import { runPipeline } from '../src/pipeline/run.js';
import { ENDSONG, endsongStreams, musicByYear } from './support/endsong.js';
import { queryRows, REPO, tempDir, wrapped } from './support/helpers.js';

const LISTENBRAINZ = join(REPO, 'test', 'fixtures', 'listens', 'listenbrainz.jsonl');
const TZ = 'Europe/Berlin';

/** The top artist of a year by plays, then minutes, then name: the product's ranking. */
function topArtist(streams: Array<Record<string, unknown>>, year: string): string {
  const inYear = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric' });
  const by = new Map<string, { plays: number; ms: number }>();
  for (const r of streams) {
    const artist = r.master_metadata_album_artist_name;
    if (typeof artist !== 'string' || inYear.format(new Date(String(r.ts))) !== year) continue;
    const sum = by.get(artist) ?? { plays: 0, ms: 0 };
    sum.ms += Number(r.ms_played);
    if (Number(r.ms_played) >= 30000) sum.plays++;
    by.set(artist, sum);
  }
  const [first] = [...by].sort(
    ([a, x], [b, y]) => y.plays - x.plays || y.ms - x.ms || (a < b ? -1 : 1),
  );
  return first?.[0] ?? '';
}

describe('listeners: two people on one lake', () => {
  it("the same export imported by two listeners is two people's plays; each one's figures are their own", async () => {
    const home = await tempDir();
    const env = { WRAPPED_HOME: home, WRAPPED_TIMEZONE: TZ };
    await saveListener(new FsLake(join(home, 'lake')), { id: 'anna' });

    // A name not on the registry lands nothing and says how to add it.
    const unknown = await wrapped(['import', ENDSONG, '--listener', 'zed'], { env });
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /No listener "zed".*wrapped listener add zed/s);

    for (const args of [
      [ENDSONG],
      [ENDSONG, '--listener', 'anna'],
      [LISTENBRAINZ, '--listener', 'anna'],
    ]) {
      const imported = await wrapped(['import', ...args], { env });
      assert.equal(imported.code, 0, imported.stderr);
      assert.match(imported.stdout, /1 files landed/, `${args.join(' ')}: ${imported.stdout}`);
    }
    const built = await wrapped(['transform'], { env });
    assert.equal(built.code, 0, built.stderr);
    const checked = await wrapped(['check'], { env });
    assert.equal(checked.code, 0, checked.stdout);

    // Plays: each listener has every distinct stream of the file; anna also her 3 listens,
    // which match nothing of hers (June 2026; her Spotify history ends in January 2023).
    const streams = endsongStreams();
    const listens = readFileSync(LISTENBRAINZ, 'utf8').trim().split('\n').length;
    const plays = await queryRows(
      "SELECT listener_id, user_id, count(*) AS n, count(*) FILTER (WHERE source = 'listenbrainz') AS lb FROM silver.fct_play GROUP BY ALL ORDER BY 1",
      env,
    );
    assert.deepEqual(
      plays.map((r) => [r.listener_id, r.user_id, Number(r.n), Number(r.lb)]),
      [
        ['anna', 'anna', streams.length + listens, listens],
        ['me', 'me', streams.length, 0],
      ],
    );

    // The recap of each year, per listener, against the file.
    const years = await queryRows(
      'SELECT listener_id, year, plays, minutes, top_artist FROM gold.wrapped_year ORDER BY 1, 2',
      env,
    );
    for (const [year, expected] of musicByYear(streams, TZ)) {
      for (const listener of ['me', 'anna']) {
        const row = years.find((r) => r.listener_id === listener && r.year === year);
        assert.equal(Number(row?.plays), expected.plays, `${listener} ${year} plays`);
        assert.equal(Number(row?.minutes), expected.minutes, `${listener} ${year} minutes`);
        if (expected.plays > 0)
          assert.equal(row?.top_artist, topArtist(streams, year), `${listener} ${year} top artist`);
      }
    }
    // Only anna listened in 2026 (her ListenBrainz listens).
    assert.deepEqual(
      years.filter((r) => r.year === '2026').map((r) => [r.listener_id, Number(r.plays)]),
      [['anna', listens]],
    );
    // Each one's recap is theirs: anna's 2026 is her listens; me has no 2026.
    const hers = await wrapped(['recap', '--listener', 'anna', '--year', '2026', '--json'], {
      env,
    });
    assert.equal(hers.code, 0, hers.stderr);
    assert.equal(JSON.parse(hers.stdout).plays, listens);
    const mine = await wrapped(['recap', '--year', '2026', '--json'], { env });
    assert.notEqual(mine.code, 0);
    assert.match(mine.stderr, /No plays in 2026/);
    // Ranks and streaks are per listener: each has one rank 1 per year, and her own streaks.
    const firsts = await queryRows(
      "SELECT listener_id, count(*) AS n FROM gold.agg_top_artists WHERE period_type = 'year' AND rank = 1 GROUP BY 1 ORDER BY 1",
      env,
    );
    assert.deepEqual(
      firsts.map((r) => [r.listener_id, Number(r.n)]),
      [
        ['anna', years.filter((r) => r.listener_id === 'anna' && Number(r.plays) > 0).length],
        ['me', years.filter((r) => r.listener_id === 'me' && Number(r.plays) > 0).length],
      ],
    );
    const streaks = await queryRows(
      'SELECT listener_id, sum(days) AS days FROM gold.agg_streaks GROUP BY 1 ORDER BY 1',
      env,
    );
    const days = await queryRows(
      'SELECT listener_id, count(*) AS days FROM gold.agg_daily_listening WHERE plays > 0 GROUP BY 1 ORDER BY 1',
      env,
    );
    assert.deepEqual(
      streaks.map((r) => [r.listener_id, Number(r.days)]),
      days.map((r) => [r.listener_id, Number(r.days)]),
    );
  });

  it('a damaged listener registry stops the pulls and the run says how to repair it', async () => {
    const home = await tempDir();
    const env = { WRAPPED_HOME: home, WRAPPED_TIMEZONE: TZ };
    await mkdir(join(home, 'lake', '_state'), { recursive: true });
    await writeFile(
      join(home, 'lake', '_state', 'listeners.json'),
      '{"version": 1, "listeners": [',
    );
    const record = await runPipeline({
      config: loadConfig({ env, cwd: home }),
      lake: new FsLake(join(home, 'lake')),
      transform: false,
    });
    assert.equal(record.status, 'failed');
    assert.equal(record.stages.extract?.status, 'failed');
    assert.match(record.error?.message ?? '', /listeners\.json is not valid JSON/);
    assert.match(record.error?.hint ?? '', /doctor --fix/);
  });
});
