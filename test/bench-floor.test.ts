/**
 * The floor bench (`npm run bench -- floor`) sets the product beside DuckDB alone building the
 * product's three top lists in plain SQL. That comparison is honest only while the plain SQL
 * builds the same lists: here both run on one generated export, and the lists are compared row
 * by row (tracks and artists by key, plays and both ranks; albums, whose keys differ, by their
 * counts per period).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { writeSyntheticExtendedExport } from '../src/bench/export-generator.js';
import { duckdbFloor } from '../src/bench/floor.js';
import { Warehouse } from '../src/warehouse/engine.js';
import { tempDir, wrapped } from './support/helpers.js';

const STREAMS = 6_000;

describe('the floor bench', () => {
  it("builds the product's three top lists, the same rows as the product's gold tables", async () => {
    const dir = await tempDir();
    const exportDir = join(dir, 'export');
    await writeSyntheticExtendedExport(exportDir, STREAMS);
    const floor = join(dir, 'floor');
    const { listRows } = await duckdbFloor(
      join(exportDir, 'Spotify Extended Streaming History'),
      floor,
    );

    const env = {
      WRAPPED_HOME: join(dir, 'home'),
      WRAPPED_LAKE: join(dir, 'lake'),
      WRAPPED_TIMEZONE: 'UTC',
    };
    for (const args of [['import', exportDir], ['transform']]) {
      const run = await wrapped([...args, '--json'], { env });
      assert.equal(run.code, 0, run.stderr);
    }

    const duck = await Warehouse.open({ file: ':memory:', timezone: 'UTC' });
    const parquet = (folder: string) => `read_parquet('${folder}/**/*.parquet')`;
    const product = (table: string) => parquet(join(dir, 'lake', 'gold', table));
    const count = async (sql: string) =>
      Number((await duck.query(`SELECT count(*) AS n FROM (${sql})`)).rows[0]?.n ?? Number.NaN);
    /** Both queries give the same rows, as many times each. */
    const sameRows = async (a: string, b: string, what: string) => {
      assert.equal(await count(`${a} EXCEPT ALL ${b}`), 0, what);
      assert.equal(await count(`${b} EXCEPT ALL ${a}`), 0, what);
    };
    try {
      const lists: Array<[string, string, string]> = [
        ['agg_top_tracks', 'top_tracks', 'track_key'],
        ['agg_top_artists', 'top_artists', 'artist_name'],
      ];
      for (const [table, floorList, key] of lists) {
        const ours = `SELECT period, ${key} AS key, plays, rank, rank_by_minutes FROM ${product(table)}`;
        const plain = `SELECT period, key, plays, rank, rank_by_minutes FROM ${parquet(join(floor, floorList))}`;
        const rows = await count(ours);
        assert.ok(rows > 1000, `${table} has ${rows} rows`);
        await sameRows(ours, plain, table);
      }
      const perPeriod = (from: string) =>
        `SELECT period_type, period, count(*) AS n FROM ${from} GROUP BY ALL`;
      await sameRows(
        perPeriod(product('agg_top_albums')),
        perPeriod(parquet(join(floor, 'top_albums'))),
        'agg_top_albums',
      );

      const gold = ['agg_top_tracks', 'agg_top_albums', 'agg_top_artists'];
      const productRows = await count(
        gold.map((table) => `SELECT 1 FROM ${product(table)}`).join(' UNION ALL '),
      );
      assert.equal(listRows, productRows);
    } finally {
      duck.close();
    }
  });
});
