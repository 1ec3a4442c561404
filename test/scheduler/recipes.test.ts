/**
 * The recipes in deploy/ are what the README tells users to install, so they are checked:
 * systemd units with `systemd-analyze verify`, and the crontab lines run as cron would run them
 * (through sh, twice at once: flock lets one through).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FsLake } from '../../src/lake/drivers/fs.js';
import { type Simulator, startSimulator } from '../../src/simulator/server.js';
import { REPO } from '../support/helpers.js';
import { control } from '../support/oauth.js';
import { loggedInHome } from '../support/sim-login.js';

const DEPLOY = join(REPO, 'deploy');
const hasSystemdAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;
const hasFlock = spawnSync('flock', ['--version']).status === 0;

/** The recipe as it would be installed for a checkout at REPO with this machine's node. */
const localize = (text: string) =>
  text.replaceAll('%h/wrapped-me', REPO).replaceAll('/usr/bin/node', process.execPath);

describe('deploy recipes', () => {
  const dirs: string[] = [];
  after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('systemd units pass systemd-analyze verify', {
    skip: hasSystemdAnalyze ? false : 'systemd-analyze is not installed here',
  }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wrapped-units-'));
    dirs.push(dir);
    const names = await readdir(join(DEPLOY, 'systemd'));
    assert.deepEqual(names.sort(), [
      'wrapped-me-run.service',
      'wrapped-me-run.timer',
      'wrapped-me-summary.service',
      'wrapped-me-summary.timer',
      'wrapped-me.service',
    ]);
    for (const name of names)
      await writeFile(
        join(dir, name),
        localize(await readFile(join(DEPLOY, 'systemd', name), 'utf8')),
      );
    const verified = spawnSync('systemd-analyze', ['verify', '--man=no', ...names], {
      cwd: dir,
      encoding: 'utf8',
    });
    // verify exits 0 even for a value it ignores: any message about our files is a failure.
    const about = verified.stderr.split('\n').filter((line) => names.some((n) => line.includes(n)));
    assert.equal(verified.status, 0, verified.stderr);
    assert.deepEqual(about, []);
    // The service treats the scheduler's clean stop (exit 130 on SIGTERM) as success.
    const service = await readFile(join(dir, 'wrapped-me.service'), 'utf8');
    assert.match(service, /^ExecStart=.* schedule$/m);
    assert.match(service, /^SuccessExitStatus=130$/m);
  });

  describe('crontab', { skip: hasFlock ? false : 'flock is not installed here' }, () => {
    let sim: Simulator;
    before(async () => {
      sim = await startSimulator({ seed: 'cron', start: new Date('2026-11-10T06:30:00Z') });
    });
    after(() => sim.close());

    it('the run line lets one of two overlapping runs through; the summary line works', async () => {
      const lines = localize(await readFile(join(DEPLOY, 'cron', 'wrapped-me.crontab'), 'utf8'))
        .split('\n')
        .filter((l) => l.trim() && !l.startsWith('#'));
      assert.equal(lines.length, 2);
      const entries = lines.map((l) => {
        const fields = l.trim().split(/\s+/);
        return { when: fields.slice(0, 5).join(' '), command: fields.slice(5).join(' ') };
      });
      assert.deepEqual(
        entries.map((e) => e.when),
        ['5 * * * *', '0 9 * * 1'],
      );

      // The user's HOME with the checkout at ~/wrapped-me, and a wrapped-me HOME logged in.
      const userHome = await mkdtemp(join(tmpdir(), 'wrapped-cron-'));
      dirs.push(userHome);
      await symlink(REPO, join(userHome, 'wrapped-me'));
      const login = await loggedInHome(sim, userHome);
      const env = {
        PATH: process.env.PATH ?? '',
        HOME: userHome,
        TZ: 'UTC',
        WRAPPED_HOME: login.home,
        WRAPPED_TIMEZONE: 'UTC',
        WRAPPED_NOW: new Date(sim.world.now).toISOString(),
        SPOTIFY_CLIENT_ID: 'wrapped-demo',
        SPOTIFY_ACCOUNTS_URL: sim.url,
        SPOTIFY_API_URL: `${sim.url}/v1`,
      };
      await control(sim.url, 'POST', 'faults', {
        rules: [{ path: '/v1/me/player/recently-played', kind: 'slow', delay_ms: 2000 }],
      });
      const sh = (command: string) =>
        new Promise<number | null>((resolve) => {
          spawn('/bin/sh', ['-c', command], { env, stdio: 'ignore' }).on('close', resolve);
        });
      const runLine = entries[0]?.command as string;
      const first = sh(runLine);
      await new Promise((r) => setTimeout(r, 500));
      const second = await sh(runLine);
      assert.equal(second, 1, 'flock -n refuses the overlapping run');
      assert.equal(await first, 0);
      await control(sim.url, 'DELETE', 'faults');

      const records: string[] = [];
      for await (const entry of new FsLake(join(login.home, 'lake')).list('_state/runs/'))
        records.push(entry.path);
      assert.equal(records.length, 1);
      const log = await readFile(join(userHome, '.local/state/wrapped-me.log'), 'utf8');
      assert.match(log, /Run \S+: ok\./);

      assert.equal(await sh(entries[1]?.command as string), 0);
      assert.match(
        await readFile(join(userHome, '.local/state/wrapped-me.log'), 'utf8'),
        /your week 2026-W45/,
      );
    });
  });
});
