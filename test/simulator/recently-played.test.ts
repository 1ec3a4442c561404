import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Simulator, startSimulator } from '../../src/simulator/server.js';
import { api, control, loginWithPkce } from '../support/oauth.js';
import type { TruthPlay } from '../support/truth.js';

describe('simulator: recently-played follows the ground truth', () => {
  let sim: Simulator;
  let token: string;
  before(async () => {
    sim = await startSimulator({
      seed: 'rp-test',
      start: new Date('2026-11-16T06:00:00Z'),
      accessTokenTtlSeconds: 10 * 86_400,
    });
    token = (await loginWithPkce(sim.url)).access_token;
  });
  after(() => sim.close());

  it('at every hour of a day, the API shows exactly the last 50 API-visible plays', async () => {
    for (let hour = 0; hour < 24; hour++) {
      await control(sim.url, 'POST', 'clock', { advance: 'PT1H' });
      const { now } = (await control(sim.url, 'GET', 'clock')) as { now: string };
      const truth = (await control(
        sim.url,
        'GET',
        `truth/plays?from=2026-10-01T00:00:00Z&to=${now}`,
      )) as TruthPlay[];
      const visible = truth
        .filter((p) => p.in_recently_played && p.visible_at <= now && p.ended_at <= now)
        .sort((a, b) => (a.ended_at < b.ended_at ? 1 : -1))
        .slice(0, 50);
      const page = (await api(sim.url, token, '/me/player/recently-played?limit=50')).body as {
        items: Array<{ played_at: string; track: { uri: string } }>;
        cursors: { after?: string; before?: string };
      };
      assert.deepEqual(
        page.items.map((i) => [i.played_at, i.track.uri]),
        visible.map((p) => [p.ended_at, p.track_uri]),
        `at ${now}`,
      );
      assert.equal(page.cursors.after, String(Date.parse(visible[0]?.ended_at ?? '')));
    }
  });

  it('pages with before and after cursors in milliseconds', async () => {
    const first = (await api(sim.url, token, '/me/player/recently-played?limit=20')).body as {
      items: Array<{ played_at: string }>;
      cursors: { before: string };
      next: string;
    };
    assert.equal(first.items.length, 20);
    const next = new URL(first.next);
    assert.equal(next.searchParams.get('before'), first.cursors.before);
    const second = (
      await api(
        sim.url,
        token,
        `/me/player/recently-played?limit=20&before=${first.cursors.before}`,
      )
    ).body as {
      items: Array<{ played_at: string }>;
    };
    assert.ok(second.items.every((i) => Date.parse(i.played_at) < Number(first.cursors.before)));
    const newest = Date.parse(first.items[0]?.played_at ?? '');
    const none = (await api(sim.url, token, `/me/player/recently-played?after=${newest}`)).body as {
      items: unknown[];
    };
    assert.deepEqual(none.items, []);
    const both = await api(sim.url, token, '/me/player/recently-played?after=1&before=2');
    assert.equal(both.status, 400);
  });

  it('offline plays arrive late, with their original played_at', async () => {
    // A separate world, so the clock can be set just before and after an offline sync.
    const world = (await startSimulator({
      seed: 'rp-offline',
      start: new Date('2026-06-01T00:00:00Z'),
      accessTokenTtlSeconds: 400 * 86_400,
    })) as Simulator;
    try {
      const offline = world.world
        .streams(world.world.now, world.world.now + 60 * 86_400_000)
        .find(
          (s) =>
            s.offline &&
            s.msPlayed >= 30_000 &&
            s.contentType === 'track' &&
            s.syncedAt - s.endedAt > 3_600_000,
        );
      assert.ok(offline, 'the listener has offline sessions');
      const own = (await loginWithPkce(world.url)).access_token;
      await control(world.url, 'POST', 'clock', {
        to: new Date(offline.endedAt + 60_000).toISOString(),
      });
      const playedAt = new Date(offline.endedAt).toISOString();
      const beforeSync = (await api(world.url, own, '/me/player/recently-played?limit=50'))
        .body as { items: Array<{ played_at: string }> };
      assert.ok(
        !beforeSync.items.some((i) => i.played_at === playedAt),
        'not visible before the phone syncs',
      );
      await control(world.url, 'POST', 'clock', { to: new Date(offline.syncedAt).toISOString() });
      const afterSync = (await api(world.url, own, '/me/player/recently-played?limit=50')).body as {
        items: Array<{ played_at: string }>;
      };
      assert.ok(
        afterSync.items.some((i) => i.played_at === playedAt),
        'visible after the sync, at its original time',
      );
    } finally {
      await world.close();
    }
  });

  it('never shows podcasts, plays under 30 s or private sessions', () => {
    const streams = sim.world.streams(sim.world.historyStart, sim.world.now);
    const shown = new Set(sim.world.recentlyPlayed().map((s) => s.endedAt));
    const hidden = streams.filter(
      (s) => s.contentType === 'episode' || s.msPlayed < 30_000 || s.private,
    );
    assert.ok(
      hidden.some((s) => s.contentType === 'episode') &&
        hidden.some((s) => s.private) &&
        hidden.some((s) => s.msPlayed < 30_000),
    );
    assert.ok(hidden.every((s) => !shown.has(s.endedAt)));
  });
});
