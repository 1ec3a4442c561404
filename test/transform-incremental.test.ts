/**
 * Incremental builds: after a sequence of imports and hourly polls, each followed by a plain
 * `wrapped transform` (bronze reads only the loads it has not read), every bronze, silver and
 * gold table equals, row for row, what `wrapped transform --full-refresh` builds from all raw.
 */
import assert from 'node:assert/strict';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeSyntheticExtendedExport } from '../src/bench/export-generator.js';
import { hourOfPlays } from '../src/bench/incremental.js';
import { packagedModelsDir } from '../src/config/settings.js';
import { FsLake } from '../src/lake/drivers/fs.js';
import { newLoadId } from '../src/lake/load-id.js';
import { exportZip } from '../src/simulator/export.js';
import { type Simulator, startSimulator } from '../src/simulator/server.js';
import { Warehouse } from '../src/warehouse/engine.js';
import type { TableManifest } from '../src/warehouse/manifest.js';
import { MAX_PARTITION_PARTS } from '../src/warehouse/materializations/partitioned.js';
import { loadModels } from '../src/warehouse/models.js';
import { buildModels } from '../src/warehouse/runner.js';
import { queryRows, REPO, tempDir, wrapped } from './support/helpers.js';
import { loggedInHome, pollHourly } from './support/sim-login.js';

const HOUR = 3_600_000;
const SAMPLES = join(REPO, '..', 'shared', 'samples');

interface Manifest {
  load_id: string;
  files: string[];
  loads?: string[];
}

