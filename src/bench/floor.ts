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
 *
 * Then, timed apart, what the floor leaves out of the product's own gold: the three top lists
 * as the product keeps them (every track, album and artist of every week, month, year and all
 * time, ranked by plays and by minutes, named: about 2.2 million rows here, against the floor's
 * top 100 of each year). The second ratio, against the floor plus those lists, tells how much
 * of the gap is the product's machinery and how much is the work its tables ask for.
 */
export const floorBenchmark: Benchmark = {
  name: 'floor',
  async run(dir) {
    const exportDir = join(dir, 'export');
    const { files } = await writeSyntheticExtendedExport(exportDir, STREAMS);
    settleDisk();

    const {
      essential: floorSeconds,
      lists: listsSeconds,
      listRows,
    } = await duckdbFloor(
      join(exportDir, 'Spotify Extended Streaming History'),
      join(dir, 'floor'),
    );
    await rm(join(dir, 'floor'), { recursive: true, force: true });
    settleDisk();

    const env = {
      PATH: process.env.PATH ?? '',
      WRAPPED_HOME: join(dir, 'home'),
      WRAPPED_LAKE: join(dir, 'lake'),
      WRAPPED_TIMEZONE: 'UTC',
    };
    const imported = wrappedMeasured(['import', exportDir, '--json'], env, join(dir, 'import.rss'));
    settleDisk();
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
      {
        figure: 'DuckDB alone: the three top lists as the product keeps them',
        value: listsSeconds,
        unit: 's',
      },
      { figure: 'rows in those lists', value: listRows, unit: 'rows' },
      {
        figure: '(import + full build) / (floor + those lists)',
        value: product / (floorSeconds + listsSeconds),
        unit: 'x',
      },
      { figure: 'wrapped import: peak RSS', value: imported.peakMb, unit: 'MB' },
      { figure: 'wrapped transform --full-refresh: peak RSS', value: built.peakMb, unit: 'MB' },
    ];
  },
};

/**
 * The floor itself: DuckDB's own SQL, timed from the copy of the files to the last Parquet
 * (`essential`); then, on the same plays, the product's three top lists (`lists`, with their
 * rows), left in `out/top_tracks`, `out/top_albums` and `out/top_artists`.
 */
export async function duckdbFloor(
  streamingDir: string,
  out: string,
): Promise<{ essential: number; lists: number; listRows: number }> {
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
    const essential = (performance.now() - started) / 1000;

    const listsStarted = performance.now();
    let listRows = 0;
    for (const [name, list] of Object.entries(TOP_LISTS)) {
      const copied = await db.runAndReadAll(
        `COPY (${topListSql(list)}) TO ${q(join(out, name))} (FORMAT parquet, PARTITION_BY (year))`,
      );
      listRows += Number(copied.getRows()[0]?.[0] ?? 0);
    }
    return { essential, lists: (performance.now() - listsStarted) / 1000, listRows };
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

/** What each of the product's top lists is of: its key, and the names kept beside it. */
const TOP_LISTS: Record<string, { key: string; names: string }> = {
  top_tracks: {
    key: 'spotify_track_uri',
    names:
      'any_value(master_metadata_track_name) AS track_name, any_value(master_metadata_album_artist_name) AS artist_name',
  },
  top_albums: {
    key: "master_metadata_album_artist_name || '/' || master_metadata_album_album_name",
    names:
      'any_value(master_metadata_album_album_name) AS album_name, any_value(master_metadata_album_artist_name) AS artist_name',
  },
  top_artists: { key: 'master_metadata_album_artist_name', names: '' },
};

/**
 * One list as the product keeps it (models/gold/agg_top_*.sql), in DuckDB's plainest SQL:
 * every key of every week, month, year and all time, with plays (streams of 30 s or more) and
 * minutes, ranked both ways, named, and the period's label.
 */
function topListSql(list: { key: string; names: string }): string {
  return `WITH streams AS (
      SELECT ${list.key} AS key, ms_played, ms_played >= 30000 AS counts,
        CAST(date_trunc('week', ts) AS DATE) AS w, CAST(date_trunc('month', ts) AS DATE) AS m,
        CAST(date_trunc('year', ts) AS DATE) AS y
      FROM plays WHERE ${list.key} IS NOT NULL
    ),
    named AS (SELECT ${list.key} AS key${list.names ? `, ${list.names}` : ''} FROM plays GROUP BY 1),
    grouped AS (
      SELECT CASE WHEN grouping(w) = 0 THEN 'week' WHEN grouping(m) = 0 THEN 'month'
          WHEN grouping(y) = 0 THEN 'year' ELSE 'all' END AS period_type,
        coalesce(w, m, y) AS period_start, key,
        count(*) FILTER (WHERE counts) AS plays, sum(ms_played) AS ms
      FROM streams GROUP BY GROUPING SETS ((w, key), (m, key), (y, key), (key))
    )
    SELECT g.period_type,
      CASE g.period_type WHEN 'week' THEN strftime(g.period_start, '%G-W%V')
        WHEN 'month' THEN strftime(g.period_start, '%Y-%m')
        WHEN 'year' THEN CAST(year(g.period_start) AS VARCHAR) ELSE 'all' END AS period,
      g.period_start, n.*, g.plays, round(g.ms / 60000.0, 2) AS minutes,
      row_number() OVER (PARTITION BY g.period_type, g.period_start ORDER BY g.plays DESC, g.ms DESC, g.key) AS rank,
      row_number() OVER (PARTITION BY g.period_type, g.period_start ORDER BY g.ms DESC, g.plays DESC, g.key) AS rank_by_minutes,
      coalesce(CAST(year(g.period_start) AS VARCHAR), 'all') AS year
    FROM grouped AS g JOIN named AS n USING (key)`;
}

/**
 * Writes what earlier steps left in the page cache to disk before the next timed step, so that
 * no step pays for the writeback of the one before: the generator and the floor write about
 * 1 GB. Without it the import after the floor took 2.82-2.98 s and the full build 5.88-6.29 s;
 * with it 2.59-2.69 s and 5.51-5.75 s (three runs each; the import alone takes 2.25-2.35 s).
 * Where there is no `sync`, nothing.
 */
function settleDisk(): void {
  spawnSync('sync', { stdio: 'ignore' });
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
