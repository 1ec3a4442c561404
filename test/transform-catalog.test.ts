/**
 * The catalogue dimensions: a track known only by name gets a synthetic key and joins its URI
 * once one is seen; API objects and catalogue lookups give names, durations and images that
 * equal the simulator's catalogue; every play joins its track, artist and album.
 */
import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FsLake } from '../src/lake/drivers/fs.js';
import { type Simulator, startSimulator } from '../src/simulator/server.js';
import { queryRows, tempDir, wrapped } from './support/helpers.js';
import { loggedInHome, pollHourly } from './support/sim-login.js';

async function exportFolder(files: Record<string, unknown>): Promise<string> {
  const dir = join(await tempDir(), 'MyData');
  await mkdir(dir, { recursive: true });
  for (const [name, content] of Object.entries(files))
    await writeFile(join(dir, name), JSON.stringify(content));
  return dir;
}

describe('transform: the catalogue dimensions', () => {
  it('a track known only by name has a synthetic key until its URI is seen, then joins it', async () => {
    const env = { WRAPPED_HOME: await tempDir(), WRAPPED_TIMEZONE: 'UTC' };
    const history = await exportFolder({
      'StreamingHistory_music_0.json': [
        {
          endTime: '2026-03-01 10:00',
          artistName: 'Ånna / B',
          trackName: 'Sång X',
          msPlayed: 200000,
        },
        {
          endTime: '2026-03-01 10:04',
          artistName: 'Ånna / B',
          trackName: 'Sång X',
          msPlayed: 180000,
        },
        { endTime: '2026-03-01 10:09', artistName: 'Other', trackName: 'Song Y', msPlayed: 90000 },
      ],
    });
    assert.equal((await wrapped(['import', history], { env })).code, 0);
    assert.equal((await wrapped(['transform'], { env })).code, 0);
    const keys = () =>
      queryRows(
        'SELECT track_name, track_key, artist_key, count(*)::INTEGER AS plays FROM silver.fct_play GROUP BY ALL ORDER BY track_name',
        env,
      );
    assert.deepEqual(await keys(), [
      { track_name: 'Song Y', track_key: 'name:Other/Song Y', artist_key: 'name:Other', plays: 1 },
      {
        track_name: 'Sång X',
        track_key: 'name:Ånna / B/Sång X',
        artist_key: 'name:Ånna / B',
        plays: 2,
      },
    ]);

    // A playlist in a later export names the same song with its URI (and its album).
    const playlist = await exportFolder({
      'Playlist1.json': {
        playlists: [
          {
            name: 'mix',
            lastModifiedDate: '2026-04-01',
            description: null,
            numberOfFollowers: 0,
            items: [
              {
                track: {
                  trackName: 'Sång X',
                  artistName: 'Ånna / B',
                  albumName: 'Album Z',
                  trackUri: 'spotify:track:0000000000000000000sx1',
                },
                episode: null,
                localTrack: null,
                audiobook: null,
                addedDate: '2026-04-01',
              },
              { track: null, episode: null, localTrack: null, audiobook: null },
            ],
          },
        ],
      },
    });
    assert.equal((await wrapped(['import', playlist], { env })).code, 0);
    assert.equal((await wrapped(['transform'], { env })).code, 0);
    assert.deepEqual(await keys(), [
      { track_name: 'Song Y', track_key: 'name:Other/Song Y', artist_key: 'name:Other', plays: 1 },
      {
        track_name: 'Sång X',
        track_key: 'spotify:track:0000000000000000000sx1',
        artist_key: 'name:Ånna / B',
        plays: 2,
      },
    ]);
    assert.deepEqual(
      await queryRows(
        'SELECT track_key, track_name, album_name, key_kind FROM silver.dim_track ORDER BY track_key',
        env,
      ),
      [
        {
          track_key: 'name:Other/Song Y',
          track_name: 'Song Y',
          album_name: null,
          key_kind: 'synthetic',
        },
        {
          track_key: 'spotify:track:0000000000000000000sx1',
          track_name: 'Sång X',
          album_name: 'Album Z',
          key_kind: 'uri',
        },
      ],
    );
    assert.deepEqual(
      await queryRows(
        'SELECT item_type, item_name, playlist_name FROM bronze.stg_export_playlist_items ORDER BY item_type',
        env,
      ),
      [
        { item_type: 'track', item_name: 'Sång X', playlist_name: 'mix' },
        { item_type: 'unavailable', item_name: null, playlist_name: 'mix' },
      ],
    );
    const top = await queryRows(
      "SELECT track_key, plays FROM gold.agg_top_tracks WHERE period = 'all' ORDER BY rank",
      env,
    );
    assert.deepEqual(top[0], { track_key: 'spotify:track:0000000000000000000sx1', plays: 2 });
    const checks = await wrapped(['check'], { env });
    assert.equal(checks.code, 0, checks.stdout);
    assert.match(checks.stdout, /relationships\(track_key -> silver\.dim_track\.track_key\)/);
  });
});

