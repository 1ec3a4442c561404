import assert from 'node:assert/strict';
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { FsLake } from '../src/lake/drivers/fs.js';
import { newLoadId } from '../src/lake/load-id.js';
import { runChecks } from '../src/warehouse/check-runner.js';
import { Warehouse } from '../src/warehouse/engine.js';
import { loadModels } from '../src/warehouse/models.js';
import { attachPublishedTables, buildModels, type TableManifest } from '../src/warehouse/runner.js';
import { SMALL_MODELS, tempDir } from './support/helpers.js';

const PLAYS = [
  { ts: '2026-03-28T23:30:00Z', track: 'Song A', artist: 'Artist 1', ms: 200000 },
  { ts: '2026-03-29T00:30:00Z', track: 'Song B', artist: 'Artist 2', ms: 100000 },
  { ts: '2026-03-29T12:00:00Z', track: 'Song A', artist: 'Artist 1', ms: 5000 },
];

/** A models folder: the small fixture's bronze, and these files (`<layer>/<name>.sql`). */
async function modelsFolder(dir: string, files: Record<string, string>): Promise<string> {
  const folder = join(dir, 'models');
  await cp(join(SMALL_MODELS, 'bronze'), join(folder, 'bronze'), { recursive: true });
  for (const [path, sql] of Object.entries(files)) {
    await mkdir(dirname(join(folder, path)), { recursive: true });
    await writeFile(join(folder, path), sql);
  }
  return folder;
}

async function setup() {
  const dir = await tempDir();
  const lake = new FsLake(join(dir, 'lake'));
  await lake.put('raw/test/plays/one.json', JSON.stringify(PLAYS));
  const warehouse = await Warehouse.open({
    file: join(dir, 'warehouse.duckdb'),
    timezone: 'Europe/Berlin',
  });
  return { dir, lake, warehouse };
}

describe('warehouse and model runner', () => {
  it('runs SQL with the configured time zone and JSON-ready values', async () => {
    const { warehouse } = await setup();
    try {
      const { rows } = await warehouse.query(
        "select 42 as answer, 42::bigint as big, 9007199254740993::bigint as huge, 1.50::decimal(5,2) as d, current_setting('TimeZone') as tz, ? as param",
        ["x'); drop table t; --"],
      );
      assert.deepEqual(rows, [
        {
          answer: 42,
          big: 42,
          huge: '9007199254740993',
          d: 1.5,
          tz: 'Europe/Berlin',
          param: "x'); drop table t; --",
        },
      ]);
    } finally {
      warehouse.close();
    }
  });

  it('builds bronze -> silver -> gold in order, as Parquet in the lake, exposed as layer.name', async () => {
    const { dir, lake, warehouse } = await setup();
    try {
      const models = loadModels(SMALL_MODELS);
      const order: string[] = [];
      const loadId = newLoadId();
      const results = await buildModels({
        warehouse,
        lake,
        models,
        loadId,
        onProgress: (e) => e.phase === 'start' && order.push(e.model.id),
      });
      assert.deepEqual(order, [
        'bronze.stg_plays',
        'silver.dim_artist',
        'silver.fct_play',
        'gold.agg_daily_listening',
      ]);
      assert.deepEqual(
        results.map((r) => [r.model, r.rows]),
        [
          ['bronze.stg_plays', 3],
          ['silver.dim_artist', 2],
          ['silver.fct_play', 3],
          ['gold.agg_daily_listening', 1],
        ],
      );
      // Days are cut in Europe/Berlin: 23:30 UTC on the 28th is already the 29th there.
      const daily = await warehouse.query(
        'select day::varchar as day, plays, minutes from gold.agg_daily_listening',
      );
      assert.deepEqual(daily.rows, [{ day: '2026-03-29', plays: 2, minutes: 5.08 }]);
      const files = await readdir(join(dir, 'lake', 'silver', 'fct_play'));
      assert.deepEqual(files.sort(), ['_manifest.json', `part-${loadId}.parquet`]);
      const manifest = JSON.parse(
        (await lake.get('silver/fct_play/_manifest.json')).toString(),
      ) as TableManifest;
      assert.equal(manifest.rows, 3);
      assert.deepEqual(manifest.files, [`silver/fct_play/part-${loadId}.parquet`]);
      assert.ok(manifest.columns.some((c) => c.name === 'play_id'));
    } finally {
      warehouse.close();
    }
  });
});

