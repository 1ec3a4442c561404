import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { copyFile, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { EXTENDED_COLUMNS } from '../importer/natural-key.js';
import { writeSyntheticExtendedExport } from './export-generator.js';
import type { Benchmark } from './types.js';

const STREAMS = Number(process.env.BENCH_FLOOR_STREAMS ?? 500_000);
const BIN = fileURLToPath(new URL('../../bin/wrapped.js', import.meta.url));
const PEAK_RSS = fileURLToPath(new URL('./peak-rss.js', import.meta.url));

/**
 * The honest floor (issue 24): DuckDB alone, with no project code but the column types the
 * product gives (EXTENDED_COLUMNS, a string), doing the essential work on the same generated
 * export: land a copy of every streaming file in a raw folder and read them from there, remove
 * exact duplicates, write the plays as Parquet partitioned by year, and write five gold
 * aggregates (daily listening, top artists and top tracks per year, the listening clock,
 * streaks). Beside it, in the same run, `wrapped import` + `wrapped transform --full-refresh`,
 * each in a process of its own for its peak RSS, and the ratio (goal: 3 or less; aim 2).
 */
export const floorBenchmark: Benchmark = {
  name: 'floor',
  async run(dir) {
    const exportDir = join(dir, 'export');
    const { files } = await writeSyntheticExtendedExport(exportDir, STREAMS);

    const floorSeconds = await duckdbFloor(
      join(exportDir, 'Spotify Extended Streaming History'),
      join(dir, 'floor'),
    );
    await rm(join(dir, 'floor'), { recursive: true, force: true });

    const env = {
      PATH: process.env.PATH ?? '',
      WRAPPED_HOME: join(dir, 'home'),
      WRAPPED_LAKE: join(dir, 'lake'),
      WRAPPED_TIMEZONE: 'UTC',
    };
    const imported = wrappedMeasured(['import', exportDir, '--json'], env, join(dir, 'import.rss'));
    const built = wrappedMeasured(
      ['transform', '--full-refresh', '--json'],
      env,
      join(dir, 'transform.rss'),
    );
    const product = imported.seconds + built.seconds;
    return [
      { figure: `generated export: ${files.length} files`, value: STREAMS, unit: 'streams' },
      { figure: 'DuckDB alone: the essential work (floor)', value: floorSeconds, unit: 's' },
      { figure: 'wrapped import', value: imported.seconds, unit: 's' },
      { figure: 'wrapped transform --full-refresh', value: built.seconds, unit: 's' },
      { figure: 'import + full build', value: product, unit: 's' },
      {
        figure: '(import + full build) / floor (goal <= 3, aim 2)',
        value: product / floorSeconds,
        unit: 'x',
      },
      { figure: 'wrapped import: peak RSS', value: imported.peakMb, unit: 'MB' },
      { figure: 'wrapped transform --full-refresh: peak RSS', value: built.peakMb, unit: 'MB' },
    ];
  },
};

/** The floor itself: DuckDB's own SQL, timed from the copy of the files to the last Parquet. */
async function duckdbFloor(streamingDir: string, out: string): Promise<number> {
  const started = performance.now();
  const raw = join(out, 'raw');
  await mkdir(raw, { recursive: true });
  for (const name of await readdir(streamingDir))
    if (name.endsWith('.json')) await copyFile(join(streamingDir, name), join(raw, name));

  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const db = await instance.connect();
  const q = (text: string) => `'${text.replaceAll("'", "''")}'`;
  try {
    await db.run(`SET TimeZone = 'UTC'`);
    await db.run(
      `CREATE TABLE plays AS
       SELECT DISTINCT * REPLACE (CAST(ts AS TIMESTAMPTZ) AS ts)
       FROM read_json(${q(join(raw, '*.json'))}, format = 'array', columns = ${EXTENDED_COLUMNS})`,
    );
    await db.run(
      `COPY (SELECT *, year(ts) AS year FROM plays)
       TO ${q(join(out, 'plays'))} (FORMAT parquet, PARTITION_BY (year))`,
    );
    const gold: Record<string, string> = {
      daily: `SELECT CAST(ts AS DATE) AS day, count(*) AS plays, sum(ms_played) / 60000.0 AS minutes
              FROM plays GROUP BY ALL`,
      top_artists: `SELECT year(ts) AS year, master_metadata_album_artist_name AS artist,
                      count(*) AS plays, sum(ms_played) / 60000.0 AS minutes,
                      rank() OVER (PARTITION BY year(ts) ORDER BY count(*) DESC) AS rank
                    FROM plays WHERE master_metadata_album_artist_name IS NOT NULL
                    GROUP BY year(ts), master_metadata_album_artist_name QUALIFY rank <= 100`,
      top_tracks: `SELECT year(ts) AS year, spotify_track_uri AS track,
                     any_value(master_metadata_track_name) AS name, count(*) AS plays,
                     sum(ms_played) / 60000.0 AS minutes,
                     rank() OVER (PARTITION BY year(ts) ORDER BY count(*) DESC) AS rank
                   FROM plays WHERE spotify_track_uri IS NOT NULL
                   GROUP BY year(ts), spotify_track_uri QUALIFY rank <= 100`,
      clock: `SELECT dayofweek(ts) AS weekday, hour(ts) AS hour, count(*) AS plays,
                sum(ms_played) / 60000.0 AS minutes FROM plays GROUP BY ALL`,
      streaks: `WITH days AS (SELECT DISTINCT CAST(ts AS DATE) AS day FROM plays),
                islands AS (SELECT day, day - CAST(row_number() OVER (ORDER BY day) AS INTEGER) AS grp FROM days)
                SELECT min(day) AS first_day, max(day) AS last_day, count(*) AS days
                FROM islands GROUP BY grp`,
    };
    for (const [name, sql] of Object.entries(gold))
      await db.run(`COPY (${sql}) TO ${q(join(out, `${name}.parquet`))} (FORMAT parquet)`);
  } finally {
    db.closeSync();
    instance.closeSync();
  }
  return (performance.now() - started) / 1000;
}

/** A `wrapped` command in a child, timed from spawn to exit, with its own peak RSS. */
function wrappedMeasured(
  args: string[],
  env: Record<string, string>,
  rssFile: string,
): { seconds: number; peakMb: number } {
  const started = performance.now();
  const child = spawnSync(process.execPath, ['--import', PEAK_RSS, BIN, ...args], {
    env: { ...env, WRAPPED_BENCH_RSS_FILE: rssFile },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = (performance.now() - started) / 1000;
  if (child.status !== 0)
    throw new Error(`wrapped ${args.join(' ')} exited ${child.status}: ${child.stderr}`);
  return { seconds, peakMb: Number(readFileSync(rssFile, 'utf8')) / 1024 / 1024 };
}
