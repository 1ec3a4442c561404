import {
  ALL_CHANGED,
  type Change,
  type DaySpan,
  daysTouched,
  extendSpan,
  partitionYearsSql,
  yearsOfSpan,
  yearsTouched,
} from '../changes.js';
import { diffRows } from '../diff.js';
import type { TableManifest } from '../manifest.js';
import type { Model } from '../models.js';
import {
  type Built,
  keepWithInputs,
  type ModelBuild,
  moveParts,
  newManifest,
  publish,
  removeStaging,
  sameColumns,
  sqlHash,
  stagingFolder,
} from './build.js';

/** The hive-style folder a partitioned table's parts sit in: `<table>/event_year=2026/`. */
export const PARTITION_COLUMN = 'event_year';
const UNDATED = 'undated';

/** Whether a part sits in its partition's folder (older builds wrote them flat). */
export const inPartitionFolder = (file: string) =>
  new RegExp(`/${PARTITION_COLUMN}=[^/]+/[^/]+$`).test(file);

/** What a partitioned build makes: some years whole, or a span of days; everything when empty. */
export interface BuildScope {
  years?: ReadonlySet<number>;
  days?: DaySpan;
}

/**
 * A partitioned model: a partition per year of its event_time (local years), plus one for rows
 * with no date, each in its folder `event_year=<year>/` (`event_year=undated/`): one part when
 * the year was built whole, up to MAX_PARTITION_PARTS after narrowed builds. When its inputs
 * changed on some days and the published parts are current, only the years those days touch
 * (with a margin, changes.ts) are rebuilt, from inputs narrowed by
 * `{{ partition_window(column) }}`; the undated part is rebuilt on any change. Otherwise every
 * year is. Its change is the days of the rows that differ from the parts they replace.
 *
 * A model made day by day (`rebuild: days`) whose inputs changed on a few days (an hour of new
 * plays) rebuilds only the days around them: their rows come from the model's SQL narrowed to
 * those days, and only they are compared; the parts holding none of them stay (planRewrite).
 * An hourly run at 500k streams rebuilt 40,000 plays of the year for 20 new ones. A top list
 * (`rebuild: months`) rebuilds the weeks and months around the changed days and its years' and
 * all-time rows, and keeps its other weeks and months. `render(scope)` is the model's SQL for a
 * build of that scope.
 */
