/**
 * The Spark suite: real Apache Spark (the pyspark from `wrapped engine setup spark`), one Thrift
 * server for every case. On every export in ../shared/samples and on the simulator's export
 * with API polls, every silver and gold table `wrapped transform --engine spark` builds equals,
 * row for row, what `wrapped transform` (DuckDB) builds in another HOME over the same raw lake;
 * and Spark's incremental build equals its --full-refresh build.
 *
 * Without a Spark install the suite is skipped, saying why; `.ci/run` installs Spark and sets
 * WRAPPED_REQUIRE_SPARK=1, so in CI a missing Spark fails instead of skipping.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { packagedModelsDir } from '../../src/config/settings.js';
import { FsLake } from '../../src/lake/drivers/fs.js';
import type { Lake } from '../../src/lake/lake.js';
import { newLoadId } from '../../src/lake/load-id.js';
import { saveListener } from '../../src/listeners/registry.js';
import { exportZip } from '../../src/simulator/export.js';
import { type Simulator, startSimulator } from '../../src/simulator/server.js';
import { Warehouse } from '../../src/warehouse/engine.js';
import { probeEngineAccess } from '../../src/warehouse/engines/access-probe.js';
import { engineContract } from '../../src/warehouse/engines/engine.contract.js';
import { SparkEngine } from '../../src/warehouse/engines/spark/engine.js';
import { findSparkInstall } from '../../src/warehouse/engines/spark/install.js';
import { ThriftSession } from '../../src/warehouse/engines/spark/thrift-client.js';
import {
  type RunningThriftServer,
  startThriftServer,
} from '../../src/warehouse/engines/spark/thrift-server.js';
import { readParts, type TableManifest } from '../../src/warehouse/manifest.js';
import { loadModels } from '../../src/warehouse/models.js';
import { buildModels } from '../../src/warehouse/runner.js';
import { compareLakes, compareViewWithTable, publishedTables } from '../support/compare-lakes.js';
import { BIN, queryRows, REPO, tempDir, wrapped } from '../support/helpers.js';
import { lastfmCsv, musicStreams, scrobbledStreams } from '../support/lastfm-export.js';
import { writeLimitsExport } from '../support/limits-export.js';
import { loggedInHome, pollHourly } from '../support/sim-login.js';

const SAMPLES = join(REPO, '..', 'shared', 'samples');
const HOUR = 3_600_000;
const install = findSparkInstall();
const skip =
  install === undefined && process.env.WRAPPED_REQUIRE_SPARK !== '1'
    ? 'Spark is not set up here: run `wrapped engine setup spark` (CI does)'
    : false;

/** Tables compared across the whole suite, reported at the end. */
let compared = 0;
/** Tables compared between Spark's incremental and full builds. */
let comparedIncremental = 0;

