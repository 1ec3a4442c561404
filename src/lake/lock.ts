import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { LakeConflictError, LakeNotFoundError, WrappedError } from '../errors.js';
import type { Lake } from './lake.js';
import { layout } from './layout.js';

/** Who holds a lock, as written in the lock file (and named in the message of whoever waits). */
export interface LockHolder {
  pid: number;
  host: string;
  since: string;
  heartbeat_at: string;
  /** What the holder is doing, e.g. `wrapped schedule`. */
  command: string;
  /** Tells this holding apart from a later one by the same pid (takeovers are per holding). */
  token: string;
}

/** Another live process holds the lock. */
export class LockHeldError extends WrappedError {
  constructor(
    readonly lockName: string,
    readonly holder: LockHolder,
    message: string,
    hint: string,
  ) {
    super(message, { hint, retryable: true });
  }
}

export interface LockOptions {
  /** The lock's name: one file `_state/locks/<name>.json` per name in the lake. */
  name: string;
  command: string;
  /** How often the holder rewrites its heartbeat (default 30 s). */
  heartbeatMs?: number;
  /** A holder on another host whose heartbeat is older than this is dead (default 5 min). */
  staleAfterMs?: number;
  /** Called when the heartbeat finds the lock taken by someone else (it was judged dead). */
  onLost?: (holder: LockHolder) => void;
}

/** Locks this process holds, so a shutdown (Ctrl-C, SIGTERM) can let go of all of them. */
const heldLocks = new Set<LakeLock>();

export async function releaseAllLocks(): Promise<void> {
  await Promise.allSettled([...heldLocks].map((lock) => lock.release()));
}

const describe = (h: LockHolder) => `pid ${h.pid} on ${h.host}, since ${h.since}`;

/** Whether the process behind a lock still runs. */
export function holderIsAlive(holder: LockHolder, now: number, staleAfterMs: number): boolean {
  if (now - Date.parse(holder.heartbeat_at) > staleAfterMs) return false;
  if (holder.host !== hostname()) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A lock in the lake, so that it holds across every machine that shares the lake: created with a
 * create-only write (exactly one process wins), kept fresh by a heartbeat, and taken over when
 * its holder is dead: on this host when its pid is gone, anywhere when its heartbeat is stale.
 * A takeover first claims a marker named after the dead holding, create-only too, so two
 * processes that find the same dead lock cannot both take it.
 *
 * Without a compare-and-swap in the lake interface, one race remains: a holder judged dead
 * (asleep for minutes on another host) may write one more heartbeat over its taker's lock.
 * The taker's next heartbeat then notices and stops (onLost), so at worst both run for one
 * heartbeat interval; the run lock (held only during a run) keeps their runs apart.
 */
export class LakeLock {
  readonly path: string;
  private holder: LockHolder | undefined;
  /** While the lock file is being created: what it will hold (undefined if the write failed). */
  private acquiring: Promise<LockHolder | undefined> | undefined;
  private releasedEarly = false;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly lake: Lake,
    private readonly options: LockOptions,
  ) {
    this.path = layout.state(`locks/${options.name}.json`);
  }

  get held(): LockHolder | undefined {
    return this.holder;
  }

  /** Takes the lock, or throws LockHeldError naming the live holder. */
  async acquire(): Promise<LockHolder> {
    const staleAfterMs = this.options.staleAfterMs ?? 5 * 60_000;
    for (let attempt = 0; attempt < 5; attempt++) {
      const now = new Date().toISOString();
      const mine: LockHolder = {
        pid: process.pid,
        host: hostname(),
        since: now,
        heartbeat_at: now,
        command: this.options.command,
        token: randomBytes(8).toString('hex'),
      };
      // Known to the shutdown hook before the write starts: a Ctrl-C while the lock file is
      // being created waits for the write and removes the file, instead of leaving it behind.
      const writing = this.lake.put(this.path, `${JSON.stringify(mine, null, 2)}\n`, {
        createOnly: true,
      });
      this.acquiring = writing.then(
        () => mine,
        () => undefined,
      );
      heldLocks.add(this);
      try {
        await writing;
        // Released while the file was being written (a shutdown): it is gone again, so no
        // heartbeat may bring it back.
        if (this.releasedEarly) return { ...mine };
        this.holder = mine;
        this.startHeartbeat();
        return { ...mine };
      } catch (error) {
        heldLocks.delete(this);
        if (!(error instanceof LakeConflictError)) throw error;
      } finally {
        this.acquiring = undefined;
      }
      const current = await this.read();
      if (!current) continue; // released meanwhile: try again
      if (holderIsAlive(current, Date.now(), staleAfterMs)) {
        throw new LockHeldError(
          this.options.name,
          current,
          `${current.command} is already running on this lake (${describe(current)}).`,
          `Only one may run at a time. Stop that one first, or wait for it; a lock left by a dead process is taken over automatically.`,
        );
      }
      try {
        await this.lake.put(
          layout.state(`locks/${this.options.name}.takeover-${current.token}`),
          `${JSON.stringify({ by: process.pid, host: hostname(), at: now }, null, 2)}\n`,
          { createOnly: true },
        );
      } catch (error) {
        if (error instanceof LakeConflictError) continue; // another process is taking it over
        throw error;
      }
      await this.lake.delete(this.path);
    }
    throw new WrappedError(`Could not take the lock ${this.path}: it keeps changing hands.`, {
      retryable: true,
    });
  }

  /** Lets go of the lock (only if it is still ours), also one whose file is being written. */
  async release(): Promise<void> {
    if (this.acquiring) this.releasedEarly = true;
    const acquired = this.acquiring ? await this.acquiring : undefined;
    this.stopHeartbeat();
    heldLocks.delete(this);
    const mine = this.holder ?? acquired;
    this.holder = undefined;
    if (!mine) return;
    const current = await this.read().catch(() => undefined);
    if (current?.token === mine.token) await this.lake.delete(this.path);
  }

  async read(): Promise<LockHolder | undefined> {
    try {
      return JSON.parse((await this.lake.get(this.path)).toString('utf8')) as LockHolder;
    } catch (error) {
      if (error instanceof LakeNotFoundError || error instanceof SyntaxError) return undefined;
      throw error;
    }
  }

  private startHeartbeat(): void {
    const every = this.options.heartbeatMs ?? 30_000;
    this.heartbeat = setInterval(() => void this.beat(), every);
    this.heartbeat.unref();
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  private async beat(): Promise<void> {
    const mine = this.holder;
    if (!mine) return;
    try {
      const current = await this.read();
      if (current && current.token !== mine.token) {
        this.stopHeartbeat();
        heldLocks.delete(this);
        this.holder = undefined;
        this.options.onLost?.(current);
        return;
      }
      mine.heartbeat_at = new Date().toISOString();
      await this.lake.put(this.path, `${JSON.stringify(mine, null, 2)}\n`);
    } catch {
      // A missed beat is harmless: the next one tries again, and staleness allows minutes.
    }
  }
}
