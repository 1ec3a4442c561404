import type { Config } from '../config/load.js';
import { WrappedError } from '../errors.js';
import type { Lake } from '../lake/lake.js';
import { layout } from '../lake/layout.js';
import { newLoadId } from '../lake/load-id.js';
import { LakeLock, LockHeldError, type LockHolder } from '../lake/lock.js';
import { DEFAULT_LISTENER } from '../listeners/registry.js';
import { Notifier } from '../notify/notifier.js';
import { refreshTokenExpiry } from '../spotify/token-store.js';
import { openStateStores } from '../state/stores.js';
import { loadModels, openWarehouse, runChecks } from '../warehouse/index.js';
import { extractEveryListener } from './extract-stage.js';
import { sweepWhenDue } from './housekeeping.js';
import { updateIncidents } from './incidents.js';
import type { RunRecord } from './run-record.js';
import { transform } from './transform.js';

export type { RunRecord } from './run-record.js';

const hintFor = (error: unknown): string | undefined => {
  if (error instanceof WrappedError && error.hint) return error.hint;
  if (error instanceof WrappedError && error.retryable)
    return 'This looks temporary: the next run tries again. Nothing already landed is lost.';
  return 'Run `wrapped run` by hand to see the details; `wrapped doctor` checks the setup.';
};

/**
 * One pipeline run: extract what is due, land it, transform, check. Every run leaves a record
 * in `_state/runs/`, updates the incidents, and sends what the user needs to know.
 */
export interface RunOptions {
  config: Config;
  lake: Lake;
  now?: Date;
  onStage?: (stage: string) => void;
  /** Client tuning (tests shorten the backoff). */
  client?: { backoffMs?: number; attempts?: number };
  /** Build the tables after extracting (default true). */
  transform?: boolean;
  /**
   * When another run holds the lake: wait up to this long for it (told through `onWait` once),
   * instead of refusing at once (the scheduler refuses: it simply runs at the next tick).
   */
  waitForLockMs?: number;
  onWait?: (holder: LockHolder) => void;
}

/**
 * Runs the pipeline once, holding the lake's run lock: two runs never overlap, whoever starts
 * them (the scheduler, cron, a user typing `wrapped run`, two containers on one lake). A run
 * that finds the lock held by a live process waits for it up to `waitForLockMs`, then throws
 * LockHeldError naming it; a lock left by a dead process is taken over.
 */
export async function runPipeline(options: RunOptions): Promise<RunRecord> {
  const lock = new LakeLock(options.lake, { name: 'run', command: 'wrapped run' });
  const waitedMs = await acquireWaiting(lock, options);
  try {
    const record = await runLocked(options);
    if (waitedMs > 0) {
      record.waited_seconds = Math.round(waitedMs / 1000);
      // The record was written before this was known: rewrite it with the wait.
      await options.lake.put(
        layout.state(`runs/${record.run_id}.json`),
        `${JSON.stringify(record, null, 2)}\n`,
      );
    }
    return record;
  } finally {
    await lock.release();
  }
}

/** Takes the run lock, waiting for its holder up to `waitForLockMs`; returns how long it waited. */
async function acquireWaiting(lock: LakeLock, options: RunOptions): Promise<number> {
  const started = Date.now();
  let told = false;
  for (;;) {
    try {
      await lock.acquire();
      return told ? Date.now() - started : 0;
    } catch (error) {
      if (!(error instanceof LockHeldError)) throw error;
      if (Date.now() - started >= (options.waitForLockMs ?? 0)) throw error;
      if (!told) options.onWait?.(error.holder);
      told = true;
      await new Promise((resolve) => setTimeout(resolve, 500 + Math.random() * 1000));
    }
  }
}