export async function buildPartitioned(
  build: ModelBuild,
  inputs: Change,
  render: (scope: BuildScope) => string,
  /** A month-made model's change of the inputs its picked rows read (runner.ts). */
  periodInputs?: Change,
): Promise<Built> {
  const { engine, lake, model, loadId } = build;
  const eventTime = engine.dialect.identifier(model.eventTime as string);
  const previous = inputs.kind === 'dated' ? build.previous : undefined;
  const narrow =
    previous && narrowBuild(model, previous, inputs, periodInputs ?? inputs, eventTime);
  const years =
    narrow || !previous || inputs.kind !== 'dated' ? undefined : yearsTouched(inputs.days);
  const sql = render(narrow ? narrow.scope : { years });
  const staging = stagingFolder(model, loadId);
  const keptStaging = stagingFolder(model, loadId, '-kept');
  const keep = narrow
    ? `WHERE ${narrow.rows}`
    : years === undefined
      ? ''
      : `WHERE ${partitionYearsSql(eventTime, years)} OR ${eventTime} IS NULL`;
  // Which published parts a narrowed build rewrites, and which it leaves as they are.
  const rewrite = narrow && previous ? await planRewrite(build, previous, narrow) : undefined;
  const withYear = (rows: string) =>
    `SELECT *, coalesce(CAST(year(${eventTime}) AS STRING), '${UNDATED}') AS ${PARTITION_COLUMN} FROM (${rows}) AS rows_now`;
  try {
    // A narrowed build runs the SQL its parts were built with (publishedIsCurrent), so its
    // columns are theirs: not described again (DuckDB would plan the SQL twice), and the same
    // for the kept rows, which read back wider (Parquet has no HUGEINT: a sum comes back DOUBLE).
    const known = narrow ? previous?.columns : undefined;
    const written = await engine.writeParquet(
      withYear(`SELECT * FROM (${sql}) AS rows_built ${keep}`),
      staging,
      PARTITION_COLUMN,
      known,
    );
    // The other rows of the parts it rewrites, in parts of their own: the next hour's build
    // finds no row of its own in them, and leaves them as they are.
    const kept =
      narrow && rewrite && rewrite.keptRows > 0
        ? await engine.writeParquet(
            withYear(
              `SELECT * FROM ${await engine.parts(rewrite.rewritten)} AS rows_kept WHERE NOT ${narrow.rows}`,
            ),
            keptStaging,
            PARTITION_COLUMN,
            known,
          )
        : undefined;
    const rebuilt = narrow
      ? new Set(
          [...narrow.parts].filter((key) => previous?.partitions?.[key] || written.files.has(key)),
        )
      : years === undefined
        ? new Set([...Object.keys(build.previous?.partitions ?? {}), ...written.files.keys()])
        : new Set([...[...years].map(String), UNDATED]);
    const columns = known ?? written.columns;
    // What changed: the rows it made against the rows they replace (a narrowed build's old rows
    // are those of the parts it rewrites that it makes: the rest it copied unchanged).
    const old = build.previous;
    const oldRows = async () => {
      if (rewrite && narrow)
        return rewrite.rewritten.length === 0
          ? undefined
          : `(SELECT * FROM ${await engine.parts(rewrite.rewritten)} AS part_rows WHERE ${narrow.rows})`;
      const files = [...rebuilt].flatMap((key) => old?.partitions?.[key] ?? []);
      return files.length === 0 ? undefined : await engine.parts(files);
    };
    const newFiles = [...written.files.values()].flat();
    const change =
      old === undefined || build.fullRefresh || !sameColumns(old.columns, columns)
        ? ALL_CHANGED
        : await diffRows(
            engine,
            await oldRows(),
            newFiles.length === 0 ? undefined : await engine.parts(newFiles),
            model.eventTime,
          );
    // Same rows in the same parts: the published version stands. Same rows cut another way (in
    // another time zone) are published, keeping the version: nothing downstream changes.
    if (change.kind === 'none' && old && old.sql_hash === sqlHash(build))
      return await keepWithInputs(build, old);
    const partitions: Record<string, string[]> = {};
    for (const [key, files] of Object.entries(old?.partitions ?? {}))
      if (!rebuilt.has(key)) partitions[key] = files;
      else if (rewrite) partitions[key] = files.filter((file) => rewrite.untouched.has(file));
    const place = async (staged: Map<string, string[]>, suffix: string) => {
      for (const [key, files] of staged) {
        const moved = await moveParts(
          lake,
          files,
          (i) =>
            `${model.layer}/${model.name}/${PARTITION_COLUMN}=${key}/part-${loadId}${suffix}${i > 0 ? `-${i}` : ''}.parquet`,
        );
        partitions[key] = [...(partitions[key] ?? []), ...moved];
      }
    };
    if (kept) await place(kept.files, '-kept');
    await place(written.files, '');
    for (const key of Object.keys(partitions))
      if (partitions[key]?.length === 0) delete partitions[key];
    const files = Object.keys(partitions)
      .sort()
      .flatMap((key) => partitions[key] as string[]);
    const rows =
      files.length === 0
        ? 0
        : Number(
            (await engine.query(`SELECT count(*) AS n FROM ${await engine.parts(files)}`)).rows[0]
              ?.n ?? 0,
          );
    const manifest = newManifest(build, { rows, files, columns, partitions });
    if (change.kind === 'none' && old) manifest.version = old.version ?? old.load_id;
    await publish(build, manifest);
    return {
      result: {
        model: model.id,
        materialized: 'partitioned',
        rows,
        files,
        partitions: [...rebuilt].sort(),
        ...(narrow ? { days: narrow.days } : {}),
        change: change.kind,
      },
      change,
      version: manifest.version ?? loadId,
      manifest,
    };
  } finally {
    await removeStaging(lake, staging);
    if (rewrite) await removeStaging(lake, keptStaging);
  }
}

/** A partition holds at most this many parts after a narrowed build; beyond, they are merged. */
export const MAX_PARTITION_PARTS = 4;

/** What a narrowed build does with the published parts of the partitions it rebuilds. */
interface Rewrite {
  /** Parts holding rows it makes: those rows are made again, their others copied. */
  rewritten: string[];
  /** Parts holding none of its rows: they stay as they are. */
  untouched: Set<string>;
  /** How many rows of the rewritten parts it does not make (copied into a part of their own). */
  keptRows: number;
}

/**
 * Which parts a narrowed build rewrites: those holding a row it makes. The first hour of a year
 * copies the year's other rows into a part of their own (40,000 plays at 500k streams); every
 * later hour of the same days finds none of its rows there, and rewrites only the last hour's
 * part. A partition never holds more than MAX_PARTITION_PARTS parts: beyond, every part but its
 * largest is rewritten too (merged into one).
 */
