import type { Config } from '../config/load.js';
import type { Lake } from '../lake/lake.js';
import { layout } from '../lake/layout.js';
import { LakeLock, LockHeldError } from '../lake/lock.js';
import { type RunRecord, runPipeline } from '../pipeline/run.js';
import { readSummaryState, type SummaryResult, sendWeeklySummary } from '../pipeline/summary.js';
import type { Clock } from './clock.js';
import { CronSchedule } from './cron.js';

/** What the scheduler reports as it goes (printed by `wrapped schedule`, one line each). */
export type SchedulerEvent =
  | { event: 'started'; pid: number; schedule: string; summary_schedule: string; timezone: string }
  | { event: 'waiting'; next_run: string; next_summary: string | null }
  | { event: 'catch_up'; due_at: string; last_run: string }
  | { event: 'run'; record: RunRecord }
  | { event: 'run_skipped'; reason: string }
  | { event: 'run_error'; message: string }
  | { event: 'summary'; result: SummaryResult }
  | { event: 'summary_error'; message: string }
  | { event: 'lock_lost'; holder: string }
  | { event: 'stopped' };

export interface SchedulerOptions {
  config: Config;
  lake: Lake;
  clock: Clock;
  /** Aborting stops the scheduler after the current step. */
  signal: AbortSignal;
  report: (event: SchedulerEvent) => void;
  /** The longest nap between looks at the clock: a machine that slept is noticed this soon. */
  maxSleepMs?: number;
  /** Client tuning (tests shorten the backoff). */
  client?: { backoffMs?: number; attempts?: number };
}

/**
 * The long-running scheduler: one per lake (a lock in the lake), runs on the cron schedule with
 * no overlap (one run at a time, and the run lock keeps manual runs out too), catches up at
 * once when a run is overdue (on start, and after the machine slept), and sends the weekly
 * summary on its own schedule. It looks at the wall clock at least every `maxSleepMs` rather
 * than trusting one long timer, because timers do not count the time a machine sleeps.
 */
export async function runScheduler(options: SchedulerOptions): Promise<'stopped' | 'lock_lost'> {
  const { config, lake, clock, signal, report } = options;
  const tz = config.settings.timezone;
  const runs = new CronSchedule(config.settings.schedule, tz);
  const summaries = new CronSchedule(config.settings.summarySchedule, tz);
  const stop = new AbortController();
  let lockLost = false;
  signal.addEventListener('abort', () => stop.abort(), { once: true });
  const lock = new LakeLock(lake, {
    name: 'scheduler',
    command: 'wrapped schedule',
    onLost: (holder) => {
      lockLost = true;
      report({ event: 'lock_lost', holder: `pid ${holder.pid} on ${holder.host}` });
      stop.abort();
    },
  });
  await lock.acquire();
  try {
    report({
      event: 'started',
      pid: process.pid,
      schedule: runs.expression,
      summary_schedule: summaries.expression,
      timezone: tz,
    });
    let lastRun = await lastRunTime(lake);
    const summaryState = await readSummaryState(lake);
    // Never sent: count from now, so a first start does not send last week's summary at once.
    let lastSummary = summaryState ? new Date(summaryState.sent_at) : clock.now();
    let announcedNext = '';

    while (!stop.signal.aborted) {
      const now = clock.now();
      if (!lastRun || runs.isDue(lastRun, now)) {
        const dueAt = lastRun ? runs.next(lastRun) : null;
        // Late by more than a minute: the scheduler was down, or the machine slept.
        if (lastRun && dueAt && now.getTime() - dueAt.getTime() > 60_000)
          report({
            event: 'catch_up',
            due_at: dueAt.toISOString(),
            last_run: lastRun.toISOString(),
          });
        lastRun = now;
        try {
          const record = await runPipeline({ config, lake, now, client: options.client });
          report({ event: 'run', record });
        } catch (error) {
          if (error instanceof LockHeldError)
            report({ event: 'run_skipped', reason: error.message });
          else report({ event: 'run_error', message: config.redact((error as Error).message) });
        }
        continue;
      }
      if (summaries.isDue(lastSummary, now)) {
        lastSummary = now;
        try {
          const result = await sendWeeklySummary({ config, lake, now });
          report({ event: 'summary', result });
        } catch (error) {
          report({ event: 'summary_error', message: config.redact((error as Error).message) });
        }
        continue;
      }
      const nextRun = runs.next(lastRun);
      const nextSummary = summaries.next(lastSummary);
      const key = `${nextRun?.toISOString()}|${nextSummary?.toISOString()}`;
      if (key !== announcedNext) {
        announcedNext = key;
        report({
          event: 'waiting',
          next_run: nextRun?.toISOString() ?? 'never',
          next_summary: nextSummary?.toISOString() ?? null,
        });
      }
      const wake = Math.min(
        nextRun?.getTime() ?? Number.POSITIVE_INFINITY,
        nextSummary?.getTime() ?? Number.POSITIVE_INFINITY,
      );
      await clock.sleep(Math.min(wake - now.getTime(), options.maxSleepMs ?? 30_000), stop.signal);
    }
  } finally {
    await lock.release();
    report({ event: 'stopped' });
  }
  return lockLost ? 'lock_lost' : 'stopped';
}

/** When the newest run acted (run ids sort by start, so the last record listed is newest). */
async function lastRunTime(lake: Lake): Promise<Date | undefined> {
  let newest: string | undefined;
  for await (const entry of lake.list(layout.statePrefix('runs'))) {
    if (entry.path.endsWith('.json')) newest = entry.path;
  }
  if (!newest) return undefined;
  const record = JSON.parse((await lake.get(newest)).toString('utf8')) as RunRecord;
  return new Date(record.now);
}
