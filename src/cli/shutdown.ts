/**
 * What must happen before the process exits on Ctrl-C or SIGTERM: letting go of locks, stopping
 * servers. Each hook gets a short time (the user is waiting); then the process exits anyway,
 * which is safe because every lake write is atomic and a run's ledger entry is written last.
 */
const hooks = new Set<() => Promise<void> | void>();

export function onShutdown(hook: () => Promise<void> | void): () => void {
  hooks.add(hook);
  return () => hooks.delete(hook);
}

let shuttingDown = false;

export async function shutdown(code: number, timeLimitMs = 1500): Promise<never> {
  // A second Ctrl-C means "now".
  if (shuttingDown) process.exit(code);
  shuttingDown = true;
  const all = Promise.allSettled([...hooks].map(async (hook) => hook()));
  await Promise.race([all, new Promise((resolve) => setTimeout(resolve, timeLimitMs).unref())]);
  process.exit(code);
}
