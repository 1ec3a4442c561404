/**
 * Partitioned models (models/README.md): a build rebuilds only the years its inputs' changes
 * touch, keeps the other years' parts as they were, and always equals a full refresh. Small
 * fixture models (test/fixtures/models-partitioned), real DuckDB, real Parquet in a real lake.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FsLake } from '../src/lake/drivers/fs.js';
import { newLoadId } from '../src/lake/load-id.js';
import { Warehouse } from '../src/warehouse/engine.js';
import { loadModels } from '../src/warehouse/models.js';
import { buildModels, type ModelBuildResult, type TableManifest } from '../src/warehouse/runner.js';
import { REPO, tempDir } from './support/helpers.js';

const MODELS = join(REPO, 'test', 'fixtures', 'models-partitioned');

interface Play {
  ts: string;
  track: string;
  artist: string;
  ms: number;
}

const play = (ts: string, track: string, artist = 'Artist 1', ms = 200_000): Play => ({
  ts,
  track,
  artist,
  ms,
});

const HISTORY = [
  play('2023-05-01T10:00:00Z', 'Old Song'),
  play('2023-05-02T10:00:00Z', 'Old Song'),
  play('2024-03-01T10:00:00Z', 'Middle Song'),
  play('2024-07-01T10:00:00Z', 'Middle Song'),
  play('2025-02-01T10:00:00Z', 'New Song'),
];

async function setup(timezone = 'Europe/Berlin', ephemeral: string[] = []) {
  const dir = await tempDir();
  const lake = new FsLake(join(dir, 'lake'));
  await lake.put('raw/test/plays/0.json', JSON.stringify(HISTORY));
  const warehouse = await Warehouse.open({ file: join(dir, 'warehouse.duckdb'), timezone });
  const loaded = loadModels(MODELS);
  let files = 0;
  const build = async (
    options: { fullRefresh?: boolean; only?: string[]; ephemeral?: string[] } = {},
  ) => {
    // `ephemeral`: these models are ephemeral on DuckDB for this build (models.ts).
    const models = loaded.map((m) =>
      (options.ephemeral ?? ephemeral).includes(m.id)
        ? { ...m, ephemeralOn: ['duckdb' as const] }
        : m,
    );
    const results = await buildModels({
      warehouse,
      lake,
      models: options.only ? models.filter((m) => options.only?.includes(m.id)) : models,
      loadId: newLoadId(),
      fullRefresh: options.fullRefresh ?? false,
    });
    return new Map(results.map((r) => [r.model, r]));
  };
  const addPlays = async (plays: Play[]) =>
    lake.put(`raw/test/plays/${++files}.json`, JSON.stringify(plays));
  const manifest = async (table: string) =>
    JSON.parse(
      (await lake.get(`${table.replace('.', '/')}/_manifest.json`)).toString(),
    ) as TableManifest;
  const rows = async (table: string) =>
    (await warehouse.query(`SELECT * FROM ${table} ORDER BY ALL`)).rows;
  /** Both tables as a full refresh builds them, then as they were (the build is rebuilt). */
  const equalsFullRefresh = async () => {
    const incremental = [await rows('silver.fct_play'), await rows('gold.agg_weekly')];
    await build({ fullRefresh: true });
    assert.deepEqual([await rows('silver.fct_play'), await rows('gold.agg_weekly')], incremental);
  };
  return { lake, warehouse, build, addPlays, manifest, rows, equalsFullRefresh };
}

const rebuilt = (results: Map<string, ModelBuildResult>, model: string) =>
  results.get(model)?.partitions;