describe('transform: the catalogue from the API', () => {
  let sim: Simulator;
  let home: string;
  before(async () => {
    sim = await startSimulator({ seed: 'catalogue', start: new Date('2026-11-10T07:00:00Z') });
  });
  after(async () => {
    await sim.close();
    await rm(home, { recursive: true, force: true });
  });

  it('names, durations and images equal the simulated catalogue, and every play joins them', async () => {
    const login = await loggedInHome(sim);
    home = login.home;
    const lake = new FsLake(join(home, 'lake'));
    await pollHourly(sim, login, {
      lake,
      hours: 24,
      only: ['recently_played', 'saved_tracks', 'catalog'],
      catalogBudget: 200,
    });
    const env = { WRAPPED_HOME: home, WRAPPED_TIMEZONE: 'UTC' };
    assert.equal((await wrapped(['transform'], { env })).code, 0);
    const checks = await wrapped(['check'], { env });
    assert.equal(checks.code, 0, checks.stdout);

    const { catalog } = sim.world;
    const tracks = await queryRows(
      "SELECT track_uri, track_name, artist_name, album_name, duration_ms, artist_key, album_key FROM silver.dim_track WHERE key_kind = 'uri'",
      env,
    );
    assert.ok(tracks.length > 20, `${tracks.length} tracks`);
    for (const t of tracks) {
      const id = String(t.track_uri).replace('spotify:track:', '');
      const truth = catalog.track.get(id);
      assert.ok(truth, `${id} is not in the catalogue`);
      assert.equal(t.track_name, truth.name);
      assert.equal(t.duration_ms, truth.durationMs);
      assert.equal(t.artist_name, catalog.artist.get(truth.artistIds[0] as string)?.name);
      assert.equal(t.album_name, catalog.album.get(truth.albumId)?.name);
      assert.equal(t.album_key, `spotify:album:${truth.albumId}`);
    }
    // Looked-up artists carry their picture, for the dashboard.
    const artists = await queryRows(
      "SELECT artist_uri, artist_name, image_url FROM silver.dim_artist WHERE key_kind = 'uri'",
      env,
    );
    assert.ok(artists.some((a) => typeof a.image_url === 'string'));
    for (const a of artists)
      assert.equal(
        a.artist_name,
        catalog.artist.get(String(a.artist_uri).replace('spotify:artist:', ''))?.name,
      );
    const [joined] = await queryRows(
      "SELECT count(*)::INTEGER AS plays, count(*) FILTER (WHERE track_key LIKE 'spotify:track:%')::INTEGER AS keyed FROM silver.fct_play WHERE content_type = 'track'",
      env,
    );
    assert.ok(Number(joined?.plays) > 20);
    assert.equal(joined?.keyed, joined?.plays);
  });
});