describe('rebuilds and failures', () => {
  it('replaces a table on rebuild, keeping only the published part', async () => {
    const { dir, lake, warehouse } = await setup();
    try {
      const models = loadModels(SMALL_MODELS);
      await buildModels({ warehouse, lake, models, loadId: newLoadId() });
      await lake.put(
        'raw/test/plays/two.json',
        JSON.stringify([
          { ts: '2026-04-01T10:00:00Z', track: 'Song C', artist: 'Artist 3', ms: 60000 },
        ]),
      );
      const second = newLoadId();
      await buildModels({ warehouse, lake, models, loadId: second });
      assert.deepEqual(await readdir(join(dir, 'lake', 'bronze', 'stg_plays')), [
        '_manifest.json',
        `part-${second}.parquet`,
      ]);
      const { rows } = await warehouse.query('select count(*) as n from silver.fct_play');
      assert.deepEqual(rows, [{ n: 4 }]);
    } finally {
      warehouse.close();
    }
  });

  it('leaves the previous version in place when a model fails, and names the model', async () => {
    const { dir, lake, warehouse } = await setup();
    try {
      const models = loadModels(SMALL_MODELS);
      const first = newLoadId();
      await buildModels({ warehouse, lake, models, loadId: first });
      await lake.put(
        'raw/test/plays/bad.json',
        '[{"ts": "not a time", "track": "x", "artist": "y", "ms": 1}]',
      );
      await assert.rejects(
        buildModels({ warehouse, lake, models, loadId: newLoadId() }),
        (error: Error) => {
          assert.match(
            error.message,
            /^Model bronze\.stg_plays \(.*stg_plays\.sql\) failed on duckdb: .*not a time/s,
          );
          return true;
        },
      );
      assert.deepEqual(await readdir(join(dir, 'lake', 'bronze', 'stg_plays')), [
        '_manifest.json',
        `part-${first}.parquet`,
      ]);
      const { rows } = await warehouse.query('select count(*) as n from silver.fct_play');
      assert.deepEqual(rows, [{ n: 3 }]);
    } finally {
      warehouse.close();
    }
  });

  it('checks pass on clean data and a planted duplicate key fails with the model, check and row count', async () => {
    const { lake, warehouse } = await setup();
    try {
      const models = loadModels(SMALL_MODELS);
      await buildModels({ warehouse, lake, models, loadId: newLoadId() });
      const clean = await runChecks(warehouse, models);
      assert.ok(clean.length >= 8);
      assert.deepEqual(
        clean.filter((r) => !r.passed),
        [],
      );

      await lake.put('raw/test/plays/dup.json', JSON.stringify([PLAYS[0]]));
      await buildModels({ warehouse, lake, models, loadId: newLoadId() });
      const failed = (await runChecks(warehouse, models)).filter((r) => !r.passed);
      assert.deepEqual(failed, [
        { model: 'silver.fct_play', check: 'unique(play_id)', failing: 2, passed: false },
      ]);
    } finally {
      warehouse.close();
    }
  });

  it('row checks of one table, read in one pass, each count their own failing rows; a column missing fails that check only', async () => {
    const { dir, lake, warehouse } = await setup();
    try {
      const folder = await modelsFolder(dir, {
        'silver/plays_checked.sql': [
          '-- depends_on: bronze.stg_plays',
          '-- check: not_null(track_name, no_such_column, missing_half)',
          '-- check: accepted_values(artist_name: Artist 1, Artist 2)',
          '-- check: expression(ms_played >= 100000)',
          "select *, case when ms_played > 150000 then null else 'x' end as missing_half from bronze.stg_plays",
          '',
        ].join('\n'),
      });
      const models = loadModels(folder);
      await buildModels({ warehouse, lake, models, loadId: newLoadId() });
      const results = await runChecks(
        warehouse,
        models.filter((m) => m.id === 'silver.plays_checked'),
      );
      assert.deepEqual(
        results.map((r) => [r.check, r.failing, r.passed]),
        [
          ['not_null(track_name)', 0, true],
          ['not_null(no_such_column)', 0, false],
          ['not_null(missing_half)', 1, false],
          ['accepted_values(artist_name: Artist 1, Artist 2)', 0, true],
          ['expression(ms_played >= 100000)', 1, false],
        ],
      );
      assert.match(results[1]?.error ?? '', /no_such_column/);

      // Without the column that cannot be read, the same counts come from one pass.
      await writeFile(
        join(folder, 'silver', 'plays_checked.sql'),
        (await readFile(join(folder, 'silver', 'plays_checked.sql'), 'utf8')).replace(
          ', no_such_column',
          '',
        ),
      );
      const again = await runChecks(
        warehouse,
        loadModels(folder).filter((m) => m.id === 'silver.plays_checked'),
      );
      assert.deepEqual(
        again.map((r) => [r.check, r.failing]),
        [
          ['not_null(track_name)', 0],
          ['not_null(missing_half)', 1],
          ['accepted_values(artist_name: Artist 1, Artist 2)', 0],
          ['expression(ms_played >= 100000)', 1],
        ],
      );
    } finally {
      warehouse.close();
    }
  });

  it('an hourly run re-runs only the checks of tables that changed; the others are remembered by their version', async () => {
    const { lake, warehouse } = await setup();
    // Every check query, on whichever connection it runs.
    const asked: string[] = [];
    const query = Warehouse.prototype.query;
    Warehouse.prototype.query = function (this: Warehouse, sql, ...rest) {
      if (/AS failing/.test(sql)) asked.push(sql);
      return query.call(this, sql, ...rest);
    };
    try {
      const models = loadModels(SMALL_MODELS);
      // As in a run: a build, then the warehouse opened again (its views attached) for checks.
      const build = async () => {
        await buildModels({ warehouse, lake, models, loadId: newLoadId() });
        await attachPublishedTables(warehouse, lake);
      };
      const summary = (results: Awaited<ReturnType<typeof runChecks>>) =>
        results.map((r) => `${r.model} ${r.check} ${r.failing}`);
      await build();
      const first = await runChecks(warehouse, models, { remember: true });
      assert.ok(asked.length > 0 && first.every((r) => r.passed));

      asked.length = 0;
      assert.deepEqual(
        summary(await runChecks(warehouse, models, { remember: true })),
        summary(first),
      );
      assert.equal(asked.length, 0, asked.join('\n'));

      // A duplicated play: the tables it reaches are rebuilt, and their checks run again.
      await lake.put('raw/test/plays/dup.json', JSON.stringify([PLAYS[0]]));
      await build();
      const after = await runChecks(warehouse, models, { remember: true });
      assert.deepEqual(
        after.filter((r) => !r.passed).map((r) => `${r.check} ${r.failing}`),
        ['unique(play_id) 2'],
      );
      assert.ok(asked.some((sql) => sql.includes('silver.fct_play')));

      // `wrapped check` remembers nothing: every check runs.
      asked.length = 0;
      assert.deepEqual(summary(await runChecks(warehouse, models)), summary(after));
      assert.ok(asked.length >= models.length);
    } finally {
      Warehouse.prototype.query = query;
      warehouse.close();
    }
  });

  it('reports checks of a model that was never built as failures that say what to do', async () => {
    const { warehouse } = await setup();
    try {
      const results = await runChecks(warehouse, loadModels(SMALL_MODELS));
      assert.ok(results.every((r) => !r.passed));
      assert.match(
        results[0]?.error ?? '',
        /bronze\.stg_plays is not built yet: run `wrapped transform` first/,
      );
    } finally {
      warehouse.close();
    }
  });

  it('re-attaches published tables in a new warehouse from the manifests in the lake', async () => {
    const { dir, lake, warehouse } = await setup();
    await buildModels({ warehouse, lake, models: loadModels(SMALL_MODELS), loadId: newLoadId() });
    warehouse.close();
    const fresh = await Warehouse.open({ file: join(dir, 'other.duckdb'), timezone: 'UTC' });
    try {
      const attached = await attachPublishedTables(fresh, lake);
      assert.deepEqual(attached.sort(), [
        'bronze.stg_plays',
        'gold.agg_daily_listening',
        'silver.dim_artist',
        'silver.fct_play',
      ]);
      assert.deepEqual((await fresh.query('select count(*) as n from silver.fct_play')).rows, [
        { n: 3 },
      ]);
    } finally {
      fresh.close();
    }
  });
});

