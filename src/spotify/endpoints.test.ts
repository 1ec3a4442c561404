import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { loggedInHome } from '../../test/support/sim-login.js';
import { type Simulator, startSimulator } from '../simulator/server.js';
import type { SpotifyClient } from './client.js';
import * as api from './endpoints.js';
import { list, nullable, number, object, optional, ShapeError, string } from './shape.js';
import { TokenStore } from './token-store.js';

describe('typed endpoints against the simulator', () => {
  let sim: Simulator;
  let home: string;
  let client: SpotifyClient;
  before(async () => {
    sim = await startSimulator({ seed: 'endpoints', start: new Date('2026-11-20T19:00:00Z') });
    const login = await loggedInHome(sim);
    home = login.home;
    client = login.client();
  });
  after(async () => {
    await sim.close();
    await rm(home, { recursive: true, force: true });
  });

  it('reads every endpoint the pipeline needs, and keeps the raw body', async () => {
    const profile = await api.me(client);
    assert.equal(profile.data.account_id, sim.world.accountId);
    assert.deepEqual(
      profile.raw,
      await (
        await fetch(`${sim.url}/v1/me`, {
          headers: { authorization: `Bearer ${(await new TokenStore(home).read())?.access_token}` },
        })
      ).json(),
    );
    const recent = await api.recentlyPlayed(client);
    assert.equal(recent.data.items.length, 50);
    assert.equal(
      recent.data.items[0]?.played_at,
      new Date(sim.world.recentlyPlayed()[0]?.endedAt ?? 0).toISOString(),
    );
    for (const range of ['short_term', 'medium_term', 'long_term'] as const) {
      assert.ok((await api.topArtists(client, range)).data.items.length > 0);
      assert.ok((await api.topTracks(client, range)).data.items.length > 0);
    }
    const track = sim.world.catalog.tracks[0];
    assert.equal((await api.track(client, track?.id as string)).data.name, track?.name);
    assert.equal(
      (await api.artist(client, track?.artistIds[0] as string)).data.genres,
      undefined,
      'genres are gone and that is fine',
    );
    assert.equal((await api.album(client, track?.albumId as string)).data.id, track?.albumId);
  });

  it('pages through liked songs and followed artists completely', async () => {
    const saved: string[] = [];
    for await (const page of api.offsetPages((offset) => api.savedTracks(client, offset, 20)))
      saved.push(...page.data.items.map((i) => i.track.id as string));
    assert.deepEqual(
      saved,
      sim.world.savedTracks().map((t) => t.trackId),
    );
    const followed: string[] = [];
    for await (const page of api.followedArtistPages(client, 7))
      followed.push(...page.data.artists.items.map((a) => a.id));
    assert.deepEqual(
      followed,
      sim.world
        .followedArtists()
        .map((f) => f.artistId)
        .sort(),
    );
  });

  it('reads playlist items whether they come as item or as legacy track, with local files and null items', async () => {
    const playlists = (await api.myPlaylists(client)).data.items;
    const bits = playlists.find((p) => p.name === 'khánh ngủyên');
    assert.ok(bits);
    const modern = (await api.playlistItems(client, bits.id)).data.items;
    await fetch(`${sim.url}/_sim/settings`, {
      method: 'POST',
      body: JSON.stringify({ legacy_item_key: true }),
    });
    const legacy = (await api.playlistItems(client, bits.id)).data.items;
    await fetch(`${sim.url}/_sim/settings`, {
      method: 'POST',
      body: JSON.stringify({ legacy_item_key: false }),
    });
    assert.deepEqual(legacy, modern);
    assert.ok(modern.some((i) => i.is_local && i.item !== null && i.item.id === null));
    assert.ok(modern.some((i) => i.item === null));
    assert.ok(modern.some((i) => i.item?.uri.startsWith('spotify:episode:')));
  });
});

describe('response shape checks', () => {
  it('name the exact place that is wrong', () => {
    const check = object({
      items: list(object({ id: string, n: optional(number), gone: nullable(string) })),
    });
    assert.deepEqual(check({ items: [{ id: 'a' }, { id: 'b', n: 2, gone: null }] }, ''), {
      items: [
        { id: 'a', n: undefined, gone: null },
        { id: 'b', n: 2, gone: null },
      ],
    });
    assert.throws(
      () => check({ items: [{ id: 'a' }, { id: null }] }, '/me/tracks'),
      (e: unknown) =>
        e instanceof ShapeError &&
        e.message === '/me/tracks.items[1].id: expected a string, got null',
    );
    assert.throws(() => check({ items: {} }, '/x'), /\/x\.items: expected a list, got object/);
  });
});
