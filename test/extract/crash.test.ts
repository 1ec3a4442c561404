/**
 * Crash safety: `wrapped extract` processes killed with SIGKILL at random moments, each
 * followed by a normal run, land exactly the plays an undisturbed poller lands, and their
 * cursors agree with their ledger.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readSourceState } from '../../src/extract/state.js';
import { FsLake } from '../../src/lake/drivers/fs.js';
import { LoadLedger } from '../../src/lake/ledger.js';
import { type Simulator, startSimulator } from '../../src/simulator/server.js';
import { BIN, wrapped } from '../support/helpers.js';
import { landedPlays } from '../support/landed.js';
import { control } from '../support/oauth.js';
import { loggedInHome } from '../support/sim-login.js';

describe('extract: SIGKILL at random moments', () => {
  let sim: Simulator;
  let base: string;
  before(async () => {
    sim = await startSimulator({ seed: 'crash', start: new Date('2026-11-09T05:30:00Z') });
    base = await mkdtemp(join(tmpdir(), 'wrapped-crash-'));
  });
  after(async () => {
    await sim.close();
    await rm(base, { recursive: true, force: true });
  });

  it('twenty killed runs, each followed by a normal one, land the same plays as an undisturbed poller', async () => {
    const calm = await loggedInHome(sim, base);
    const crashy = await loggedInHome(sim, base);
    const env = (home: string) => ({
      WRAPPED_HOME: home,
      SPOTIFY_CLIENT_ID: 'wrapped-demo',
      SPOTIFY_ACCOUNTS_URL: sim.url,
      SPOTIFY_API_URL: `${sim.url}/v1`,
      WRAPPED_NOW: new Date(sim.world.now).toISOString(),
    });
    let seed = 7;
    const random = () => {
      seed = (seed * 48271) % 2147483647;
      return seed / 2147483647;
    };
    let killed = 0;
    for (let i = 0; i < 20; i++) {
      await control(sim.url, 'POST', 'clock', { advance: 'PT1H' });
      const started = performance.now();
      const calmRun = await wrapped(['extract', '--json'], { env: env(calm.home) });
      const duration = performance.now() - started;
      assert.equal(calmRun.code, 0, calmRun.stderr);
      // Kill at a random moment of a run as long as the undisturbed one took.
      const child = spawn(process.execPath, [BIN, 'extract'], {
        env: { PATH: process.env.PATH ?? '', ...env(crashy.home) },
        stdio: 'ignore',
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), random() * duration * 0.95);
      const [, signal] = (await once(child, 'close')) as [number | null, string | null];
      clearTimeout(timer);
      if (signal === 'SIGKILL') killed++;
      const recovery = await wrapped(['extract', '--json'], { env: env(crashy.home) });
      assert.equal(recovery.code, 0, recovery.stderr);
    }
    assert.ok(killed >= 15, `${killed} of 20 runs were killed mid-way`);
    const calmLake = new FsLake(join(calm.home, 'lake'));
    const crashyLake = new FsLake(join(crashy.home, 'lake'));
    assert.deepEqual(
      [...(await landedPlays(crashyLake))].sort(),
      [...(await landedPlays(calmLake))].sort(),
    );

    // Cursors agree with the ledger: the newest play in the state is the newest ledgered one.
    const state = await readSourceState(crashyLake, 'recently_played');
    let newest = '';
    for (const play of await landedPlays(crashyLake)) {
      const at = play.split('|')[1] as string;
      if (at > newest) newest = at;
    }
    assert.equal(state?.newest_played_at, newest);
    const ledgerIds = new Set<string>();
    for await (const entry of new LoadLedger(crashyLake).entries()) ledgerIds.add(entry.load_id);
    const catalogState = await readSourceState(crashyLake, 'catalog');
    assert.ok(
      catalogState?.scanned_through === null ||
        ledgerIds.has(catalogState?.scanned_through as string),
    );
  });
});
