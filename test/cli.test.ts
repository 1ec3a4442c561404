import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { cp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { FsLake } from '../src/lake/drivers/fs.js';
import { Warehouse } from '../src/warehouse/engine.js';
import { BIN, SMALL_MODELS, tempDir, wrapped } from './support/helpers.js';

describe('wrapped command line', () => {
  it('answers --help and --version', async () => {
    const help = await wrapped(['--help']);
    assert.equal(help.code, 0);
    for (const command of ['doctor', 'query', 'transform', 'check'])
      assert.match(help.stdout, new RegExp(`\\n  ${command}\\b`));
    assert.match(help.stdout, /Exit codes: 0 ok, 1 failed, 2 usage/);
    const version = await wrapped(['--version']);
    assert.equal(version.code, 0);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  });

  it('exits 2 on usage errors', async () => {
    const home = await tempDir();
    assert.equal((await wrapped(['no-such-command'], { env: { WRAPPED_HOME: home } })).code, 2);
    assert.equal((await wrapped(['query'], { env: { WRAPPED_HOME: home } })).code, 2);
    const both = await wrapped(['query', 'select 1', '--json', '--csv'], {
      env: { WRAPPED_HOME: home },
    });
    assert.equal(both.code, 2);
    assert.match(both.stderr, /Choose one of --json and --csv/);
  });

  it('query prints JSON, CSV and a table', async () => {
    const env = { WRAPPED_HOME: await tempDir() };
    const json = await wrapped(['query', 'select 42 as answer', '--json'], { env });
    assert.equal(json.code, 0, json.stderr);
    assert.equal(json.stdout, '[{"answer":42}]\n');
    const csv = await wrapped(['query', 'select 1 as n, \'a,"b"\' as s', '--csv'], { env });
    assert.equal(csv.stdout, 'n,s\r\n1,"a,""b"""\n');
    const table = await wrapped(['query', "select 7 as n, 'x' as label"], { env });
    assert.equal(table.stdout, 'n  label\n-  -----\n7  x\n(1 row)\n');
    const bad = await wrapped(['query', 'selec 1', '--json'], { env });
    assert.equal(bad.code, 1);
    assert.match(JSON.parse(bad.stdout).error.message, /Query failed: Parser Error/);
  });

  it('doctor reports in JSON and never prints a secret', async () => {
    const home = await tempDir();
    const env = {
      WRAPPED_HOME: home,
      SPOTIFY_CLIENT_ID: 'my-client-id',
      SPOTIFY_CLIENT_SECRET: 's3cr3t-value',
      SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T000/B000/w3bh00k-s3cr3t',
    };
    for (const args of [['doctor', '--json'], ['doctor']]) {
      const result = await wrapped(args, { env });
      assert.equal(result.code, 0, result.stderr);
      assert.doesNotMatch(result.stdout + result.stderr, /s3cr3t-value|w3bh00k-s3cr3t/);
    }
    const report = JSON.parse((await wrapped(['doctor', '--json'], { env })).stdout);
    assert.equal(report.ok, true);
    const byName = Object.fromEntries(
      report.checks.map((c: { name: string; status: string }) => [c.name, c.status]),
    );
    assert.deepEqual(Object.keys(byName), [
      'node',
      'home',
      'lake',
      'leftovers',
      'listeners',
      'timezone',
      'spotify',
      'login',
      'slack',
      'disk',
      'engine',
      'builds',
    ]);
    assert.equal(byName.spotify, 'ok');
    assert.equal(byName.login, 'warn', 'not logged in yet');
    const secret = report.settings.find((s: { env: string }) => s.env === 'SPOTIFY_CLIENT_SECRET');
    assert.deepEqual(secret, {
      key: 'spotifyClientSecret',
      env: 'SPOTIFY_CLIENT_SECRET',
      value: '[redacted]',
      secret: true,
      source: 'environment variable SPOTIFY_CLIENT_SECRET',
    });
  });

  it('doctor probes an existing lake with a real write, read and list', async () => {
    const home = await tempDir();
    const lake = new FsLake(join(home, 'lake'));
    await lake.put('raw/keep.json', '{}');
    const report = JSON.parse(
      (await wrapped(['doctor', '--json'], { env: { WRAPPED_HOME: home } })).stdout,
    );
    assert.match(
      report.checks.find((c: { name: string }) => c.name === 'lake').summary,
      /read, write, list ok/,
    );
    const left = [];
    for await (const entry of lake.list()) left.push(entry.path);
    assert.deepEqual(left, ['raw/keep.json']);
  });

  it('a bad time zone exits 2 and names WRAPPED_TIMEZONE', async () => {
    const result = await wrapped(['doctor'], {
      env: { WRAPPED_HOME: await tempDir(), WRAPPED_TIMEZONE: 'Not/AZone' },
    });
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /WRAPPED_TIMEZONE = "Not\/AZone" \(from environment variable WRAPPED_TIMEZONE\)/,
    );
  });

  it('reads .env in the working directory', async () => {
    const cwd = await tempDir();
    await writeFile(
      join(cwd, '.env'),
      `WRAPPED_HOME=${join(cwd, 'home')}\nWRAPPED_TIMEZONE=Asia/Kolkata\n`,
    );
    const result = await wrapped(['query', "select current_setting('TimeZone') as tz", '--json'], {
      cwd,
    });
    assert.equal(result.stdout, '[{"tz":"Asia/Kolkata"}]\n');
  });

  it('transform then check: exit 0 on clean data, exit 3 naming model and check on a planted duplicate', async () => {
    const home = await tempDir();
    const env = { WRAPPED_HOME: home, WRAPPED_MODELS: SMALL_MODELS, WRAPPED_TIMEZONE: 'UTC' };
    const lake = new FsLake(join(home, 'lake'));
    const play = { ts: '2026-11-20T08:00:00Z', track: 'Song', artist: 'Band', ms: 180000 };
    await lake.put(
      'raw/test/plays/a.json',
      JSON.stringify([play, { ...play, ts: '2026-11-20T09:00:00Z' }]),
    );

    const built = await wrapped(['transform', '--json'], { env });
    assert.equal(built.code, 0, built.stderr);
    const result = JSON.parse(built.stdout);
    assert.deepEqual(
      result.models.map((m: { model: string }) => m.model),
      ['bronze.stg_plays', 'silver.dim_artist', 'silver.fct_play', 'gold.agg_daily_listening'],
    );
    assert.match(built.stderr, /\[4\/4\] gold\.agg_daily_listening/);
    const ledger = JSON.parse((await lake.get(`_loads/${result.load_id}.json`)).toString());
    assert.equal(ledger.kind, 'transform');
    assert.equal(ledger.status, 'ok');

    const ok = await wrapped(['check'], { env });
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /(\d+) of \1 checks passed/);

    await lake.put('raw/test/plays/b.json', JSON.stringify([play]));
    assert.equal((await wrapped(['transform'], { env })).code, 0);
    const failed = await wrapped(['check'], { env });
    assert.equal(failed.code, 3);
    assert.match(failed.stdout, /✗ silver\.fct_play\s+unique\(play_id\)\s+2 rows fail/);
    assert.match(
      failed.stderr,
      /1 data check failed, first: silver\.fct_play unique\(play_id\) \(2 rows fail\)/,
    );
    const json = JSON.parse((await wrapped(['check', '--json'], { env })).stdout);
    assert.equal(json.failed, 1);

    const queried = await wrapped(
      ['query', 'select plays from gold.agg_daily_listening', '--json'],
      { env },
    );
    assert.equal(queried.stdout, '[{"plays":3}]\n');
  });

  it('transform drops the view of a model taken out of the project, and keeps a view of your own', async () => {
    const home = await tempDir();
    const models = join(await tempDir(), 'models');
    await cp(SMALL_MODELS, models, { recursive: true });
    const retired = join(models, 'silver', 'int_artist_plays.sql');
    await writeFile(
      retired,
      '-- depends_on: silver.fct_play\n-- materialized: view\nselect artist_id, count(*) as plays from silver.fct_play group by artist_id\n',
    );
    const env = { WRAPPED_HOME: home, WRAPPED_MODELS: models, WRAPPED_TIMEZONE: 'UTC' };
    const lake = new FsLake(join(home, 'lake'));
    const play = { ts: '2026-11-20T08:00:00Z', track: 'Song', artist: 'Band', ms: 180000 };
    await lake.put('raw/test/plays/a.json', JSON.stringify([play]));
    const views = async () => {
      const listed = await wrapped(
        [
          'query',
          "select schema_name || '.' || view_name as id from duckdb_views() where not internal order by id",
          '--json',
        ],
        { env },
      );
      assert.equal(listed.code, 0, listed.stderr);
      return (JSON.parse(listed.stdout) as Array<{ id: string }>).map((r) => r.id);
    };
    const first = await wrapped(['transform'], { env });
    assert.equal(first.code, 0, first.stderr);
    assert.ok((await views()).includes('silver.int_artist_plays'));
    const warehouse = await Warehouse.open({
      file: join(home, 'warehouse.duckdb'),
      timezone: 'UTC',
    });
    await warehouse.run('CREATE VIEW silver.my_artists AS SELECT * FROM silver.dim_artist');
    warehouse.close();

    await rm(retired);
    const rebuilt = await wrapped(['transform'], { env });
    assert.equal(rebuilt.code, 0, rebuilt.stderr);
    assert.deepEqual(await views(), [
      'bronze.stg_plays',
      'gold.agg_daily_listening',
      'silver.dim_artist',
      'silver.fct_play',
      'silver.my_artists',
    ]);
  });

  it('transform with no models says so plainly', async () => {
    const home = await tempDir();
    const empty = await tempDir();
    const result = await wrapped(['transform'], {
      env: { WRAPPED_HOME: home, WRAPPED_MODELS: empty },
    });
    assert.equal(result.code, 0);
    assert.match(result.stdout, /No models in .*: nothing to build/);
  });

  it('a cloud lake URL that names no account says which setting to add', async () => {
    const result = await wrapped(['query', 'select 1', '--lake', 'az://lake/x'], {
      env: { WRAPPED_HOME: await tempDir() },
    });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /az:\/\/lake\/x names no storage account/);
    assert.match(result.stderr, /AZURE_STORAGE_ACCOUNT/);
  });
});