describe('transform: incremental equals --full-refresh', () => {
  let sim: Simulator;
  let home: string;
  before(async () => {
    sim = await startSimulator({ seed: 'incremental', start: new Date('2026-10-01T07:00:00Z') });
  });
  after(async () => {
    await sim.close();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('after imports and polls, every table is the same row for row', async () => {
    const login = await loggedInHome(sim);
    home = login.home;
    const lake = new FsLake(join(home, 'lake'));
    const env = { WRAPPED_HOME: home, WRAPPED_TIMEZONE: 'Europe/Berlin' };
    const transform = (args: string[] = []) => transformJson(env, args);
    const poll = (hours: number) =>
      pollHourly(sim, login, {
        lake,
        hours,
        only: ['recently_played', 'saved_tracks', 'top', 'playlists'],
      });
    const importExport = async (name: string) => {
      const zip = join(home, name);
      await writeFile(zip, exportZip(sim.world));
      const imported = await wrapped(['import', zip], { env });
      assert.equal(imported.code, 0, imported.stderr);
    };

    sim.world.now += 20 * 24 * HOUR;
    await importExport('first.zip');
    await transform();
    await poll(3);
    const afterPolls = await transform();
    const played = afterPolls.models.find((m) => m.model === 'bronze.stg_api_recently_played');
    assert.ok(played && played.rows > 0 && played.added === played.rows, 'first API rows');
    await poll(5);
    const incremental = await transform();
    const again = incremental.models.find((m) => m.model === 'bronze.stg_export_streams');
    assert.equal(again?.added, 0, 'the export is not read again');
    // The polls landed no export file: the export's models take them as read, with no query.
    assert.equal(again?.reused, true, 'polls are not queried for export rows');
    const exportLoads = JSON.parse(
      await readFile(join(home, 'lake', 'bronze', 'stg_export_streams', '_manifest.json'), 'utf8'),
    ) as Manifest;
    const apiLoads = JSON.parse(
      await readFile(
        join(home, 'lake', 'bronze', 'stg_api_recently_played', '_manifest.json'),
        'utf8',
      ),
    ) as Manifest;
    assert.deepEqual(exportLoads.loads, apiLoads.loads, 'both have read every load');
    sim.world.now += 3 * 24 * HOUR;
    await importExport('second.zip'); // overlaps the first, and the polls
    await poll(4);
    await transform();
    const nothingNew = await transform();
    assert.ok(
      nothingNew.models
        .filter(
          (m) => m.model.startsWith('bronze.stg_api_') || m.model.startsWith('bronze.stg_export_'),
        )
        .every((m) => m.added === 0),
      'a build with no new load reads no raw file',
    );

    const manifest = async (table: string) =>
      JSON.parse(
        await readFile(join(home, 'lake', 'bronze', table, '_manifest.json'), 'utf8'),
      ) as Manifest;
    assert.ok((await manifest('stg_api_recently_played')).files.length >= 3, 'parts were added');
    assert.equal((await manifest('stg_export_streams')).files.length, 2, 'one part per export');

    const fingerprint = () => fingerprints(env);
    const before = await fingerprint();
    await transform(['--full-refresh']);
    assert.equal((await manifest('stg_api_recently_played')).files.length, 1);
    const rebuilt = await fingerprint();
    assert.deepEqual(rebuilt, before);
    assert.ok(
      before.some((r) => r.t === 'silver.fct_play' && Number(r.n) > 100),
      JSON.stringify(before.find((r) => r.t === 'silver.fct_play')),
    );
  });

  it('keeps at most maxParts parts, merging older ones, with the same rows', async () => {
    const lake = new FsLake(join(home, 'lake'));
    const login = await loggedInHome(sim);
    const models = loadModels(packagedModelsDir());
    const warehouse = await Warehouse.open({
      file: join(home, 'merge.duckdb'),
      timezone: 'Europe/Berlin',
    });
    const rows = async (table: string) =>
      (
        await warehouse.query(
          `SELECT count(*) AS n, md5(string_agg(md5(CAST(x AS VARCHAR)), ',' ORDER BY md5(CAST(x AS VARCHAR)))) AS f FROM ${table} AS x`,
        )
      ).rows[0];
    try {
      for (let h = 0; h < 4; h++) {
        await pollHourly(sim, login, { lake, hours: 1, only: ['recently_played'] });
        await buildModels({ warehouse, lake, models, loadId: newLoadId(), maxParts: 2 });
        const manifest = JSON.parse(
          (await lake.get('bronze/stg_api_recently_played/_manifest.json')).toString(),
        ) as Manifest;
        assert.ok(manifest.files.length <= 2, `${manifest.files.length} parts`);
      }
      const merged = await rows('bronze.stg_api_recently_played');
      await buildModels({ warehouse, lake, models, loadId: newLoadId(), fullRefresh: true });
      assert.deepEqual(await rows('bronze.stg_api_recently_played'), merged);
    } finally {
      warehouse.close();
    }
  });
});

describe('transform: partitioned tables across a year boundary', () => {
  let sim: Simulator;
  let home: string;
  before(async () => {
    // Auckland is UTC+13 in December: local New Year is 11:00 UTC on 31 December.
    sim = await startSimulator({
      seed: 'new-year',
      start: new Date('2026-12-30T20:00:00Z'),
      historyDays: 800,
    });
  });
  after(async () => {
    await sim.close();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('polls across New Year (in Auckland) build both years, equal to a full refresh', async () => {
    const login = await loggedInHome(sim);
    home = login.home;
    const lake = new FsLake(join(home, 'lake'));
    const env = { WRAPPED_HOME: home, WRAPPED_TIMEZONE: 'Pacific/Auckland' };
    const transform = (args: string[] = []) => transformJson(env, args);
    const zip = join(home, 'export.zip');
    await writeFile(zip, exportZip(sim.world));
    assert.equal((await wrapped(['import', zip], { env })).code, 0);
    // The first polls give URIs to artists the export only named: those keys change in every
    // year (a whole rebuild); later polls change the days they cover.
    await pollHourly(sim, login, { lake, hours: 2, only: ['recently_played'] });
    await transform();
    const partitions = async (table: string) =>
      (
        JSON.parse(await readFile(join(home, 'lake', table, '_manifest.json'), 'utf8')) as {
          partitions: Record<string, string[]>;
        }
      ).partitions;
    const first = await partitions('silver/fct_play');
    assert.ok(first['2024'] && first['2025'] && first['2026'], Object.keys(first).join(' '));

    // 28 hours of polls: from 11:00 on 31 December local time to 15:00 on 1 January 2027.
    await pollHourly(sim, login, { lake, hours: 28, only: ['recently_played'] });
    const built = await transform();
    // Both years of the polls are rebuilt (the plays after local midnight are 2027's); older
    // years too when a poll gave an older track's album its URI (a key of old plays changed).
    for (const table of ['silver.fct_play', 'gold.agg_daily_listening', 'gold.agg_top_tracks']) {
      const rebuilt = built.models.find((m) => m.model === table)?.partitions ?? [];
      assert.ok(rebuilt.includes('2026') && rebuilt.includes('2027'), `${table}: ${rebuilt}`);
    }
    assert.ok((await partitions('silver/fct_play'))['2027'], 'the new year has its part');

    // Nothing new: every table model keeps its published version (views and ephemeral models
    // write nothing).
    const again = await transform();
    const rebuilt = again.models.filter(
      (m) =>
        !m.model.startsWith('bronze.') &&
        m.materialized !== 'view' &&
        m.materialized !== 'ephemeral' &&
        m.reused !== true,
    );
    assert.deepEqual(rebuilt, [], 'nothing is rebuilt when nothing changed');

    const incremental = await fingerprints(env);
    await transform(['--full-refresh']);
    assert.deepEqual(await fingerprints(env), incremental);
  });
});

describe('transform: an hour of plays rebuilds its days, not its year', () => {
  it('plays landed among existing ones, and a duplicate, give the tables a full refresh gives', async () => {
    const dir = await tempDir();
    // Auckland: local days are not UTC days, so the days rebuilt are cut where the parts are.
    const env = { WRAPPED_HOME: join(dir, 'home'), WRAPPED_TIMEZONE: 'Pacific/Auckland' };
    const run = async (args: string[]) => {
      const result = await wrapped(args, { env });
      assert.equal(result.code, 0, result.stderr);
    };
    // 3,000 streams about 16 minutes apart: 2015-01-01 to early February.
    const history = await writeSyntheticExtendedExport(join(dir, 'export'), 3_000);
    await run(['import', join(dir, 'export')]);
    await transformJson(env);

    // An hour of new songs in the middle of that history, among plays already there, and one
    // stream the export already holds (an exact duplicate, which silver keeps once).
    const middle = Date.parse('2015-01-15T00:00:00Z');
    const hour = await hourOfPlays(join(dir, 'hour'), { after: middle, newTracks: true });
    const exported = JSON.parse(await readFile(history.files[0] as string, 'utf8')) as unknown[];
    const duplicate = join(dir, 'duplicate', 'Streaming_History_Audio_2015_9.json');
    await mkdir(join(dir, 'duplicate'));
    await writeFile(duplicate, JSON.stringify([exported[400]]));
    await run(['import', hour, duplicate]);
    const built = await transformJson(env);
    for (const table of [
      'silver.fct_play',
      'gold.agg_daily_listening',
      'gold.agg_hourly_listening',
      'gold.agg_track_daily',
    ]) {
      const model = built.models.find((m) => m.model === table);
      assert.ok(model?.days, `${table} is rebuilt by days: ${JSON.stringify(model)}`);
      assert.deepEqual(model.partitions, ['2015'], table);
      // What follows learns the days that changed, not "everything" (which would rebuild all).
      assert.equal(model.change, 'dated', table);
    }
    // The top lists rebuild the weeks and months that hold those days, the year's rows and the
    // all-time ones; their other weeks and months are copied.
    for (const table of ['gold.agg_top_tracks', 'gold.agg_top_albums', 'gold.agg_top_artists']) {
      const model = built.models.find((m) => m.model === table);
      assert.ok(model?.days, `${table} is rebuilt by periods: ${JSON.stringify(model)}`);
      assert.deepEqual(model.partitions, ['2014', '2015', 'undated'], table);
      assert.equal(model.change, 'dated', table);
    }
    const days = built.models.find((m) => m.model === 'silver.fct_play')?.days;
    // The hour (15 January UTC, 15 January in Auckland) and the duplicate's day, widened by 8.
    assert.ok(days && days.from <= '2015-01-07' && days.to >= '2015-01-23', JSON.stringify(days));
    assert.ok(days.to < '2015-02-15', JSON.stringify(days));

    // Then hours as they come, after the latest play: two in one day, then one a day. An hour
    // rewrites only the parts holding rows it makes (the year's other rows stay in their part),
    // and a year never holds more than MAX_PARTITION_PARTS parts (then they are merged).
    const playParts = async () => {
      const path = join(env.WRAPPED_HOME, 'lake', 'silver', 'fct_play', '_manifest.json');
      const manifest = JSON.parse(await readFile(path, 'utf8')) as TableManifest;
      return manifest.partitions?.['2015'] ?? [];
    };
    let before = await playParts();
    for (const [i, day] of [0, 0, 1, 2, 3].entries()) {
      const next = await hourOfPlays(join(dir, `later-${i}`), {
        after: history.lastPlayAt + day * 86_400_000,
        hour: i,
      });
      await run(['import', next]);
      await transformJson(env);
      const parts = await playParts();
      assert.ok(parts.length <= MAX_PARTITION_PARTS, `hour ${i}: ${parts.join(' ')}`);
      // The second hour of the same day makes the same days: only the first hour's part goes.
      if (i === 1)
        assert.equal(before.filter((part) => parts.includes(part)).length, before.length - 1);
      before = parts;
    }

    const incremental = await fingerprints(env);
    await transformJson(env, ['--full-refresh']);
    assert.deepEqual(await fingerprints(env), incremental);
  });
});

/** `wrapped transform --json`: what each model's build did. */
async function transformJson(env: Record<string, string>, args: string[] = []) {
  const built = await wrapped(['transform', '--json', ...args], { env });
  assert.equal(built.code, 0, built.stderr);
  return JSON.parse(built.stdout) as {
    models: Array<{
      model: string;
      materialized: string;
      rows: number;
      added?: number;
      partitions?: string[];
      days?: { from: string; to: string };
      change?: string;
      reused?: boolean;
    }>;
  };
}

/** Every bronze, silver and gold table as its row count and an order-free hash of its rows. */
async function fingerprints(env: Record<string, string>) {
  const tables = (
    await queryRows(
      "SELECT table_schema || '.' || table_name AS t FROM information_schema.tables WHERE table_schema IN ('bronze', 'silver', 'gold') ORDER BY 1",
      env,
    )
  ).map((r) => String(r.t));
  assert.ok(tables.length > 30, tables.join(' '));
  return queryRows(
    tables
      .map(
        (t) =>
          `SELECT '${t}' AS t, count(*) AS n, coalesce(md5(string_agg(h, ',' ORDER BY h)), '') AS f FROM (SELECT md5(CAST(x AS VARCHAR)) AS h FROM ${t} AS x)`,
      )
      .join(' UNION ALL '),
    env,
  );
}

describe('transform: the real samples, incremental equals --full-refresh', () => {
  it('two imports built incrementally give the tables a full refresh gives', async () => {
    const env = { WRAPPED_HOME: await tempDir(), WRAPPED_TIMEZONE: 'America/New_York' };
    const run = async (args: string[]) => {
      const result = await wrapped(args, { env });
      assert.equal(result.code, 0, result.stderr);
    };
    await run(['import', join(SAMPLES, 'extended-2026-a')]);
    await run(['transform']);
    // Account data, a library, playlists and an older export: names that vary between sources.
    await run(['import', join(SAMPLES, 'basic-2022'), join(SAMPLES, 'extended-2022-endsong')]);
    await run(['transform']);
    const incremental = await fingerprints(env);
    await run(['transform', '--full-refresh']);
    assert.deepEqual(await fingerprints(env), incremental);
  });
});
