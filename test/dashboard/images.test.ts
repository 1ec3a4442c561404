/**
 * Pictures in the Overview's top lists: artist photos and album covers from the API objects
 * wrapped-me landed (top lists, recently played, catalogue lookups), equal to the simulated
 * catalogue's, shown in Chromium. Spotify's image CDN cannot be reached here: the browser test
 * answers its requests with a small PNG (the only stand-in), and checks the page asked for the
 * right addresses. Pictures are a request to a third party: without a login to Spotify itself
 * (an import only, or the simulator's login as in the demo) none is handed out, and the page
 * draws placeholders, as it does for a picture that cannot load.
 */
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import { FsLake } from '../../src/lake/drivers/fs.js';
import { type RunningServer, startServer } from '../../src/server/app.js';
import { fullAlbum, fullArtist } from '../../src/simulator/objects.js';
import { type Simulator, startSimulator } from '../../src/simulator/server.js';
import { launchChromium, noChromium } from '../support/browser.js';
import { wrapped } from '../support/helpers.js';
import { loggedInHome, pollHourly } from '../support/sim-login.js';

// A 1x1 PNG.
const PIXEL = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

interface TopRow {
  artist_name?: string;
  track_key?: string;
  album_key?: string;
  image_url?: string;
}

describe('top lists with pictures', () => {
  let sim: Simulator;
  let home: string;
  let server: RunningServer;
  before(async () => {
    sim = await startSimulator({ seed: 'pictures', start: new Date('2026-11-10T07:00:00Z') });
    const login = await loggedInHome(sim);
    home = login.home;
    const lake = new FsLake(join(home, 'lake'));
    await pollHourly(sim, login, {
      lake,
      hours: 12,
      only: ['recently_played', 'top', 'catalog', 'saved_tracks', 'playlists'],
      catalogBudget: 200,
    });
    const env = { WRAPPED_HOME: home, WRAPPED_TIMEZONE: 'UTC' };
    const built = await wrapped(['transform'], { env });
    assert.equal(built.code, 0, built.stderr);
    server = await startServer({
      config: loadConfig({ env, cwd: home }),
      lake,
      host: '127.0.0.1',
      port: 0,
      now: () => new Date(sim.world.now),
    });
  });
  after(async () => {
    await server?.close();
    await sim?.close();
    await rm(home, { recursive: true, force: true });
  });

  it('the API gives each top artist its photo and each track and album its cover', async () => {
    const shape = { api: `${sim.url}/v1`, legacyFields: false };
    const { catalog } = sim.world;
    const overview = (await (await fetch(`${server.url}api/overview?period=all`)).json()) as {
      top_artists: TopRow[];
      top_tracks: TopRow[];
      top_albums: TopRow[];
    };
    assert.ok(overview.top_tracks.length > 0);
    for (const t of overview.top_tracks) {
      const track = catalog.track.get(String(t.track_key).replace('spotify:track:', ''));
      assert.ok(track, String(t.track_key));
      const album = catalog.album.get(track.albumId);
      assert.ok(album);
      assert.equal(t.image_url, fullAlbum(album, catalog, shape).images[0]?.url);
    }
    for (const a of overview.top_albums) {
      const album = catalog.album.get(String(a.album_key).replace('spotify:album:', ''));
      assert.ok(album, String(a.album_key));
      assert.equal(a.image_url, fullAlbum(album, catalog, shape).images[0]?.url);
    }
    const withPhoto = overview.top_artists.filter((a) => a.image_url !== undefined);
    assert.ok(withPhoto.length > 0, 'some artists were looked up or in a top list');
    for (const a of withPhoto) {
      const artist = catalog.artists.find((x) => x.name === a.artist_name);
      assert.ok(artist, String(a.artist_name));
      assert.equal(a.image_url, fullArtist(artist, shape).images[0]?.url);
    }
  });

  it("a song's page says when it was saved to Liked Songs, as the simulator saved it", async () => {
    const saved = new Map(sim.world.savedTracks().map((t) => [`spotify:track:${t.trackId}`, t]));
    const overview = (await (
      await fetch(`${server.url}api/overview?period=all&limit=50`)
    ).json()) as {
      top_tracks: TopRow[];
    };
    let seenSaved = 0;
    let seenNot = 0;
    for (const t of overview.top_tracks) {
      const page = (await (
        await fetch(`${server.url}api/track?key=${encodeURIComponent(String(t.track_key))}`)
      ).json()) as { library: { read: boolean; saved_at: string[]; playlists: string[] } };
      assert.equal(page.library.read, true);
      const truth = saved.get(String(t.track_key));
      assert.deepEqual(
        page.library.saved_at,
        truth ? [new Date(truth.addedAt).toISOString()] : [],
        String(t.track_key),
      );
      if (truth) seenSaved++;
      else seenNot++;
    }
    assert.ok(seenSaved > 0 && seenNot > 0, `${seenSaved} saved, ${seenNot} not`);
  });

  it("an album's page says when its songs you played were saved, as the simulator saved them", async () => {
    const saved = sim.world.savedTracks();
    const overview = (await (
      await fetch(`${server.url}api/overview?period=all&limit=50`)
    ).json()) as { top_albums: TopRow[] };
    let withSaves = 0;
    for (const a of overview.top_albums) {
      const page = (await (
        await fetch(`${server.url}api/album?key=${encodeURIComponent(String(a.album_key))}`)
      ).json()) as { library: { read: boolean; saved_at: string[] }; tracks: TopRow[] };
      assert.equal(page.library.read, true);
      // The simulator's saves of the songs the page lists, found by their album in its catalogue.
      const listed = new Set(page.tracks.map((t) => String(t.track_key)));
      const albumId = String(a.album_key).replace('spotify:album:', '');
      const truth = saved
        .filter(
          (t) =>
            sim.world.catalog.track.get(t.trackId)?.albumId === albumId &&
            listed.has(`spotify:track:${t.trackId}`),
        )
        .map((t) => new Date(t.addedAt).toISOString())
        .sort();
      assert.deepEqual(page.library.saved_at, truth, String(a.album_key));
      if (truth.length > 0) withSaves++;
    }
    assert.ok(withSaves > 0, 'some albums hold a saved song');
  });

  it('Chromium shows them beside the names, with no console error', {
    skip: noChromium,
  }, async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      const asked: string[] = [];
      await page.route('https://i.scdn.co/**', (route) => {
        asked.push(route.request().url());
        return route.fulfill({ status: 200, contentType: 'image/png', body: PIXEL });
      });
      await page.goto(`${server.url}#/overview?period=all`);
      await page.waitForFunction(() => document.querySelector('main')?.getAttribute('data-ready'));
      const thumbs = page.locator('[data-testid="top-tracks"] img.thumb');
      assert.ok((await thumbs.count()) > 0);
      await page.waitForFunction(() =>
        Array.from(document.querySelectorAll('img.thumb')).every(
          (img) => (img as HTMLImageElement).complete,
        ),
      );
      const loaded = await thumbs.evaluateAll((imgs) =>
        imgs.map((img) => [(img as HTMLImageElement).src, (img as HTMLImageElement).naturalWidth]),
      );
      for (const [src, width] of loaded) {
        assert.ok(asked.includes(String(src)), `${src} was not requested`);
        assert.equal(width, 1);
      }
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });

  const openPage = async (url: string, route: (r: import('playwright-core').Route) => unknown) => {
    const browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const asked: string[] = [];
    await page.route(
      (address) => address.protocol === 'https:',
      (r) => {
        asked.push(r.request().url());
        return route(r);
      },
    );
    await page.goto(url);
    await page.waitForFunction(() => document.querySelector('main')?.getAttribute('data-ready'));
    return { browser, page, asked, errors };
  };
  const placeholders = (page: import('playwright-core').Page) =>
    page
      .locator('[data-testid="top-artists"] span.thumb.placeholder')
      .evaluateAll((spans) => spans.map((s) => [s.textContent, s.className]));

  it("a picture that cannot load gives way to the name's initials, never a broken image", {
    skip: noChromium,
  }, async () => {
    const { browser, page, asked, errors } = await openPage(
      `${server.url}#/overview?period=all`,
      (r) => r.abort('internetdisconnected'),
    );
    try {
      await page.waitForFunction(() => document.querySelectorAll('img.thumb').length === 0);
      assert.ok(asked.length > 0, 'the pictures were asked for');
      const shown = await placeholders(page);
      assert.ok(shown.length > 0);
      const names = await page
        .locator('[data-testid="top-artists"] li .name')
        .evaluateAll((els) => els.map((e) => e.textContent ?? ''));
      for (const [i, [text, className]] of shown.entries()) {
        const words = (names[i] ?? '').split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w));
        const expected = words
          .slice(0, 2)
          .map((w) => (w.match(/[\p{L}\p{N}]/u) as RegExpMatchArray)[0])
          .join('')
          .toLocaleUpperCase();
        assert.equal(text, expected, `initials of ${names[i]}`);
        assert.match(String(className), /hue-\d+/);
      }
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });

  it("without a login to Spotify itself (the simulator's, as in the demo), no picture leaves the server and the page asks no third party", async () => {
    const env = {
      WRAPPED_HOME: home,
      WRAPPED_TIMEZONE: 'UTC',
      SPOTIFY_ACCOUNTS_URL: sim.url,
    };
    const local = await startServer({
      config: loadConfig({ env, cwd: home }),
      lake: new FsLake(join(home, 'lake')),
      host: '127.0.0.1',
      port: 0,
      now: () => new Date(sim.world.now),
    });
    try {
      const overview = (await (await fetch(`${local.url}api/overview?period=all`)).json()) as {
        top_artists: TopRow[];
        top_tracks: TopRow[];
        top_albums: TopRow[];
      };
      const rows = [...overview.top_artists, ...overview.top_tracks, ...overview.top_albums];
      assert.ok(rows.length > 0);
      assert.deepEqual(
        rows.filter((r) => r.image_url !== undefined),
        [],
      );
      if (noChromium) return;
      const { browser, page, asked, errors } = await openPage(
        `${local.url}#/overview?period=all`,
        (r) => r.abort(),
      );
      try {
        assert.deepEqual(asked, [], 'no request beyond the dashboard');
        assert.ok((await placeholders(page)).length > 0);
        assert.equal(await page.locator('img.thumb').count(), 0);
        assert.deepEqual(errors, []);
      } finally {
        await browser.close();
      }
    } finally {
      await local.close();
    }
  });

  it('an API-only lake names the years an extended history would add: from the first song saved to Liked Songs, the years with no play here', async () => {
    // The simulator's own Liked Songs and the hours polled (all in 2026), not the lake's tables.
    const savedYears = sim.world.savedTracks().map((t) => new Date(t.addedAt).getUTCFullYear());
    const firstSaved = Math.min(...savedYears);
    const polledYear = new Date(sim.world.now).getUTCFullYear();
    const expected: string[] = [];
    for (let year = firstSaved; year < polledYear; year++) expected.push(String(year));
    assert.ok(expected.length > 0, `songs were saved before ${polledYear}`);
    const meta = (await (await fetch(`${server.url}api/meta`)).json()) as {
      missing_years: string[];
    };
    assert.deepEqual(meta.missing_years, expected);
    if (noChromium) return;
    const { browser, page, errors } = await openPage(`${server.url}#/overview?period=all`, (r) =>
      r.abort(),
    );
    try {
      const note = page.getByTestId('missing-years');
      assert.equal(await note.getAttribute('data-years'), expected.join(' '));
      assert.match(String(await note.textContent()), /Import your extended streaming history/);
      // At phone width it wraps: the page does not scroll sideways.
      await page.setViewportSize({ width: 390, height: 900 });
      assert.ok(
        await page.evaluate(
          () => document.documentElement.scrollWidth <= document.documentElement.clientWidth,
        ),
      );
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });
});
