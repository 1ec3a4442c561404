import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FsLake } from './drivers/fs.js';
import { LakeLock, LockHeldError, type LockHolder } from './lock.js';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function lake(): Promise<FsLake> {
  const dir = await mkdtemp(join(tmpdir(), 'wrapped-lock-'));
  dirs.push(dir);
  return new FsLake(dir);
}

/** A pid that surely belongs to no running process: one that just ended. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  }).stdout as unknown as number;
}

async function plant(l: FsLake, holder: Partial<LockHolder>): Promise<void> {
  const now = new Date().toISOString();
  await l.put(
    '_state/locks/scheduler.json',
    JSON.stringify({
      pid: 1,
      host: hostname(),
      since: now,
      heartbeat_at: now,
      command: 'wrapped schedule',
      token: 'planted',
      ...holder,
    }),
  );
}

const lock = (l: FsLake) => new LakeLock(l, { name: 'scheduler', command: 'wrapped schedule' });

describe('lake lock', () => {
  it('a second holder is refused with the first one named; release lets it in', async () => {
    const l = await lake();
    const first = lock(l);
    const held = await first.acquire();
    const error = await lock(l)
      .acquire()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.ok(error instanceof LockHeldError);
    assert.match(
      error.message,
      new RegExp(
        `already running on this lake \\(pid ${process.pid} on ${hostname()}, since ${held.since}\\)`,
      ),
    );
    await first.release();
    const second = lock(l);
    await second.acquire();
    await second.release();
    assert.equal(await l.exists('_state/locks/scheduler.json'), false);
  });

  it('takes over a lock whose process is dead on this host', async () => {
    const l = await lake();
    await plant(l, { pid: Number(deadPid()) });
    const taker = lock(l);
    const mine = await taker.acquire();
    assert.equal(mine.pid, process.pid);
    assert.equal((await taker.read())?.token, mine.token);
    await taker.release();
  });

  it('two processes finding the same dead lock: exactly one takes it', async () => {
    const l = await lake();
    await plant(l, { pid: Number(deadPid()) });
    const results = await Promise.allSettled([lock(l).acquire(), lock(l).acquire()]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    assert.ok(refused.reason instanceof LockHeldError);
  });

  it('on another host: a fresh heartbeat holds, a stale one is taken over', async () => {
    const l = await lake();
    await plant(l, { host: 'other-box', pid: 4242 });
    await assert.rejects(lock(l).acquire(), /pid 4242 on other-box/);
    const old = new Date(Date.now() - 10 * 60_000).toISOString();
    await plant(l, { host: 'other-box', pid: 4242, heartbeat_at: old, token: 'old' });
    const taker = lock(l);
    await taker.acquire();
    await taker.release();
  });

  it('the heartbeat keeps the lock fresh', async () => {
    const l = await lake();
    const holder = new LakeLock(l, { name: 'scheduler', command: 'x', heartbeatMs: 20 });
    const mine = await holder.acquire();
    await new Promise((r) => setTimeout(r, 80));
    const beat = await holder.read();
    assert.ok((beat?.heartbeat_at ?? '') > mine.heartbeat_at, 'heartbeat moved on');
    await holder.release();
  });

  it('the heartbeat notices the lock was taken away, and stops holding it', async () => {
    const l = await lake();
    let lost: LockHolder | undefined;
    const holder = new LakeLock(l, {
      name: 'scheduler',
      command: 'wrapped schedule',
      heartbeatMs: 300,
      onLost: (by) => {
        lost = by;
      },
    });
    await holder.acquire();
    await plant(l, { host: 'other-box', pid: 7, token: 'thief' });
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(lost?.token, 'thief');
    assert.equal(holder.held, undefined);
    await holder.release();
    assert.equal((await holder.read())?.token, 'thief', 'release leaves the new holder alone');
  });
});
