import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packagedModelsDir } from '../config/settings.js';
import { importExport } from '../importer/importer.js';
import { FsLake } from '../lake/drivers/fs.js';
import { newLoadId } from '../lake/load-id.js';
import { Warehouse } from '../warehouse/engine.js';
import { loadModels } from '../warehouse/models.js';
import { buildModels } from '../warehouse/runner.js';
import { writeSyntheticExtendedExport } from './export-generator.js';
import type { Benchmark, Figure } from './types.js';

const SIZES = [10_000, 500_000];
/** "One hour of plays": this many streams, in one new file, an hour after the history ends. */
const HOUR_OF_PLAYS = 20;
const HOUR_MS = 3_600_000;
/** Three minutes apart: the hour's 20 plays fill it. */
const PLAY_EVERY_MS = 180_000;

/**
 * `wrapped transform` after one more hour of plays lands, at two history sizes, for an hour of
 * known tracks and one of new tracks (issue 24's goal: under a second at 500k, either way),
 * beside the full transform of each.
 */
export const incrementalBenchmark: Benchmark = {
  name: 'transform incremental',
  async run(dir) {
    const figures: Omit<Figure, 'benchmark'>[] = [];
    const incremental: number[] = [];
    for (const streams of SIZES) {
      const base = join(dir, String(streams));
      const lake = new FsLake(join(base, 'lake'));
      const { lastPlayAt } = await writeSyntheticExtendedExport(join(base, 'export'), streams);
      await importExport({ lake, inputs: [join(base, 'export')] });
      const warehouse = await Warehouse.open({
        file: join(base, 'warehouse.duckdb'),
        timezone: 'UTC',
      });
      try {
        const models = loadModels(packagedModelsDir());
        const build = async () => {
          const started = performance.now();
          await buildModels({ warehouse, lake, models, loadId: newLoadId() });
          return (performance.now() - started) / 1000;
        };
        const full = await build();
        const size = streams.toLocaleString('en-US');
        figures.push({ figure: `full transform, ${size} streams`, value: full, unit: 's' });
        // The first hour after a full build moves the rest of its year into a part of its own
        // (partitioned.ts), which later hours leave alone: timed apart. Then an hour of songs
        // the history already holds, and an hour of songs (and an artist) it has never seen:
        // the catalogue tables change only with the last.
        for (const [kind, hour] of [
          ['first', 0],
          ['known', 1],
          ['new', 2],
        ] as const) {
          // Where a real hourly run's plays land: just after the latest play, in the year that
          // holds it (a busy partition to rebuild), not in an empty year of their own.
          const hourFile = await hourOfPlays(join(base, `hour-${kind}`), {
            after: lastPlayAt,
            hour,
            newTracks: kind === 'new',
          });
          await importExport({ lake, inputs: [hourFile] });
          const added = await build();
          if (kind === 'known') incremental.push(added);
          figures.push({
            figure:
              kind === 'first'
                ? `transform after the first hour of plays (known tracks) since a full build, ${size} streams`
                : `transform after a later hour of plays of ${kind} tracks, ${size} streams`,
            value: added,
            unit: 's',
          });
        }
      } finally {
        warehouse.close();
      }
    }
    const [small, large] = incremental as [number, number];
    figures.push({
      figure: 'incremental (known tracks) at 500k / at 10k',
      value: large / small,
      unit: 'x',
    });
    return figures;
  },
};

/**
 * A new extended-history file: the generator's first streams, moved to the hours after `after`
 * (the history's latest play, epoch ms): `hour` hours after the first whole hour that follows
 * it. With `newTracks`, each is a song no earlier file has, by an artist no earlier file has.
 * Refuses to cross into another year, which would make the hour a cheap partition of its own.
 */
export async function hourOfPlays(
  base: string,
  options: { after: number; hour?: number; newTracks?: boolean },
): Promise<string> {
  const folder = join(base, 'hour');
  const { files } = await writeSyntheticExtendedExport(folder, HOUR_OF_PLAYS);
  const file = files[0] as string;
  const records = JSON.parse(await readFile(file, 'utf8')) as Array<Record<string, unknown>>;
  const start = (Math.floor(options.after / HOUR_MS) + 1 + (options.hour ?? 0)) * HOUR_MS;
  const end = start + records.length * PLAY_EVERY_MS;
  if (new Date(end).getUTCFullYear() !== new Date(options.after).getUTCFullYear())
    throw new Error(
      `the hour of plays after ${new Date(options.after).toISOString()} would cross into the next year; generate a history that ends earlier`,
    );
  records.forEach((r, i) => {
    r.ts = new Date(start + i * PLAY_EVERY_MS).toISOString().replace(/\.\d{3}Z$/, 'Z');
    if (options.newTracks) {
      r.spotify_track_uri = `spotify:track:benchnew${String(i).padStart(14, '0')}`;
      r.master_metadata_track_name = `A Song Never Heard ${i}`;
      r.master_metadata_album_artist_name = 'An Artist Never Heard';
      r.master_metadata_album_album_name = 'An Album Never Heard';
    }
  });
  await writeFile(file, JSON.stringify(records));
  return file;
}
