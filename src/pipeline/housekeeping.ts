import { FsLake } from '../lake/drivers/fs.js';
import type { Lake } from '../lake/lake.js';
import { layout } from '../lake/layout.js';

/** How often a run looks for the in-progress files of killed writers. */
export const SWEEP_EVERY_MS = 24 * 3_600_000;
const SWEPT = layout.state('housekeeping/swept.json');

/**
 * Removes the in-progress files that killed writers left in a folder lake (readers never see
 * them), at most once a day (by the run's clock): the sweep walks every folder of the lake,
 * which grows by the hour (40 ms at 1,700 files, and a year of hourly runs holds tens of
 * thousands), too much for every run to pay. `wrapped doctor --fix` sweeps at once.
 * Returns how many files it removed, or undefined when no sweep was due.
 */
export async function sweepWhenDue(lake: Lake, now: Date): Promise<number | undefined> {
  if (!(lake instanceof FsLake)) return undefined;
  const last = await lake
    .get(SWEPT)
    .then((bytes) => Date.parse(String(JSON.parse(bytes.toString('utf8')).swept_at)))
    .catch(() => Number.NaN);
  const since = now.getTime() - last;
  // A clock set back (a demo starting over) makes the last sweep look future: sweep.
  if (since >= 0 && since < SWEEP_EVERY_MS) return undefined;
  const removed = await lake.sweepTemporaryFiles().catch(() => 0);
  await lake
    .put(SWEPT, `${JSON.stringify({ swept_at: now.toISOString(), removed })}\n`)
    .catch(() => undefined); // only housekeeping: the next run sweeps again
  return removed;
}
