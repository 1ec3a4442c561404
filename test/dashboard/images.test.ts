/**
 * Pictures in the Overview's top lists: artist photos and album covers from the API objects
 * wrapped-me landed (top lists, recently played, catalogue lookups), equal to the simulated
 * catalogue's, shown in Chromium. Spotify's image CDN cannot be reached here: the browser test
 * answers its requests with a small PNG (the only stand-in), and checks the page asked for the
 * right addresses.
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
      only: ['recently_played', 'top', 'catalog'],
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
});