describe('interruption', () => {
  it('Ctrl-C during a long query exits 130', async () => {
    const home = await tempDir();
    const child = spawn(
      process.execPath,
      [BIN, 'query', 'select count(*) from range(100000000000)'],
      {
        env: { PATH: process.env.PATH ?? '', WRAPPED_HOME: home, TZ: 'UTC' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    // Wait until the warehouse exists (the query is running), then interrupt.
    for (let i = 0; i < 200 && !existsSync(join(home, 'warehouse.duckdb')); i++) await delay(25);
    await delay(200);
    child.kill('SIGINT');
    const [code] = (await once(child, 'close')) as [number | null];
    assert.equal(code, 130);
  });
});

describe('output pipes', () => {
  it('a reader that stops early (| head) ends the command quietly', async () => {
    const home = await tempDir();
    const child = spawn(
      process.execPath,
      [BIN, 'query', 'select range as n from range(200000)', '--csv'],
      {
        env: { PATH: process.env.PATH ?? '', WRAPPED_HOME: home, TZ: 'UTC' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.stdout.once('data', () => child.stdout.destroy());
    const [code] = (await once(child, 'close')) as [number | null];
    assert.equal(code, 0);
    assert.doesNotMatch(stderr, /EPIPE|Error/);
  });
});

describe('wrapped export', () => {
  it('writes a table as CSV, Parquet and JSON, and refuses names that are not tables', async () => {
    const home = await tempDir();
    const env = { WRAPPED_HOME: home, WRAPPED_MODELS: SMALL_MODELS, WRAPPED_TIMEZONE: 'UTC' };
    const lake = new FsLake(join(home, 'lake'));
    const play = {
      ts: '2026-11-20T08:00:00Z',
      track: 'Song, "quoted"',
      artist: 'Band',
      ms: 180000,
    };
    await lake.put(
      'raw/test/plays/a.json',
      JSON.stringify([play, { ...play, ts: '2026-11-21T09:00:00Z' }]),
    );
    assert.equal((await wrapped(['transform'], { env })).code, 0);

    const csv = join(home, 'daily.csv');
    assert.equal(
      (await wrapped(['export', 'gold.agg_daily_listening', '--out', csv], { env })).code,
      0,
    );
    assert.deepEqual((await readFile(csv, 'utf8')).trim().split('\n'), [
      'day,plays,minutes',
      '2026-11-20,1,3.0',
      '2026-11-21,1,3.0',
    ]);
    const json = join(home, 'plays.json');
    assert.equal((await wrapped(['export', 'silver.fct_play', '--out', json], { env })).code, 0);
    assert.deepEqual(
      (JSON.parse(await readFile(json, 'utf8')) as Array<{ track_name: string }>).map(
        (r) => r.track_name,
      ),
      ['Song, "quoted"', 'Song, "quoted"'],
    );
    const parquet = join(home, 'daily.parquet');
    const written = await wrapped(
      ['export', 'gold.agg_daily_listening', '--out', parquet, '--json'],
      { env },
    );
    assert.equal(JSON.parse(written.stdout).rows, 2);
    const back = await wrapped(
      ['query', `select sum(plays) as plays from read_parquet('${parquet}')`, '--json'],
      { env },
    );
    assert.equal(back.stdout, '[{"plays":2}]\n');

    const hostile = await wrapped(['export', "gold.x'; drop table y; --", '--out', csv], { env });
    assert.equal(hostile.code, 2);
    const missing = await wrapped(['export', 'gold.nope', '--out', join(home, 'nope.csv')], {
      env,
    });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /There is no table gold\.nope/);
    assert.deepEqual(
      (await readdir(home)).filter((f) => f.includes('nope') || f.endsWith('.partial')),
      [],
    );
  });
});
