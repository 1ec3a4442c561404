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
import { DuckDBInstance } from '@duckdb/node-api';
import { writeSyntheticExtendedExport } from '../src/bench/export-generator.js';
import { duckdbFloor } from '../src/bench/floor.js';
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

    const instance = await DuckDBInstance.create(':memory:');
    const db = await instance.connect();
    const parquet = (folder: string) => `read_parquet('${folder}/**/*.parquet')`;
    const product = (table: string) => parquet(join(dir, 'lake', 'gold', table));
    const count = async (sql: string) =>
      Number((await db.runAndReadAll(sql)).getRows()[0]?.[0] ?? Number.NaN);
    try {
      const lists: Array<[string, string, string]> = [
        ['agg_top_tracks', 'top_tracks', 'track_key'],
        ['agg_top_artists', 'top_artists', 'artist_name'],
      ];
      for (const [table, floorList, key] of lists) {
        const ours = `SELECT period, ${key} AS key, plays, rank, rank_by_minutes FROM ${product(table)}`;
        const plain = `SELECT period, key, plays, rank, rank_by_minutes FROM ${parquet(join(floor, floorList))}`;
        const rows = await count(`SELECT count(*) FROM (${ours})`);
        assert.ok(rows > 1000, `${table} has ${rows} rows`);
        assert.equal(await count(`SELECT count(*) FROM (${ours} EXCEPT ALL ${plain})`), 0, table);
        assert.equal(await count(`SELECT count(*) FROM (${plain} EXCEPT ALL ${ours})`), 0, table);
      }
      const perPeriod = (from: string) =>
        `SELECT period_type, period, count(*) AS n FROM ${from} GROUP BY ALL`;
      const albums = perPeriod(product('agg_top_albums'));
      const plainAlbums = perPeriod(parquet(join(floor, 'top_albums')));
      assert.equal(await count(`SELECT count(*) FROM (${albums} EXCEPT ALL ${plainAlbums})`), 0);
      assert.equal(await count(`SELECT count(*) FROM (${plainAlbums} EXCEPT ALL ${albums})`), 0);

      const productRows = await count(
        `SELECT (SELECT count(*) FROM ${product('agg_top_tracks')}) + (SELECT count(*) FROM ${product('agg_top_albums')}) + (SELECT count(*) FROM ${product('agg_top_artists')})`,
      );
      assert.equal(listRows, productRows);
    } finally {
      db.closeSync();
      instance.closeSync();
    }
  });
});
