/**
 * The scheduler's sense of time. The system clock by default; for tests and the demo it can
 * start at a given instant (WRAPPED_NOW) and move on in real time from there, so a scheduler
 * can live on the simulator's clock.
 */
export interface Clock {
  now(): Date;
  /** Waits `ms`, or less if `signal` aborts first. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export function systemClock(startAt?: string): Clock {
  const offset = startAt ? Date.parse(startAt) - Date.now() : 0;
  return {
    now: () => new Date(Date.now() + offset),
    sleep: (ms, signal) =>
      new Promise((resolve) => {
        if (signal.aborted) return resolve();
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, Math.max(0, ms));
        signal.addEventListener('abort', done, { once: true });
      }),
  };
}
