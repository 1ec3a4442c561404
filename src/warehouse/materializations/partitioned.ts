import {
  ALL_CHANGED,
  type Change,
  type DaySpan,
  daysTouched,
  extendSpan,
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
 * A partitioned model: one part per year of its event_time (local years), plus one for rows
 * with no date, each in its folder `event_year=<year>/` (`event_year=undated/`). When its inputs
 * changed on some days and the published parts are current, only the years those days touch
 * (with a margin, changes.ts) are rebuilt, from inputs narrowed by
 * `{{ partition_window(column) }}`; the undated part is rebuilt on any change. Otherwise every
 * year is. Its change is the days of the rows that differ from the parts they replace.
 *
 * A model made day by day (`rebuild: days`) whose inputs changed on a few days (an hour of new
 * plays) rebuilds only the days around them: their rows come from the model's SQL narrowed to
 * those days, the rest of their years' rows from the parts they replace, and only the rebuilt
 * days are compared. An hourly run at 500k streams rebuilt 40,000 plays of the year for 20 new
 * ones. A top list (`rebuild: months`) rebuilds the weeks and months around the changed days and
 * its years' and all-time rows, and copies its other weeks and months. `render(scope)` is the
 * model's SQL for a build of that scope.
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
  const keep = narrow
    ? `WHERE ${narrow.rows}`
    : years === undefined
      ? ''
      : `WHERE year(${eventTime}) IN (${[...years].join(', ')}) OR ${eventTime} IS NULL`;
  // The published parts a narrowed build rewrites: their rows it does not make stay.
  const keptFiles = narrow
    ? [...narrow.parts].flatMap((key) => previous?.partitions?.[key] ?? [])
    : [];
  try {
    let rowsNow = `SELECT * FROM (${sql}) AS rows_built ${keep}`;
    if (narrow && keptFiles.length > 0)
      rowsNow += ` UNION ALL SELECT * FROM ${await engine.parts(keptFiles)} AS rows_kept WHERE NOT ${narrow.rows}`;
    const partitioned = `SELECT *, coalesce(CAST(year(${eventTime}) AS STRING), '${UNDATED}') AS ${PARTITION_COLUMN} FROM (${rowsNow}) AS rows_now`;
    // A narrowed build runs the SQL its parts were built with (publishedIsCurrent), so its
    // columns are theirs. Described through the union they can read wider: Parquet has no
    // HUGEINT (a sum), so kept rows come back DOUBLE, which is what a full build's files hold.
    const known = narrow ? previous?.columns : undefined;
    const written = await engine.writeParquet(partitioned, staging, PARTITION_COLUMN, known);
    const rebuilt = narrow
      ? new Set(
          [...narrow.parts].filter((key) => previous?.partitions?.[key] || written.files.has(key)),
        )
      : years === undefined
        ? new Set([...Object.keys(build.previous?.partitions ?? {}), ...written.files.keys()])
        : new Set([...[...years].map(String), UNDATED]);
    const columns = known ?? written.columns;
    // What changed: the rebuilt parts' rows against the rows they replace.
    const old = build.previous;
    const oldFiles = [...rebuilt].flatMap((key) => old?.partitions?.[key] ?? []);
    const newFiles = [...written.files.values()].flat();
    // A narrowed build compares only the rows it made: the rest was copied unchanged.
    const compared = async (files: string[]) =>
      files.length === 0
        ? undefined
        : narrow
          ? `(SELECT * FROM ${await engine.parts(files)} AS part_rows WHERE ${narrow.rows})`
          : await engine.parts(files);
    const change =
      old === undefined || build.fullRefresh || !sameColumns(old.columns, columns)
        ? ALL_CHANGED
        : await diffRows(
            engine,
            await compared(oldFiles),
            await compared(newFiles),
            model.eventTime,
          );
    // Same rows in the same parts: the published version stands. Same rows cut another way (in
    // another time zone) are published, keeping the version: nothing downstream changes.
    if (change.kind === 'none' && old && old.sql_hash === sqlHash(build))
      return await keepWithInputs(build, old);
    const partitions: Record<string, string[]> = {};
    for (const [key, files] of Object.entries(old?.partitions ?? {}))
      if (!rebuilt.has(key)) partitions[key] = files;
    for (const [key, files] of written.files)
      partitions[key] = await moveParts(
        lake,
        files,
        (i) =>
          `${model.layer}/${model.name}/${PARTITION_COLUMN}=${key}/part-${loadId}${i > 0 ? `-${i}` : ''}.parquet`,
      );
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
  }
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
    rows: `coalesce(((${picked}) AND ${inDays(days)}) OR (NOT (${picked}) AND (${eventTime} IS NULL OR year(${eventTime}) IN (${[...years].sort((a, b) => a - b).join(', ')}))), false)`,
    parts: new Set([...yearsOfSpan(days), ...years].map(String).concat(UNDATED)),
  };
}

/** The longest period a month-made row covers from its day. */
const MONTH_DAYS = 31;
