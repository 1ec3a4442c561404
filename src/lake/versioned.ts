import { LakeConflictError, WrappedError } from '../errors.js';
import type { Lake } from './lake.js';

/**
 * A read-modify-write of one small file in the lake that any number of processes, on any
 * machines, may run at once: read it with its version, compute the new content, write it only
 * if the version is unchanged (`If-Match`, or create-only when it did not exist), and start over
 * when another writer got there first. Every update is applied exactly once, in some order.
 * `update` gets the current bytes (undefined: no file yet) and returns the new content, or
 * undefined to leave the file as it is. Returns what was written (or kept).
 */
export async function updateVersioned(
  lake: Lake,
  path: string,
  update: (
    current: Buffer | undefined,
  ) => string | Buffer | undefined | Promise<string | Buffer | undefined>,
  options: { attempts?: number } = {},
): Promise<{ written: boolean; attempts: number }> {
  const attempts = options.attempts ?? 30;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const current = await lake.getVersioned(path);
    const next = await update(current?.body);
    if (next === undefined) return { written: false, attempts: attempt };
    try {
      await lake.put(path, next, current ? { ifMatch: current.version } : { createOnly: true });
      return { written: true, attempts: attempt };
    } catch (error) {
      if (!(error instanceof LakeConflictError)) throw error;
      // Someone else wrote first: wait a little (longer each time, with jitter) and read again.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
  throw new WrappedError(`${path} kept changing under ${attempts} attempts to update it.`, {
    retryable: true,
    hint: 'Many processes are writing the same state at once; the next run tries again.',
  });
}