describe('Spark engine: the same tables as DuckDB', { skip }, () => {
  let server: RunningThriftServer;
  let work: string | undefined;
  let env: (home: string) => Record<string, string>;

  before(async () => {
    assert.ok(
      install,
      'WRAPPED_REQUIRE_SPARK=1 but Spark is not set up: run `wrapped engine setup spark`',
    );
    // Not tempDir(): from inside a hook, its cleanup would run when the hook ends.
    work = await mkdtemp(join(tmpdir(), 'wrapped-spark-'));
    server = await startThriftServer(install, { workDir: work });
    const url = `http://127.0.0.1:${server.target.port}/cliservice`;
    env = (home) => ({
      WRAPPED_HOME: home,
      WRAPPED_TIMEZONE: 'Europe/Berlin',
      WRAPPED_SPARK_THRIFT_URL: url,
    });
  });
  after(async () => {
    await server?.stop();
    if (work) await rm(work, { recursive: true, force: true });
    console.log(
      `Spark suite: ${compared} tables compared with DuckDB's and ${comparedIncremental} incremental with full, row for row`,
    );
  });

  describe('the engine contract', () => {
    let engine: SparkEngine | undefined;
    let lakeRoot: string;
    before(async () => {
      lakeRoot = await mkdtemp(join(tmpdir(), 'wrapped-spark-contract-'));
      engine = await SparkEngine.open({
        session: await ThriftSession.open(server.target),
        lake: new FsLake(lakeRoot),
        lakeRoot,
        timezone: 'Europe/Berlin',
        inspector: await Warehouse.open({ file: ':memory:', timezone: 'Europe/Berlin' }),
      });
    });
    after(async () => {
      await engine?.close();
      await rm(lakeRoot, { recursive: true, force: true });
    });
    engineContract(() => ({ engine: engine as SparkEngine, lakeRoot }));
  });

  /** Models DuckDB does not write (ephemeral there): views in its warehouse, tables on Spark. */
  const ephemeralOnDuckdb = loadModels(packagedModelsDir())
    .filter((m) => m.ephemeralOn.includes('duckdb'))
    .map((m) => m.id);

  /**
   * The tables DuckDB built in `duckHome` against Spark's in `sparkLake`: the same tables, and
   * Spark's tables of the models ephemeral on DuckDB against DuckDB's views of them. Returns
   * the tables both published.
   */
  async function sameAsDuckdb(duckHome: string, sparkLake: string): Promise<string[]> {
    const tables = publishedTables(join(duckHome, 'lake'));
    assert.ok(tables.length >= 20, `${tables.length} tables`);
    assert.ok(ephemeralOnDuckdb.length > 0);
    assert.deepEqual(
      [...publishedTables(sparkLake)].sort(),
      [...tables, ...ephemeralOnDuckdb].sort(),
    );
    assert.deepEqual(await compareLakes(join(duckHome, 'lake'), sparkLake, tables), []);
    for (const table of ephemeralOnDuckdb)
      assert.deepEqual(
        await compareViewWithTable(
          join(duckHome, 'warehouse.duckdb'),
          'Europe/Berlin',
          sparkLake,
          table,
        ),
        [],
      );
    compared += tables.length + ephemeralOnDuckdb.length;
    return tables;
  }

  /** DuckDB's build in one HOME, Spark's in a copy of it; their silver and gold compared. */
  async function bothEngines(duckHome: string): Promise<{ sparkHome: string; tables: string[] }> {
    const sparkHome = `${duckHome}-spark`;
    await cp(duckHome, sparkHome, { recursive: true });
    const duck = await wrapped(['transform'], { env: env(duckHome) });
    assert.equal(duck.code, 0, duck.stderr);
    const spark = await wrapped(['transform', '--engine', 'spark'], { env: env(sparkHome) });
    assert.equal(spark.code, 0, spark.stderr);
    const tables = await sameAsDuckdb(duckHome, join(sparkHome, 'lake'));
    return { sparkHome, tables };
  }

  const samples = [
    'extended-2026-a',
    'extended-2022-endsong',
    'basic-2022',
    'account-2025-wrapped',
    'account-2024-wrapped',
  ];
  it('the samples are the ones this suite names', async () => {
    const present = (await readdir(SAMPLES, { withFileTypes: true }))
      .filter((e) => e.isDirectory() && e.name !== 'api-fixtures')
      .map((e) => e.name)
      .sort();
    assert.deepEqual(present, [...samples].sort());
  });

  for (const sample of samples)
    it(`${sample}: every silver and gold table on Spark equals DuckDB's`, async () => {
      const home = join(await tempDir(), 'home');
      const imported = await wrapped(['import', join(SAMPLES, sample)], { env: env(home) });
      assert.equal(imported.code, 0, imported.stderr);
      const { sparkHome } = await bothEngines(home);
      if (sample === 'extended-2026-a') {
        // `wrapped query` in the Spark HOME reads what Spark built, as it reads DuckDB's.
        const sql = 'SELECT * FROM gold.wrapped_year ORDER BY year';
        const [fromDuck, fromSpark] = [
          await queryRows(sql, env(home)),
          await queryRows(sql, env(sparkHome)),
        ];
        assert.ok(fromDuck.length >= 4);
        assert.deepEqual(fromSpark, fromDuck);
        // Spark's own readers find the tables in its schemas, over the lake's folders.
        const spark = await ThriftSession.open(server.target);
        try {
          const years = await spark.execute('SELECT count(*) AS n FROM gold.wrapped_year');
          assert.equal(years.rows[0]?.n, fromDuck.length);
          const plays = await spark.execute('SELECT count(*) AS n FROM silver.fct_play');
          const [local] = await queryRows(
            'SELECT count(*) AS n FROM silver.fct_play',
            env(sparkHome),
          );
          assert.equal(plays.rows[0]?.n, Number(local?.n));
        } finally {
          await spark.close();
        }
        // A Spark build killed midway: the tables before it stay whole and readable.
        const killed = spawn(
          process.execPath,
          [BIN, 'transform', '--engine', 'spark', '--full-refresh'],
          {
            env: { PATH: process.env.PATH ?? '', ...env(sparkHome) },
            stdio: 'ignore',
          },
        );
        await new Promise((resolve) => setTimeout(resolve, 25_000));
        killed.kill('SIGKILL');
        await new Promise((resolve) => killed.once('exit', resolve));
        assert.deepEqual(await queryRows(sql, env(sparkHome)), fromDuck);
        assert.deepEqual(
          await compareLakes(
            join(home, 'lake'),
            join(sparkHome, 'lake'),
            publishedTables(join(home, 'lake')),
          ),
          [],
        );
      }
    });

  it("Last.fm and ListenBrainz listens beside an extended history: every table on Spark equals DuckDB's", async () => {
    const dir = await tempDir();
    const home = join(dir, 'home');
    const folder = join(SAMPLES, 'extended-2022-endsong');
    // The history's last 300 streams scrobbled to Last.fm (matched), and 50 a week after it (not).
    const scrobbled = scrobbledStreams(musicStreams(folder)).slice(-300);
    const later = scrobbled.slice(0, 50).map((r) => ({
      ...r,
      ts: new Date(Date.parse(r.ts) + 120 * 86_400_000).toISOString(),
    }));
    await writeFile(join(dir, 'scrobbles.csv'), lastfmCsv([...scrobbled, ...later]));
    const imported = await wrapped(
      [
        'import',
        folder,
        join(dir, 'scrobbles.csv'),
        join(REPO, 'test/fixtures/listens/listenbrainz.jsonl'),
      ],
      { env: env(home) },
    );
    assert.equal(imported.code, 0, imported.stdout + imported.stderr);
    // A second listener with the same scrobbles and no Spotify history: nothing of hers may
    // pair with the first listener's plays.
    await saveListener(new FsLake(join(home, 'lake')), { id: 'anna' });
    const hers = await wrapped(['import', join(dir, 'scrobbles.csv'), '--listener', 'anna'], {
      env: env(home),
    });
    assert.equal(hers.code, 0, hers.stdout + hers.stderr);
    const { sparkHome } = await bothEngines(home);
    const matched = await queryRows(
      "SELECT listener_id, count(*) FILTER (WHERE source LIKE '%+lastfm') AS both, count(*) FILTER (WHERE source = 'lastfm') AS alone FROM silver.fct_play GROUP BY 1 ORDER BY 1",
      env(sparkHome),
    );
    assert.deepEqual(
      matched.map((r) => [r.listener_id, Number(r.both), Number(r.alone)]),
      [
        ['anna', 0, 350],
        ['me', 300, 50],
      ],
    );
  });

  it("records at every import limit build on Spark, and every table equals DuckDB's", async () => {
    const dir = await tempDir();
    const home = join(dir, 'home');
    await writeLimitsExport(join(dir, 'limits-1'), 1);
    await writeLimitsExport(join(dir, 'limits-2'), 2);
    const imported = await wrapped(['import', join(dir, 'limits-1'), join(dir, 'limits-2')], {
      env: env(home),
    });
    assert.equal(imported.code, 0, imported.stdout + imported.stderr);
    await bothEngines(home);
  });

  describe('over a lake reached only through its driver, as Databricks builds ADLS', () => {
    it("every table equals DuckDB's, and the columns Spark records are what DuckDB reads", async () => {
      const home = join(await tempDir(), 'home');
      const imported = await wrapped(['import', join(SAMPLES, 'extended-2022-endsong')], {
        env: env(home),
      });
      assert.equal(imported.code, 0, imported.stderr);
      const root = join(`${home}-driver`, 'lake');
      await cp(join(home, 'lake'), root, { recursive: true });
      const duck = await wrapped(['transform'], { env: env(home) });
      assert.equal(duck.code, 0, duck.stderr);

      // Every file operation through the lake's API (no local root): moves are copies and
      // deletes, and Spark counts and describes what it wrote (no DuckDB inspector).
      const local = new FsLake(root);
      const lake: Lake = {
        location: local.location,
        localRoot: undefined,
        put: (path, body, options) => local.put(path, body, options),
        get: (path) => local.get(path),
        getVersioned: (path) => local.getVersioned(path),
        getStream: (path) => local.getStream(path),
        exists: (path) => local.exists(path),
        list: (prefix) => local.list(prefix),
        delete: (path) => local.delete(path),
      };
      const engine = await SparkEngine.open({
        session: await ThriftSession.open(server.target),
        lake,
        lakeRoot: pathToFileURL(root).href,
        timezone: 'Europe/Berlin',
      });
      try {
        await buildModels({
          engine,
          lake,
          models: loadModels(packagedModelsDir()),
          loadId: newLoadId(),
        });
        const steps = await probeEngineAccess(engine, lake);
        assert.deepEqual(
          steps.map((s) => [s.step, s.ok]),
          [
            ['schemas', true],
            ['write', true],
            ['read', true],
          ],
        );
      } finally {
        await engine.close();
      }
      const tables = await sameAsDuckdb(home, root);
      const reader = await Warehouse.open({ file: ':memory:', timezone: 'UTC' });
      try {
        for (const table of tables) {
          const [layer, name] = table.split('.') as [string, string];
          const manifest = JSON.parse(
            await readFile(join(root, layer, name, '_manifest.json'), 'utf8'),
          ) as TableManifest;
          if (manifest.files.length === 0) continue;
          const seen = await reader.query(
            `DESCRIBE SELECT * FROM ${readParts(root, manifest.files)}`,
          );
          assert.deepEqual(
            seen.rows.map((r) => ({ name: r.column_name, type: r.column_type })),
            manifest.columns,
            table,
          );
        }
      } finally {
        reader.close();
      }
      // The probe cleaned up after itself.
      const probeFiles: string[] = [];
      for await (const entry of local.list('_state/doctor/')) probeFiles.push(entry.path);
      assert.deepEqual(probeFiles, []);
    });
  });

  describe('the simulator: export and hourly API polls', () => {
    let sim: Simulator;
    before(async () => {
      sim = await startSimulator({ seed: 'spark', start: new Date('2026-10-01T07:00:00Z') });
    });
    after(() => sim?.close());

    it("every table equals DuckDB's, and an incremental Spark build equals a full one", async () => {
      const login = await loggedInHome(sim, await tempDir());
      const home = login.home;
      const lake = new FsLake(join(home, 'lake'));
      const poll = (hours: number) =>
        pollHourly(sim, login, {
          lake,
          hours,
          only: ['recently_played', 'saved_tracks', 'top', 'playlists'],
        });
      const importExport = async (name: string, into: string) => {
        const zip = join(into, name);
        await writeFile(zip, exportZip(sim.world));
        const imported = await wrapped(['import', zip], { env: env(into) });
        assert.equal(imported.code, 0, imported.stderr);
      };
      sim.world.now += 20 * 24 * HOUR;
      await importExport('first.zip', home);
      await poll(3);
      const { sparkHome } = await bothEngines(home);

      // New data into the Spark HOME: polls and an overlapping export, then an incremental
      // build, against a full build of a copy of the same lake.
      const sparkLake = new FsLake(join(sparkHome, 'lake'));
      sim.world.now += 3 * 24 * HOUR;
      await pollHourly(sim, login, { lake: sparkLake, hours: 3, only: ['recently_played', 'top'] });
      await importExport('second.zip', sparkHome);
      const incremental = await wrapped(['transform', '--engine', 'spark', '--json'], {
        env: env(sparkHome),
      });
      assert.equal(incremental.code, 0, incremental.stderr);
      const built = JSON.parse(incremental.stdout) as {
        models: Array<{ model: string; added?: number; rows: number; partitions?: string[] }>;
      };
      const played = built.models.find((m) => m.model === 'bronze.stg_api_recently_played');
      assert.ok(
        played?.added !== undefined && played.added > 0 && played.added < played.rows,
        JSON.stringify(played),
      );
      // Six more hours of polls: a change of a few days, which the day-made models rebuild as
      // days inside their year's part, and the top lists as the weeks and months around them
      // (partitioned.ts), on Spark as on DuckDB.
      await pollHourly(sim, login, { lake: sparkLake, hours: 6, only: ['recently_played'] });
      const hourly = await wrapped(['transform', '--engine', 'spark', '--json'], {
        env: env(sparkHome),
      });
      assert.equal(hourly.code, 0, hourly.stderr);
      const hourlyModels = (
        JSON.parse(hourly.stdout) as {
          models: Array<{ model: string; days?: { from: string }; change?: string }>;
        }
      ).models;
      for (const table of ['silver.fct_play', 'gold.agg_top_tracks']) {
        const model = hourlyModels.find((m) => m.model === table);
        assert.ok(model?.days && model.change === 'dated', JSON.stringify(model));
      }
      const fullHome = `${sparkHome}-full`;
      await cp(sparkHome, fullHome, { recursive: true });
      const full = await wrapped(['transform', '--engine', 'spark', '--full-refresh'], {
        env: env(fullHome),
      });
      assert.equal(full.code, 0, full.stderr);
      const tables = publishedTables(join(fullHome, 'lake'));
      assert.deepEqual(
        await compareLakes(join(fullHome, 'lake'), join(sparkHome, 'lake'), tables),
        [],
      );
      comparedIncremental += tables.length;
    });
  });
});
