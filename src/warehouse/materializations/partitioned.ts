import { ALL_CHANGED, type Change, yearsTouched } from '../changes.js';
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

/**
 * A partitioned model: one part per year of its event_time (local years), plus one for rows
 * with no date, each in its folder `event_year=<year>/` (`event_year=undated/`). When its inputs
 * changed on some days and the published parts are current, only the years those days touch
 * (with a margin, changes.ts) are rebuilt, from inputs narrowed by
 * `{{ partition_window(column) }}`; the undated part is rebuilt on any change. Otherwise every
 * year is. Its change is the days of the rows that differ from the parts they replace.
 * `render(years)` is the model's SQL for a build of those years (every year when undefined).
 */
export async function buildPartitioned(
  build: ModelBuild,
  inputs: Change,
  render: (years: ReadonlySet<number> | undefined) => string,
): Promise<Built> {
  const { engine, lake, model, loadId } = build;
  const eventTime = engine.dialect.identifier(model.eventTime as string);
  const previous = inputs.kind === 'dated' ? build.previous : undefined;
  const years = previous && inputs.kind === 'dated' ? yearsTouched(inputs.days) : undefined;
  const sql = render(years);
  const staging = stagingFolder(model, loadId);
  const keep =
    years === undefined
      ? ''
      : `WHERE year(${eventTime}) IN (${[...years].join(', ')}) OR ${eventTime} IS NULL`;
  try {
    const partitioned = `SELECT *, coalesce(CAST(year(${eventTime}) AS STRING), '${UNDATED}') AS ${PARTITION_COLUMN} FROM (${sql}) AS rows_built ${keep}`;
    const written = await engine.writeParquet(partitioned, staging, PARTITION_COLUMN);
    const rebuilt =
      years === undefined
        ? new Set([...Object.keys(build.previous?.partitions ?? {}), ...written.files.keys()])
        : new Set([...[...years].map(String), UNDATED]);
    const columns = written.columns;
    // What changed: the rebuilt parts' rows against the rows they replace.
    const old = build.previous;
    const oldFiles = [...rebuilt].flatMap((key) => old?.partitions?.[key] ?? []);
    const newFiles = [...written.files.values()].flat();
    const change =
      old === undefined || build.fullRefresh || !sameColumns(old.columns, columns)
        ? ALL_CHANGED
        : await diffRows(
            engine,
            oldFiles.length > 0 ? await engine.parts(oldFiles) : undefined,
            newFiles.length > 0 ? await engine.parts(newFiles) : undefined,
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
