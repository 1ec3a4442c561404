import {
  ALL_CHANGED,
  type Change,
  type DaySpan,
  daysTouched,
  yearsOfSpan,
  yearsTouched,
} from '../changes.js';
import { diffRows } from '../diff.js';
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
 * ones. `render(scope)` is the model's SQL for a build of that scope.
 */
export async function buildPartitioned(
  build: ModelBuild,
  inputs: Change,
  render: (scope: BuildScope) => string,
): Promise<Built> {
  const { engine, lake, model, loadId } = build;
  const eventTime = engine.dialect.identifier(model.eventTime as string);
  const previous = inputs.kind === 'dated' ? build.previous : undefined;
  const days =
    previous && model.rebuild === 'days' && previous.partitions?.[UNDATED] === undefined
      ? daysTouched(inputs)
      : undefined;
  const years = days
    ? yearsOfSpan(days)
    : previous && inputs.kind === 'dated'
      ? yearsTouched(inputs.days)
      : undefined;
  const sql = render(days ? { days } : { years });
  const staging = stagingFolder(model, loadId);
  const inDays = days
    ? `CAST(${eventTime} AS DATE) BETWEEN DATE '${days.from}' AND DATE '${days.to}'`
    : undefined;
  // The published parts of the years a day build rewrites: their rows outside the days stay.
  const keptFiles = days
    ? [...(years ?? [])].flatMap((year) => previous?.partitions?.[String(year)] ?? [])
    : [];
  const keep =
    years === undefined
      ? ''
      : inDays
        ? `WHERE ${inDays}`
        : `WHERE year(${eventTime}) IN (${[...years].join(', ')}) OR ${eventTime} IS NULL`;
  try {
    let rowsNow = `SELECT * FROM (${sql}) AS rows_built ${keep}`;
    if (keptFiles.length > 0)
      rowsNow += ` UNION ALL SELECT * FROM ${await engine.parts(keptFiles)} AS rows_kept WHERE NOT (${inDays})`;
    const partitioned = `SELECT *, coalesce(CAST(year(${eventTime}) AS STRING), '${UNDATED}') AS ${PARTITION_COLUMN} FROM (${rowsNow}) AS rows_now`;
    const written = await engine.writeParquet(partitioned, staging, PARTITION_COLUMN);
    const rebuilt =
      years === undefined
        ? new Set([...Object.keys(build.previous?.partitions ?? {}), ...written.files.keys()])
        : days
          ? new Set(
              [...years]
                .map(String)
                .filter((key) => previous?.partitions?.[key] || written.files.has(key)),
            )
          : new Set([...[...years].map(String), UNDATED]);
    // A day build runs the SQL its parts were built with (publishedIsCurrent), so its columns
    // are theirs. Described through the union they can read wider: Parquet has no HUGEINT (a
    // sum), so the kept rows come back DOUBLE, which is what a full build's files hold too.
    const columns = days && previous ? previous.columns : written.columns;
    // What changed: the rebuilt parts' rows against the rows they replace.
    const old = build.previous;
    const oldFiles = [...rebuilt].flatMap((key) => old?.partitions?.[key] ?? []);
    const newFiles = [...written.files.values()].flat();
    // A day build compares only its days: the rest of its years was copied unchanged.
    const compared = async (files: string[]) =>
      files.length === 0
        ? undefined
        : inDays
          ? `(SELECT * FROM ${await engine.parts(files)} AS part_rows WHERE ${inDays})`
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
        ...(days ? { days } : {}),
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