describe('models that do not read each other build side by side', () => {
  /** stg_plays, two silver tables that read it alone, and a gold table that reads both. */
  async function fanOutModels(dir: string, artistSql: string) {
    return loadModels(
      await modelsFolder(dir, {
        'silver/plays_by_track.sql':
          '-- depends_on: bronze.stg_plays\nselect track_name, count(*) as plays from bronze.stg_plays group by all\n',
        'silver/plays_by_artist.sql': `-- depends_on: bronze.stg_plays\n${artistSql}\n`,
        'gold/summary.sql':
          '-- depends_on: silver.plays_by_track, silver.plays_by_artist\nselect (select count(*) from silver.plays_by_track) as tracks, (select count(*) from silver.plays_by_artist) as artists\n',
      }),
    );
  }

  it('two silver tables start together once bronze is built; gold waits for both; the tables are those of one at a time', async () => {
    const { dir, lake, warehouse } = await setup();
    try {
      const models = await fanOutModels(
        dir,
        'select artist_name, count(*) as plays from bronze.stg_plays group by all',
      );
      const events: string[] = [];
      const memory = async () =>
        (await warehouse.query(`SELECT current_setting('memory_limit') AS m`)).rows[0]?.m;
      const memoryBefore = await memory();
      await buildModels({
        warehouse,
        lake,
        models,
        loadId: newLoadId(),
        onProgress: (e) => events.push(`${e.phase} ${e.model.id}`),
      });
      assert.deepEqual(events.slice(0, 4), [
        'start bronze.stg_plays',
        'done bronze.stg_plays',
        'start silver.plays_by_artist',
        'start silver.plays_by_track',
      ]);
      assert.ok(
        events.indexOf('start gold.summary') >
          Math.max(
            events.indexOf('done silver.plays_by_artist'),
            events.indexOf('done silver.plays_by_track'),
          ),
        events.join(', '),
      );
      // The build holds DuckDB to BUILD_MEMORY_LIMIT, then gives back what it had.
      assert.equal(await memory(), memoryBefore);
      const sideBySide = await warehouse.query('select * from gold.summary');
      await buildModels({
        warehouse,
        lake,
        models,
        loadId: newLoadId(),
        fullRefresh: true,
        concurrency: 1,
      });
      assert.deepEqual(sideBySide.rows, [{ tracks: 2, artists: 2 }]);
      assert.deepEqual((await warehouse.query('select * from gold.summary')).rows, sideBySide.rows);
    } finally {
      warehouse.close();
    }
  });

  it('one that fails stops the build with its error; the one beside it finishes, nothing after them starts', async () => {
    const { dir, lake, warehouse } = await setup();
    try {
      const models = await fanOutModels(dir, "select cast('many' as integer) as plays");
      const started: string[] = [];
      await assert.rejects(
        buildModels({
          warehouse,
          lake,
          models,
          loadId: newLoadId(),
          onProgress: (e) => e.phase === 'start' && started.push(e.model.id),
        }),
        (error: Error) => {
          assert.match(
            error.message,
            /^Model silver\.plays_by_artist \(.*plays_by_artist\.sql\) failed on duckdb: .*many/s,
          );
          return true;
        },
      );
      assert.ok(!started.includes('gold.summary'), started.join(', '));
      const beside = JSON.parse(
        (await lake.get('silver/plays_by_track/_manifest.json')).toString(),
      ) as TableManifest;
      assert.equal(beside.rows, 2);
      assert.equal(await lake.exists('silver/plays_by_artist/_manifest.json'), false);
      assert.equal(await lake.exists('gold/summary/_manifest.json'), false);
    } finally {
      warehouse.close();
    }
  });
});

