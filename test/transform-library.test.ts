/**
 * The library models (playlists, their items, Liked Songs, Spotify's top lists, follows) over
 * two weeks of daily API pulls against the simulator, compared with its ground truth.
 */
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runExtract } from '../src/extract/extract.js';
import { FsLake } from '../src/lake/drivers/fs.js';
import { LoadLedger } from '../src/lake/ledger.js';
import { type Simulator, startSimulator } from '../src/simulator/server.js';
import { USER_ID } from '../src/simulator/world.js';
import { queryRows, wrapped } from './support/helpers.js';
import { loggedInHome } from './support/sim-login.js';

const DAY = 86_400_000;

describe('transform: the library from the API', () => {
  let sim: Simulator;
  let home: string;
  before(async () => {
    sim = await startSimulator({ seed: 'library', start: new Date('2026-11-01T07:00:00Z') });
  });
  after(async () => {
    await sim.close();
    await rm(home, { recursive: true, force: true });
  });

  it('playlists, their items and Liked Songs equal the simulated account', async () => {
    const login = await loggedInHome(sim);
    home = login.home;
    const lake = new FsLake(join(home, 'lake'));
    for (let day = 0; day < 14; day++) {
      const report = await runExtract({
        lake,
        client: login.client(),
        blocks: login.blocks,
        now: new Date(sim.world.now),
        only: ['playlists', 'saved_tracks', 'top', 'followed_artists'],
      });
      assert.ok(
        report.sources.every((s) => s.status === 'ok'),
        JSON.stringify(report.sources),
      );
      sim.world.now += DAY;
    }
    const env = { WRAPPED_HOME: home, WRAPPED_TIMEZONE: 'UTC' };
    const built = await wrapped(['transform'], { env });
    assert.equal(built.code, 0, built.stderr);
    const checks = await wrapped(['check'], { env });
    assert.equal(checks.code, 0, checks.stdout);
    const query = (sql: string) => queryRows(sql, env);

    // Every playlist, by its own name (Unicode and emoji intact).
    const playlists = await query(
      'SELECT playlist_id, name, collaborative FROM silver.dim_playlist ORDER BY playlist_id',
    );
    assert.deepEqual(
      playlists,
      [...sim.world.playlists]
        .sort((a, b) => (a.id < b.id ? -1 : 1))
        .map((p) => ({ playlist_id: p.id, name: p.name, collaborative: p.collaborative })),
    );
    assert.ok(playlists.some((p) => p.name === 'khánh ngủyên'));

    // The items of the user's own playlists, as of the last load that read each of them.
    const loads = new Map<string, number>();
    for await (const entry of new LoadLedger(lake).entries())
      for (const file of entry.files)
        if (file.path.startsWith('raw/spotify/playlist_items/')) {
          const envelope = JSON.parse((await lake.get(file.path)).toString('utf8'));
          const id = /\/playlists\/([^/]+)\//.exec(envelope.request.url)?.[1] as string;
          loads.set(id, Date.parse(envelope.fetched_at));
        }
    const items = await query(
      "SELECT playlist_id, count(*)::INTEGER AS n, count(*) FILTER (WHERE item_type = 'track')::INTEGER AS tracks FROM silver.fct_playlist_item GROUP BY 1 ORDER BY 1",
    );
    const mine = sim.world.playlists.filter((p) => p.ownerId === USER_ID || p.collaborative);
    assert.ok(mine.length >= 2);
    assert.deepEqual(
      [...loads.keys()].sort(),
      mine.map((p) => p.id).sort(),
      'every own playlist read',
    );
    assert.deepEqual(
      items,
      mine
        .filter((p) => loads.has(p.id))
        .sort((a, b) => (a.id < b.id ? -1 : 1))
        .map((p) => {
          const at = p.itemsAt(loads.get(p.id) as number);
          return {
            playlist_id: p.id,
            n: at.length,
            tracks: at.filter((i) => i.kind === 'track' && i.id !== null).length,
          };
        }),
    );

    // Liked Songs: every track that was saved at any daily pull, with Spotify's added_at.
    const pulls: number[] = [];
    for await (const entry of new LoadLedger(lake).entries())
      if (entry.source === 'saved_tracks') pulls.push(Date.parse(entry.started_at));
    const expected = new Map<string, number>();
    for (const t of pulls)
      for (const s of sim.world.savedTracks(t)) expected.set(s.trackId, s.addedAt);
    const saved = await query(
      'SELECT track_id, epoch_ms(added_at) AS added FROM silver.fct_saved_track',
    );
    assert.ok(expected.size > 50, `${expected.size} liked songs`);
    assert.equal(saved.length, expected.size);
    for (const row of saved)
      assert.equal(
        Math.floor(Number(row.added) / 1000),
        Math.floor((expected.get(String(row.track_id)) ?? Number.NaN) / 1000),
        String(row.track_id),
      );

    // Spotify's top lists, per day: the latest snapshot equals the simulator's ranking then.
    const RANGE_DAYS: Record<string, number> = { short_term: 28, medium_term: 182, long_term: 365 };
    const snapshots = await query(
      'SELECT kind, time_range, epoch_ms(max(fetched_at)) AS at, list(item_id ORDER BY rank) AS ids FROM silver.fct_top_snapshot WHERE snapshot_date = (SELECT max(snapshot_date) FROM silver.fct_top_snapshot) GROUP BY ALL ORDER BY ALL',
    );
    assert.equal(snapshots.length, 6);
    for (const snap of snapshots) {
      const days = RANGE_DAYS[String(snap.time_range)] as number;
      const at = Number(snap.at);
      const truth =
        snap.kind === 'track'
          ? sim.world.topTracks(days, at).map((t) => t.trackId)
          : sim.world.topArtists(days, at).map((a) => a.artistId);
      assert.deepEqual(snap.ids, truth.slice(0, 50), `${snap.kind} ${snap.time_range}`);
    }
    const days = await query(
      'SELECT count(DISTINCT snapshot_date)::INTEGER AS n FROM silver.fct_top_snapshot',
    );
    assert.equal(days[0]?.n, 14, 'one snapshot a day');

    // Follows: the artists followed at the last pull, and every one seen followed before.
    const follows: number[] = [];
    for await (const entry of new LoadLedger(lake).entries())
      if (entry.source === 'followed_artists') follows.push(Date.parse(entry.started_at));
    const last = Math.max(...follows);
    const followed = await query(
      'SELECT artist_id, following FROM silver.fct_followed_artist ORDER BY artist_id',
    );
    const now = new Set(sim.world.followedArtists(last).map((f) => f.artistId));
    const ever = new Set(
      follows.flatMap((t) => sim.world.followedArtists(t).map((f) => f.artistId)),
    );
    assert.ok(now.size > 5);
    assert.deepEqual(
      followed.map((f) => f.artist_id),
      [...ever].sort(),
    );
    assert.deepEqual(
      followed.filter((f) => f.following).map((f) => f.artist_id),
      [...now].sort(),
    );
  });
});
