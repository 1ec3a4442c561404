import type { Config } from '../config/load.js';
import { SOURCE_NAMES } from '../extract/extract.js';
import { listGaps, readSourceState } from '../extract/state.js';
import type { Lake } from '../lake/lake.js';
import { holderIsAlive, LakeLock } from '../lake/lock.js';
import { DEFAULT_LISTENER, type Listener, readListeners } from '../listeners/registry.js';
import { refreshTokenExpiry } from '../spotify/token-store.js';
import { openStateStores } from '../state/stores.js';
import { readIncidents } from './incidents.js';
import type { RunRecord } from './run-record.js';

const DAY = 86_400_000;

/**
 * Where things stand, from the lake and HOME alone (no warehouse, no Spotify call): the login,
 * the last runs, freshness, open incidents, each source's last pull, gaps, the scheduler and the
 * lake's size. `wrapped status` prints it; the dashboard's Health page shows it.
 */
export interface LakeUsage {
  files: number;
  bytes: number;
}

/** Every file of the lake, counted: a full listing (slow on a lake of years of hourly pulls). */
export async function lakeUsage(lake: Lake): Promise<LakeUsage> {
  let files = 0;
  let bytes = 0;
  for await (const entry of lake.list()) {
    files++;
    bytes += entry.size;
  }
  return { files, bytes };
}

/**
 * What `wrapped status` and the Health page show. `usage` counts the lake (by default a full
 * listing; the dashboard passes one it refreshes at most once a minute).
 */
export async function collectStatus(
  config: Config,
  lake: Lake,
  now: Date,
  runCount = 5,
  usage: (lake: Lake) => Promise<LakeUsage> = lakeUsage,
) {
  const state = openStateStores(config, lake);
  const tokens = await state.tokens.read().catch(() => undefined);
  const block = await state.blocks.current(now.getTime());
  const sources = [];
  for (const name of SOURCE_NAMES) {
    const state = await readSourceState(lake, name);
    sources.push({
      source: name,
      last_success_at: (state?.last_success_at as string | undefined) ?? null,
    });
  }
  const recent = await readSourceState(lake, 'recently_played');
  const household = await otherListeners(config, lake, now);
  const incidents = Object.values((await readIncidents(lake)).open);
  const runPaths: string[] = [];
  for await (const entry of lake.list('_state/runs/')) runPaths.push(entry.path);
  const read = async (path: string) =>
    JSON.parse((await lake.get(path)).toString('utf8')) as RunRecord;
  const runs = [];
  let lastChecks: RunRecord['stages']['check'] | null = null;
  for (const path of runPaths.slice(-runCount).reverse()) {
    const r = await read(path);
    lastChecks ??= r.stages.check ?? null;
    runs.push({
      run_id: r.run_id,
      at: r.now,
      status: r.status,
      seconds: (Date.parse(r.finished_at) - Date.parse(r.started_at)) / 1000,
      error: r.error ? `${r.error.stage}: ${r.error.message}` : null,
    });
  }
  let lastSuccess: string | null = null;
  for (const path of [...runPaths].reverse()) {
    const r = await read(path);
    lastChecks ??= r.stages.check ?? null;
    if (r.status === 'ok') {
      lastSuccess = r.now;
      break;
    }
  }
  const holder = await new LakeLock(lake, { name: 'scheduler', command: '' }).read();
  const { files, bytes } = await usage(lake);
  return {
    now: now.toISOString(),
    login: tokens
      ? {
          account_id: tokens.account_id,
          display_name: tokens.display_name,
          days_left: Math.floor(
            (refreshTokenExpiry(tokens.authorized_at).getTime() - now.getTime()) / DAY,
          ),
        }
      : null,
    blocked_until: block?.until ?? null,
    newest_play_landed: (recent?.newest_played_at as string | undefined) ?? null,
    /** The other listeners of a household (src/listeners): their logins and newest plays. */
    household,
    last_successful_run: lastSuccess,
    scheduler: holder
      ? {
          pid: holder.pid,
          host: holder.host,
          since: holder.since,
          heartbeat_at: holder.heartbeat_at,
          alive: holderIsAlive(holder, Date.now(), 5 * 60_000),
        }
      : null,
    runs,
    checks: lastChecks
      ? {
          status: lastChecks.status,
          passed: lastChecks.passed,
          failed: lastChecks.failed,
          failures: lastChecks.failures,
        }
      : null,
    incidents,
    sources,
    gaps: await listGaps(lake),
    lake: { location: lake.location, files, bytes },
  };
}

export type Status = Awaited<ReturnType<typeof collectStatus>>;

/** Each listener but `me`: whether their login works for how long, and their newest play. */
async function otherListeners(config: Config, lake: Lake, now: Date) {
  const { listeners } = await readListeners(lake).catch(() => ({ listeners: [] as Listener[] }));
  const others = [];
  for (const l of listeners.filter((x) => x.id !== DEFAULT_LISTENER)) {
    const tokens = await openStateStores(config, lake, l.id)
      .tokens.read()
      .catch(() => undefined);
    const recent = await readSourceState(lake, 'recently_played', l.id);
    others.push({
      listener: l.id,
      display_name: tokens?.display_name ?? l.display_name ?? null,
      login_days_left: tokens
        ? Math.floor((refreshTokenExpiry(tokens.authorized_at).getTime() - now.getTime()) / DAY)
        : null,
      newest_play_landed: (recent?.newest_played_at as string | undefined) ?? null,
    });
  }
  return others;
}