describe('views', () => {
  it('a changed view rebuilds the tables that read it, though its inputs did not move', async () => {
    const { dir, lake, warehouse } = await setup();
    try {
      const view = (where: string) =>
        modelsFolder(dir, {
          'silver/long_plays.sql': `-- materialized: view\n-- depends_on: bronze.stg_plays\nselect * from bronze.stg_plays where ${where}\n`,
          'gold/long_play_count.sql':
            '-- depends_on: silver.long_plays\nselect count(*) as plays from silver.long_plays\n',
        });
      const folder = await view('ms_played >= 30000');
      await buildModels({ warehouse, lake, models: loadModels(folder), loadId: newLoadId() });
      const count = async () =>
        (await warehouse.query('select plays from gold.long_play_count')).rows[0]?.plays;
      assert.equal(await count(), 2);
      await view('ms_played >= 150000');
      const rebuilt = await buildModels({
        warehouse,
        lake,
        models: loadModels(folder),
        loadId: newLoadId(),
      });
      assert.equal(await count(), 1);
      assert.notEqual(rebuilt.find((r) => r.model === 'gold.long_play_count')?.reused, true);
    } finally {
      warehouse.close();
    }
  });

  it('a build with nothing new, or opening the warehouse, re-creates no view; one replaced by hand is made again', async () => {
    const { lake, warehouse } = await setup();
    try {
      const models = loadModels(SMALL_MODELS);
      // Every opening of the warehouse attaches the published tables, as a build shows them.
      const build = async () => {
        await buildModels({ warehouse, lake, models, loadId: newLoadId() });
        await attachPublishedTables(warehouse, lake);
      };
      // A re-created view is a new catalogue entry: a new oid.
      const views = async () =>
        Object.fromEntries(
          (
            await warehouse.query(
              "select schema_name || '.' || view_name as id, view_oid from duckdb_views() where not internal and schema_name <> 'main'",
            )
          ).rows.map((r) => [String(r.id), Number(r.view_oid)]),
        );
      await build();
      const first = await views();
      assert.ok(
        first['silver.fct_play'] !== undefined && first['gold.agg_daily_listening'] !== undefined,
      );
      await build();
      assert.deepEqual(await views(), first);

      await warehouse.run('create or replace view silver.fct_play as select 1 as nothing');
      await build();
      const { rows } = await warehouse.query('select count(*) as n from silver.fct_play');
      assert.deepEqual(rows, [{ n: 3 }]);
      const third = await views();
      assert.notEqual(third['silver.fct_play'], first['silver.fct_play']);
      assert.equal(third['gold.agg_daily_listening'], first['gold.agg_daily_listening']);
    } finally {
      warehouse.close();
    }
  });
});