async function planRewrite(
  build: ModelBuild,
  previous: TableManifest,
  narrow: NarrowBuild,
): Promise<Rewrite> {
  const { engine } = build;
  const candidates = [...narrow.parts].flatMap((key) => previous.partitions?.[key] ?? []);
  const counted: { file: string; rows: number; made: number }[] = [];
  if (candidates.length > 0) {
    // One relation at a time: Spark's session takes one statement at a time.
    const counts: string[] = [];
    for (const [i, file] of candidates.entries())
      counts.push(
        `SELECT ${i} AS part, count(*) AS n, count(CASE WHEN ${narrow.rows} THEN 1 END) AS made FROM ${await engine.parts([file])} AS part_rows`,
      );
    const result = await engine.query(counts.join(' UNION ALL '));
    for (const row of result.rows)
      counted.push({
        file: candidates[Number(row.part)] as string,
        rows: Number(row.n),
        made: Number(row.made),
      });
  }
  const rewritten = new Set(counted.filter((c) => c.made > 0).map((c) => c.file));
  for (const key of narrow.parts) {
    const files = new Set(previous.partitions?.[key] ?? []);
    const untouched = counted.filter((c) => files.has(c.file) && !rewritten.has(c.file));
    // After this build: the untouched parts, a part of kept rows, and one of rows made.
    if (untouched.length + 2 <= MAX_PARTITION_PARTS) continue;
    const largest = untouched.reduce((a, b) => (b.rows > a.rows ? b : a));
    for (const c of untouched) if (c !== largest) rewritten.add(c.file);
  }
  return {
    rewritten: [...rewritten],
    untouched: new Set(counted.filter((c) => !rewritten.has(c.file)).map((c) => c.file)),
    keptRows: counted
      .filter((c) => rewritten.has(c.file))
      .reduce((sum, c) => sum + c.rows - c.made, 0),
  };
}

/** A build narrower than years: what its SQL is rendered for, and which rows it makes. */
interface NarrowBuild {
  /** The days of the rows it makes by day (shown as `rebuilt <from>..<to>`). */
  days: DaySpan;
  scope: BuildScope;
  /** SQL condition over the model's rows: those this build makes; the others are kept. */
  rows: string;
  /** The parts it rewrites (years, `undated`). */
  parts: Set<string>;
}

/**
 * How a model made by days or months (`rebuild:`, models.ts) rebuilds a short dated change, or
 * undefined when it rebuilds years (a long change, or a model that does not say):
 * - `days`: the rows of the changed days widened by the margin, its SQL reading the margin
 *   beyond them (a model with undated rows rebuilds years: those rows span all time);
 * - `months where <condition>`: the rows the condition picks (a week's or a month's list) whose
 *   day falls up to 31 days before a changed day (or the margin after it), its SQL reading up to
 *   31 days past them; and every other row of the changed days' years and the undated ones,
 *   which its SQL makes from `{{ partition_years(column) }}` and whole-table reads.
 */
function narrowBuild(
  model: Model,
  previous: TableManifest,
  inputs: Change,
  periodInputs: Change,
  eventTime: string,
): NarrowBuild | undefined {
  const rebuild = model.rebuild;
  if (rebuild === undefined || inputs.kind !== 'dated') return undefined;
  const inDays = (span: DaySpan) =>
    `CAST(${eventTime} AS DATE) BETWEEN DATE '${span.from}' AND DATE '${span.to}'`;
  if (rebuild.unit === 'days') {
    const days = previous.partitions?.[UNDATED] === undefined ? daysTouched(inputs) : undefined;
    if (!days) return undefined;
    return {
      days,
      scope: { days },
      rows: `coalesce(${inDays(days)}, false)`,
      parts: new Set([...yearsOfSpan(days)].map(String)),
    };
  }
  const days = daysTouched(periodInputs, MONTH_DAYS);
  if (!days) return undefined;
  // The other rows are of whole years (a year's list) or all time: the changed days' own local
  // years, with no margin (a year's row holds exactly its year's plays).
  const years = new Set([...inputs.days].map((day) => Number(day.slice(0, 4))));
  const picked = rebuild.where;
  return {
    days,
    scope: { days: extendSpan(days, MONTH_DAYS), years },
    rows: `coalesce(((${picked}) AND ${inDays(days)}) OR (NOT (${picked}) AND (${eventTime} IS NULL OR ${partitionYearsSql(eventTime, years)})), false)`,
    parts: new Set([...yearsOfSpan(days), ...years].map(String).concat(UNDATED)),
  };
}

/** The longest period a month-made row covers from its day. */
const MONTH_DAYS = 31;
