import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Simulator, startSimulator } from '../../src/simulator/server.js';
import { World } from '../../src/simulator/world.js';
import { api, control, loginWithPkce } from '../support/oauth.js';

type Page = { items: Array<Record<string, unknown>>; total: number; next: string | null };

describe('simulator: Web API behaviour', () => {
  let sim: Simulator;
  let token: string;
  const get = async (path: string) => api(sim.url, token, path);
  before(async () => {
    sim = await startSimulator({
      seed: 'web-api',
      start: new Date('2026-11-20T13:00:00Z'),
      accessTokenTtlSeconds: 60 * 86_400,
    });
    token = (await loginWithPkce(sim.url)).access_token;
  });
  after(() => sim.close());

  it('profile carries account_id and none of the fields removed for development mode', async () => {
    const me = (await get('/me')).body as Record<string, unknown>;
    assert.equal(typeof me.account_id, 'string');
    for (const gone of ['email', 'country', 'product', 'followers'])
      assert.equal(gone in me, false, gone);
  });

  it('top lists rank the ground truth of each window by plays', async () => {
    for (const [range, days] of [
      ['short_term', 28],
      ['medium_term', 182],
      ['long_term', 365],
    ] as const) {
      const page = (await get(`/me/top/tracks?time_range=${range}&limit=10`)).body as Page;
      const expected = sim.world
        .topTracks(days)
        .slice(0, 10)
        .map((t) => `spotify:track:${t.trackId}`);
      assert.deepEqual(
        page.items.map((t) => t.uri),
        expected,
        range,
      );
      assert.equal(
        page.items.some((t) => 'popularity' in t),
        false,
      );
    }
    const artists = (await get('/me/top/artists?time_range=short_term&limit=5')).body as Page;
    assert.equal(artists.items[0]?.id, sim.world.topArtists(28)[0]?.artistId);
    assert.equal((await get('/me/top/tracks?time_range=forever')).status, 400);
    assert.equal((await get('/me/top/tracks?limit=51')).status, 400);
  });

  it('liked songs page newest first with added_at', async () => {
    const first = (await get('/me/tracks?limit=50')).body as Page & {
      items: Array<{ added_at: string }>;
    };
    assert.equal(first.total, sim.world.savedTracks().length);
    assert.ok(first.total > 50 && first.next);
    const times = first.items.map((i) => i.added_at);
    assert.deepEqual([...times].sort().reverse(), times);
  });

  it('playlists: own ones readable with item (or track in legacy mode), local files and null items; others 403', async () => {
    const list = (await get('/me/playlists?limit=50')).body as Page;
    assert.equal(list.total, 5);
    const byName = Object.fromEntries(list.items.map((p) => [p.name as string, p]));
    const bits = byName['khánh ngủyên'] as { id: string; snapshot_id: string };
    const items = (await get(`/playlists/${bits.id}/items`)).body as Page;
    const local = items.items.find((i) => i.is_local === true) as {
      item: { uri: string; id: null };
    };
    assert.match(local.item.uri, /^spotify:local:Garage\+Band:Demo\+Tape:Track\+01:201$/);
    assert.equal(local.item.id, null);
    assert.ok(items.items.some((i) => i.item === null));
    assert.ok(items.items.some((i) => (i.item as { type?: string } | null)?.type === 'episode'));
    await control(sim.url, 'POST', 'settings', { legacy_item_key: true });
    const legacy = (await get(`/playlists/${bits.id}/items`)).body as Page;
    assert.ok(legacy.items.every((i) => 'track' in i && !('item' in i)));
    await control(sim.url, 'POST', 'settings', { legacy_item_key: false });
    for (const name of ['Top Hits Deutschland', 'Sunday Jazz']) {
      const other = await get(`/playlists/${(byName[name] as { id: string }).id}/items`);
      assert.deepEqual(
        [other.status, other.body],
        [403, { error: { status: 403, message: 'Forbidden' } }],
        name,
      );
    }
    const collab = byName['Friday Mix'] as { id: string; collaborative: boolean };
    assert.equal(collab.collaborative, true);
    assert.equal((await get(`/playlists/${collab.id}/items`)).status, 200);
  });

  it('a playlist that changes gets a new snapshot_id', async () => {
    const road = async () =>
      ((await get('/me/playlists')).body as Page).items.find((p) => p.name === 'Road Trip 🚗') as {
        snapshot_id: string;
        items: { total: number };
      };
    const before = await road();
    await control(sim.url, 'POST', 'clock', { advance: 'P7D' }); // one Monday addition a week
    const after = await road();
    assert.equal(after.items.total, before.items.total + 1);
    assert.notEqual(after.snapshot_id, before.snapshot_id);
  });

  it('followed artists page with an artist-id cursor, wrapped in "artists"', async () => {
    const seen: string[] = [];
    let path = '/me/following?type=artist&limit=7';
    for (let i = 0; i < 20; i++) {
      const page = (await get(path)).body as { artists: Page & { cursors: { after?: string } } };
      seen.push(...page.artists.items.map((a) => a.id as string));
      if (!page.artists.cursors.after) break;
      path = `/me/following?type=artist&limit=7&after=${page.artists.cursors.after}`;
    }
    assert.deepEqual(
      seen,
      sim.world
        .followedArtists()
        .map((f) => f.artistId)
        .sort(),
    );
    assert.equal((await get('/me/following?type=user')).status, 400);
  });

  it('one id per lookup; bad and unknown ids; removed endpoints answer as Spotify does now', async () => {
    const track = sim.world.catalog.tracks[5];
    const full = (await get(`/tracks/${track?.id}`)).body as Record<string, unknown>;
    assert.equal(full.name, track?.name);
    assert.deepEqual((await get('/tracks/not-an-id')).body, {
      error: { status: 400, message: 'Invalid base62 id' },
    });
    assert.equal((await get(`/tracks/${'0'.repeat(22)}`)).status, 404);
    const artist = (await get(`/artists/${track?.artistIds[0]}`)).body as Record<string, unknown>;
    for (const gone of ['popularity', 'followers', 'genres']) assert.equal(gone in artist, false);
    assert.equal((await get(`/tracks?ids=${track?.id}`)).status, 404);
    assert.equal((await get(`/audio-features?ids=${track?.id}`)).status, 403);
    assert.equal((await get(`/recommendations?seed_tracks=${track?.id}`)).status, 403);
    assert.equal((await get(`/artists/${track?.artistIds[0]}/related-artists`)).status, 403);
  });

  it('currently-playing answers 204 when nothing plays', async () => {
    await control(sim.url, 'POST', 'clock', { to: '2026-12-01T03:30:00Z' }); // 04:30 in Berlin: asleep
    assert.equal(sim.world.playingAt(), undefined);
    const idle = await fetch(`${sim.url}/v1/me/player/currently-playing`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(idle.status, 204);
    assert.equal(await idle.text(), '');
  });
});

describe('simulator: same seed, same world', () => {
  it('two worlds from one seed agree; another seed differs', () => {
    const start = new Date('2026-11-20T12:00:00Z');
    const a = new World({ seed: 'same', start });
    const b = new World({ seed: 'same', start });
    const c = new World({ seed: 'other', start });
    const truth = (w: World) => JSON.stringify(w.streams(w.historyStart, w.now));
    assert.equal(truth(a), truth(b));
    assert.notEqual(truth(a), truth(c));
    assert.deepEqual(a.savedTracks(), b.savedTracks());
    // Asking about a later day first does not change the earlier days.
    const d = new World({ seed: 'same', start });
    d.streams(d.now - 86_400_000, d.now);
    assert.equal(truth(d), truth(a));
  });

  it('a listener with rhythm: skips, podcasts, private and offline sessions, non-Latin names', () => {
    const w = new World({ seed: 'texture', start: new Date('2026-11-20T12:00:00Z') });
    const streams = w.streams(w.historyStart, w.now);
    const share = (f: (s: (typeof streams)[number]) => boolean) =>
      streams.filter(f).length / streams.length;
    assert.ok(streams.length > 5000);
    assert.ok(share((s) => s.msPlayed < 30_000) > 0.1);
    assert.ok(share((s) => s.contentType === 'episode') > 0.005);
    assert.ok(share((s) => s.private) > 0.005);
    assert.ok(share((s) => s.offline && s.syncedAt > s.endedAt) > 0.01);
    assert.ok(w.catalog.artists.some((a) => /[^\p{Script=Latin}\p{Script=Common}]/u.test(a.name)));
    for (let i = 1; i < streams.length; i++) {
      assert.ok(
        (streams[i]?.startedAt ?? 0) >= (streams[i - 1]?.endedAt ?? 0),
        'streams never overlap',
      );
    }
  });
});