async function runLocked(options: RunOptions): Promise<RunRecord> {
  const { config, lake } = options;
  const now = options.now ?? (config.settings.now ? new Date(config.settings.now) : new Date());
  const record: RunRecord = {
    run_id: newLoadId(),
    started_at: new Date().toISOString(),
    finished_at: '',
    now: now.toISOString(),
    status: 'ok',
    stages: {},
  };
  const fail = (stage: string, error: unknown) => {
    record.status = 'failed';
    record.error ??= {
      stage,
      type: (error as Error).name,
      message: config.redact((error as Error).message),
      hint: hintFor(error),
    };
  };

  // Housekeeping, once a day: in-progress files of writers that were killed.
  await sweepWhenDue(lake, now);

  // Extract, for each listener in turn (extract-stage.ts).
  options.onStage?.('extract');
  let started = performance.now();
  const extract = await extractEveryListener({ config, lake, now, client: options.client });
  record.stages.extract = { ...extract.stage, seconds: (performance.now() - started) / 1000 };
  if (extract.lost) {
    // A login gone (or a store that cannot give it, or no registry to read): say whose.
    fail('extract', extract.lost.error);
    if (extract.lost.listener !== undefined && record.error) {
      const whose = extract.lost.listener;
      record.error.listener = whose;
      record.error.message = `${whose}: ${record.error.message}`;
      if (whose !== DEFAULT_LISTENER)
        record.error.hint = `Log ${whose} in again with \`wrapped listener add ${whose}\`; the other listeners' runs go on.`;
    }
  } else if (extract.failure) {
    record.status = 'failed';
    record.error = extract.failure;
  }

  // Transform and check, even after a partial extract: what landed deserves its tables.
  started = performance.now();
  if (options.transform === false) {
    record.stages.transform = { status: 'skipped', seconds: 0, models: 0 };
  } else
    try {
      options.onStage?.('transform');
      const built = await transform({ config, lake });
      record.stages.transform = {
        status: 'ok',
        seconds: (performance.now() - started) / 1000,
        models: built.models.length,
        load_id: built.load_id,
      };
    } catch (error) {
      record.stages.transform = {
        status: 'failed',
        seconds: (performance.now() - started) / 1000,
        models: 0,
      };
      fail('transform', error);
    }
  if (record.stages.transform?.status === 'ok' && record.stages.transform.models > 0) {
    options.onStage?.('check');
    started = performance.now();
    const warehouse = await openWarehouse(config, lake);
    try {
      const results = await runChecks(warehouse, loadModels(config.settings.modelsDir), {
        remember: true,
      });
      const failures = results.filter((r) => !r.passed);
      record.stages.check = {
        status: failures.length ? 'failed' : 'ok',
        seconds: (performance.now() - started) / 1000,
        passed: results.length - failures.length,
        failed: failures.length,
        failures,
      };
      if (failures.length > 0 && record.status === 'ok') record.status = 'checks_failed';
    } finally {
      warehouse.close();
    }
  }

  // Incidents and notifications: never able to fail the run.
  const tokens = await openStateStores(config, lake)
    .tokens.read()
    .catch(() => undefined);
  const login = tokens
    ? {
        authorized_at: tokens.authorized_at,
        days_left: Math.floor(
          (refreshTokenExpiry(tokens.authorized_at).getTime() - now.getTime()) / 86_400_000,
        ),
      }
    : undefined;
  const dashboardUrl = config.settings.dashboardUrl;
  try {
    const { messages, opened, closed } = await updateIncidents(lake, record, login);
    record.incidents = { opened, closed };
    const delivery = await new Notifier(lake, config.settings.slackWebhookUrl).deliver(
      messages.map((m) => ({
        ...m,
        lines: m.lines.map((l) => config.redact(l)),
        ...(dashboardUrl ? { link: { label: 'Open the dashboard', url: dashboardUrl } } : {}),
      })),
    );
    record.notifications = {
      ...delivery,
      ...(delivery.error === undefined ? {} : { error: config.redact(delivery.error) }),
    };
  } catch (error) {
    record.notifications = { sent: 0, failed: 0, error: config.redact((error as Error).message) };
  }
  record.finished_at = new Date().toISOString();
  await lake.put(
    layout.state(`runs/${record.run_id}.json`),
    `${JSON.stringify(record, null, 2)}\n`,
    { createOnly: true },
  );
  return record;
}