describe('partitioned models', () => {
  it('a first build writes one part per local year; a build with nothing new keeps them all', async () => {
    const t = await setup();
    try {
      const first = await t.build();
      assert.deepEqual(rebuilt(first, 'silver.fct_play'), ['2023', '2024', '2025']);
      const parts = (await t.manifest('silver.fct_play')).partitions;
      assert.deepEqual(Object.keys(parts ?? {}).sort(), ['2023', '2024', '2025']);
      assert.equal((await t.rows('silver.fct_play')).length, HISTORY.length);

      const again = await t.build();
      for (const model of ['silver.dim_song', 'silver.fct_play', 'gold.agg_weekly'])
        assert.equal(again.get(model)?.reused, true, model);
      assert.deepEqual((await t.manifest('silver.fct_play')).partitions, parts);
    } finally {
      t.warehouse.close();
    }
  });

  it('new plays rebuild their year only; the other parts stay the same files', async () => {
    const t = await setup();
    try {
      await t.build();
      const before = (await t.manifest('silver.fct_play')).partitions ?? {};
      await t.addPlays([play('2025-06-01T10:00:00Z', 'New Song')]);
      const built = await t.build();
      assert.deepEqual(rebuilt(built, 'silver.fct_play'), ['2025', 'undated']);
      assert.equal(built.get('silver.fct_play')?.change, 'dated');
      // The weekly table: the week of 1 June 2025, and the all-time row.
      assert.deepEqual(rebuilt(built, 'gold.agg_weekly'), ['2025', 'undated']);
      const after = (await t.manifest('silver.fct_play')).partitions ?? {};
      assert.deepEqual(after['2023'], before['2023']);
      assert.deepEqual(after['2024'], before['2024']);
      assert.notDeepEqual(after['2025'], before['2025']);
      const all = (await t.rows('gold.agg_weekly')).find((r) => r.week_start === null);
      assert.equal(all?.plays, HISTORY.length + 1);
      await t.equalsFullRefresh();
    } finally {
      t.warehouse.close();
    }
  });

  it('a play on New Year in local time lands in the local year, and both years are rebuilt', async () => {
    const t = await setup();
    try {
      await t.build();
      // 23:30 UTC on 31 December 2024 is 00:30 on 1 January 2025 in Berlin.
      await t.addPlays([play('2024-12-31T23:30:00Z', 'Middle Song')]);
      const built = await t.build();
      assert.deepEqual(rebuilt(built, 'silver.fct_play'), ['2024', '2025', 'undated']);
      const parts = (await t.manifest('silver.fct_play')).partitions ?? {};
      const inYear = async (year: string) =>
        (
          await t.warehouse.query(
            `SELECT count(*) AS n FROM read_parquet([${(parts[year] ?? []).map((f) => `'${join(t.lake.localRoot as string, f)}'`).join(',')}])`,
          )
        ).rows[0]?.n;
      assert.equal(await inYear('2025'), 2, 'the New Year play is in the 2025 part');
      assert.equal(await inYear('2024'), 2);
      // Its ISO week starts on Monday 30 December 2024: a week of the 2024 part of agg_weekly.
      const week = (await t.rows('gold.agg_weekly')).find(
        (r) => String(r.week_start) === '2024-12-30',
      );
      assert.equal(week?.plays, 1);
      await t.equalsFullRefresh();
    } finally {
      t.warehouse.close();
    }
  });

  it('a changed lookup row rebuilds the years of the rows that use its key, and no other', async () => {
    const t = await setup();
    try {
      await t.build();
      const before = (await t.manifest('silver.fct_play')).partitions ?? {};
      // A 2025 play credits "Old Song" (played in 2023) to another artist: dim_song changes
      // that song's row, so its 2023 plays change artist too.
      await t.addPlays([play('2025-09-01T10:00:00Z', 'Old Song', 'Artist 9')]);
      const built = await t.build();
      assert.equal(built.get('silver.dim_song')?.change, 'all');
      assert.deepEqual(rebuilt(built, 'silver.fct_play'), ['2023', '2025', 'undated']);
      const after = (await t.manifest('silver.fct_play')).partitions ?? {};
      assert.deepEqual(after['2024'], before['2024'], 'no 2024 play uses the changed key');
      const old = (await t.rows('silver.fct_play')).filter((r) => r.track_name === 'Old Song');
      assert.deepEqual(
        old.map((r) => r.artist_name),
        ['Artist 9', 'Artist 9', 'Artist 9'],
      );
      // A new song only adds a row to the lookup: nothing old is rebuilt for it.
      await t.addPlays([play('2025-10-01T10:00:00Z', 'Brand New Song')]);
      const added = await t.build();
      assert.equal(added.get('silver.dim_song')?.change, 'additions');
      assert.deepEqual(rebuilt(added, 'silver.fct_play'), ['2025', 'undated']);
      await t.equalsFullRefresh();
    } finally {
      t.warehouse.close();
    }
  });

  it('an input that moved on without the model (a build stopped halfway) rebuilds it whole', async () => {
    const t = await setup();
    try {
      await t.build();
      await t.addPlays([play('2025-09-01T10:00:00Z', 'Old Song', 'Artist 9')]);
      // Only bronze and the dimension are built: fct_play still holds the old artist.
      await t.build({ only: ['bronze.stg_plays', 'silver.dim_song'] });
      const built = await t.build();
      assert.equal(built.get('silver.dim_song')?.reused, true, 'the dimension is current');
      assert.deepEqual(rebuilt(built, 'silver.fct_play'), ['2023', '2024', '2025']);
      await t.equalsFullRefresh();
    } finally {
      t.warehouse.close();
    }
  });

  it('another time zone rebuilds every year (parts are local years)', async () => {
    const t = await setup();
    try {
      await t.build();
    } finally {
      t.warehouse.close();
    }
    const dir = t.lake.localRoot as string;
    const tokyo = await Warehouse.open({
      file: join(dir, '..', 'tokyo.duckdb'),
      timezone: 'Asia/Tokyo',
    });
    try {
      const built = await buildModels({
        warehouse: tokyo,
        lake: t.lake,
        models: loadModels(MODELS),
        loadId: newLoadId(),
      });
      const play = built.find((r) => r.model === 'silver.fct_play');
      assert.equal(play?.reused, undefined);
      assert.deepEqual(play?.partitions, ['2023', '2024', '2025']);
    } finally {
      tokyo.close();
    }
  });
  it('an ephemeral input is written in where it is read: nothing of it lands, the reader is the same', async () => {
    const t = await setup();
    try {
      await t.build();
      const weekly = await t.rows('gold.agg_weekly');
      const plays = await t.rows('silver.fct_play');
      const published = (await t.manifest('silver.fct_play')).files;

      const built = await t.build({ ephemeral: ['silver.fct_play'] });
      assert.equal(built.get('silver.fct_play')?.materialized, 'ephemeral');
      // The table it had published is gone, manifest and parts; the view reads the same rows.
      assert.equal(await t.lake.exists('silver/fct_play/_manifest.json'), false);
      for (const file of published) assert.equal(await t.lake.exists(file), false, file);
      assert.deepEqual(await t.rows('silver.fct_play'), plays);
      assert.deepEqual(await t.rows('gold.agg_weekly'), weekly);

      // New plays: the reader rebuilds their year only, and equals a full refresh.
      await t.addPlays([play('2025-06-01T10:00:00Z', 'New Song')]);
      const after = await t.build({ ephemeral: ['silver.fct_play'] });
      assert.deepEqual(rebuilt(after, 'gold.agg_weekly'), ['2025', 'undated']);
      const incremental = await t.rows('gold.agg_weekly');
      await t.build({ fullRefresh: true });
      assert.deepEqual(await t.rows('gold.agg_weekly'), incremental);
      assert.equal(await t.lake.exists('silver/fct_play/_manifest.json'), true);
    } finally {
      t.warehouse.close();
    }
  });
});
