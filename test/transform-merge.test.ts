/**
 * Polling and an export that overlap: two weeks of hourly API runs, then the data export the
 * simulated listener downloads at the end. silver.fct_play must equal the ground truth: every
 * stream once, both sources on the plays both saw, and the export's real ms_played on them.
 */
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runExtract } from '../src/extract/extract.js';
import { FsLake } from '../src/lake/drivers/fs.js';
import { exportCutoff, exportZip } from '../src/simulator/export.js';
import { startSimulator } from '../src/simulator/server.js';
import { queryRows, REPO, tempDir, wrapped } from './support/helpers.js';
import { control } from './support/oauth.js';
import { loggedInHome } from './support/sim-login.js';

const SAMPLES = join(REPO, '..', 'shared', 'samples');

describe('transform: API polls and the export merge into the ground truth', () => {
  it('two weeks of overlap, and two overlapping exports, give one row per true stream', async () => {
    const sim = await startSimulator({
      seed: 'merge',
      start: new Date('2026-11-01T00:30:00Z'),
      historyDays: 60,
    });
    try {
      const login = await loggedInHome(sim);
      const lake = new FsLake(join(login.home, 'lake'));
      const firstPoll = sim.world.now + 3_600_000;
      for (let hour = 0; hour < 14 * 24; hour++) {
        await control(sim.url, 'POST', 'clock', { advance: 'PT1H' });
        const report = await runExtract({
          lake,
          client: login.client(),
          blocks: login.blocks,
          now: new Date(sim.world.now),
          only: ['recently_played'],
        });
        assert.ok(report.ok, JSON.stringify(report.sources));
      }
      // Two exports, as a user who downloads their data twice: the later one repeats the whole
      // history of the earlier one (in differently cut files) and adds the days since.
      const earlier = join(login.home, 'my_spotify_data_week1.zip');
      await writeFile(
        earlier,
        exportZip(sim.world, { asOf: firstPoll + 7 * 86_400_000, recordsPerFile: 700 }),
      );
      const zip = join(login.home, 'my_spotify_data.zip');
      await writeFile(zip, exportZip(sim.world));
      const env = { WRAPPED_HOME: login.home, WRAPPED_TIMEZONE: 'UTC' };
      assert.equal((await wrapped(['import', earlier], { env })).code, 0);
      assert.equal((await wrapped(['import', zip], { env })).code, 0);
      const built = await wrapped(['transform'], { env });
      assert.equal(built.code, 0, built.stderr);
      const checked = await wrapped(['check'], { env });
      assert.equal(checked.code, 0, checked.stdout);

      const rows = JSON.parse(
        (
          await wrapped(
            [
              'query',
              "SELECT strftime(ended_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S') AS t, coalesce(track_uri, episode_uri) AS uri, ms_played, ms_played_estimated AS est, source FROM silver.fct_play",
              '--json',
            ],
            { env },
          )
        ).stdout,
      ) as Array<{ t: string; uri: string; ms_played: number; est: boolean; source: string }>;
      const cutoff = exportCutoff(sim.world.now);
      const second = (ms: number) =>
        new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19);
      const truth = sim.world.streams(sim.world.historyStart, cutoff);
      const key = (t: string, uri: string, ms: number) => `${t}|${uri}|${ms}`;
      // Up to the export's end: exactly the true streams, with real ms_played.
      const exported = rows.filter((r) => Date.parse(`${r.t}Z`) < cutoff);
      assert.deepEqual(
        exported.map((r) => key(r.t, r.uri, r.ms_played)).sort(),
        truth
          .map((s) =>
            key(
              second(s.endedAt),
              s.trackId ? `spotify:track:${s.trackId}` : `spotify:episode:${s.episodeId}`,
              s.msPlayed,
            ),
          )
          .sort(),
      );
      assert.ok(
        exported.every((r) => !r.est),
        'real minutes up to the cutoff',
      );
      // Plays the poller saw before the cutoff carry both sources.
      const polled = new Set(
        truth
          .filter(
            (s) =>
              s.endedAt >= firstPoll - 3 * 86_400_000 &&
              s.contentType === 'track' &&
              s.msPlayed >= 30_000 &&
              !s.private,
          )
          .map((s) => second(s.endedAt)),
      );
      const both = exported.filter((r) => r.source.includes('api'));
      assert.ok(both.length > 100, `${both.length} plays seen by both`);
      const odd = both.filter((r) => !(r.source.includes('export_extended') && polled.has(r.t)));
      assert.deepEqual(odd.slice(0, 3), [], `${odd.length} unexpected`);
      // The last year is also in the account data: those rows say so.
      const lastYear = exported.filter((r) => r.uri.startsWith('spotify:track:'));
      assert.deepEqual(
        lastYear.filter((r) => !r.source.includes('export_account')).slice(0, 3),
        [],
        'account data matched',
      );
      // After the cutoff only the API knows: estimated minutes, flagged.
      const after = rows.filter((r) => Date.parse(`${r.t}Z`) >= cutoff);
      assert.ok(
        after.length > 0 && after.every((r) => r.source === 'api' && r.est),
        JSON.stringify(after.slice(0, 3)),
      );
      // Coverage per day says the same: real minutes up to the cutoff, estimated ones after it.
      const coverage = JSON.parse(
        (
          await wrapped(
            [
              'query',
              'SELECT day::VARCHAR AS day, has_api, has_export_extended, minutes_real, minutes_estimated, has_gap FROM gold.coverage_daily ORDER BY day',
              '--json',
            ],
            { env },
          )
        ).stdout,
      ) as Array<{
        day: string;
        has_api: boolean;
        has_export_extended: boolean;
        minutes_real: number;
        minutes_estimated: number;
        has_gap: boolean;
      }>;
      const cutoffDay = new Date(cutoff).toISOString().slice(0, 10);
      assert.ok(
        coverage
          .filter((d) => d.day < cutoffDay && d.minutes_real > 0)
          .every((d) => d.has_export_extended && d.minutes_estimated === 0),
      );
      const lastDays = coverage.filter((d) => d.day >= cutoffDay);
      assert.ok(
        lastDays.length >= 2 &&
          lastDays.every(
            (d) =>
              d.has_api &&
              !d.has_export_extended &&
              d.minutes_real === 0 &&
              d.minutes_estimated > 0,
          ),
      );
      assert.ok(
        coverage.every((d) => !d.has_gap),
        'hourly polling missed nothing',
      );
    } finally {
      await sim.close();
    }
  });

  it('an account-data row and an extended row of the same play are one play, even renamed', async () => {
    // Real records from a published extended history, and their account-data twins as Spotify
    // writes them (the minute the stream ended, ms played, names), one of them renamed.
    const real = (
      JSON.parse(
        await readFile(
          join(
            SAMPLES,
            'extended-2026-a',
            'Spotify Extended Streaming History',
            'Streaming_History_Audio_2024.json',
          ),
          'utf8',
        ),
      ) as ExtendedRecord[]
    ).filter((r) => r.master_metadata_track_name && r.ms_played > 30_000);
    const [same, renamed, other, zero] = real.slice(0, 4) as [
      ExtendedRecord,
      ExtendedRecord,
      ExtendedRecord,
      ExtendedRecord,
    ];
    zero.ms_played = 0;
    const twin = (r: ExtendedRecord, overrides: Partial<AccountRecord> = {}): AccountRecord => ({
      endTime: r.ts.slice(0, 16).replace('T', ' '),
      artistName: r.master_metadata_album_artist_name,
      trackName: r.master_metadata_track_name,
      msPlayed: r.ms_played,
      ...overrides,
    });
    const folder = join(await tempDir(), 'export');
    await mkdir(folder);
    await writeFile(
      join(folder, 'Streaming_History_Audio_2024.json'),
      JSON.stringify([same, renamed, other, zero]),
    );
    await writeFile(
      join(folder, 'StreamingHistory_music_0.json'),
      JSON.stringify([
        twin(same),
        twin(renamed, {
          trackName: `${renamed.master_metadata_track_name?.toUpperCase()} - Remastered 2011`,
        }),
        twin(other, { msPlayed: other.ms_played + 1000 }), // another length: another play
        twin(zero, { trackName: 'Renamed at zero' }), // 0 ms pairs by names only
      ]),
    );
    const env = { WRAPPED_HOME: join(folder, '..', 'home'), WRAPPED_TIMEZONE: 'UTC' };
    const imported = await wrapped(['import', folder], { env });
    assert.equal(imported.code, 0, imported.stderr);
    const built = await wrapped(['transform'], { env });
    assert.equal(built.code, 0, built.stderr);
    const rows = await queryRows(
      'SELECT track_name, source, ms_played FROM silver.fct_play ORDER BY ended_at, source, ms_played',
      env,
    );
    const sources = new Map<string, string[]>();
    for (const r of rows)
      sources.set(String(r.track_name).toLowerCase(), [
        ...(sources.get(String(r.track_name).toLowerCase()) ?? []),
        String(r.source),
      ]);
    const name = (r: ExtendedRecord) => String(r.master_metadata_track_name).toLowerCase();
    assert.deepEqual(sources.get(name(same)), ['export_account+export_extended']);
    assert.deepEqual(sources.get(name(renamed)), ['export_account+export_extended']);
    assert.equal(rows.length, 6, JSON.stringify(rows));
    // Bronze keeps each source's row.
    const [bronze] = await queryRows(
      'SELECT (SELECT count(*) FROM bronze.stg_export_streams) AS ext, (SELECT count(*) FROM bronze.stg_export_account_streams) AS acct',
      env,
    );
    assert.deepEqual([Number(bronze?.ext), Number(bronze?.acct)], [4, 4]);
  });
});

interface ExtendedRecord {
  ts: string;
  ms_played: number;
  master_metadata_track_name: string | null;
  master_metadata_album_artist_name: string | null;
}

interface AccountRecord {
  endTime: string;
  artistName: string | null;
  trackName: string | null;
  msPlayed: number;
}
