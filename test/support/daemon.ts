import { type ChildProcess, spawn } from 'node:child_process';
import { BIN, REPO } from './helpers.js';

/** A long-running `wrapped` process (the scheduler) whose --json event lines can be awaited. */
export interface Daemon {
  child: ChildProcess;
  events: Array<Record<string, unknown>>;
  stderr: () => string;
  /** Resolves with the first event (already seen or to come) that matches. */
  waitFor(
    match: (event: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  /** Resolves with the exit code once the process ended. */
  exited: Promise<number | null>;
}

export function startDaemon(args: string[], env: Record<string, string>): Daemon {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: REPO,
    env: { PATH: process.env.PATH ?? '', TZ: 'UTC', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: Array<Record<string, unknown>> = [];
  const waiters: Array<() => void> = [];
  let buffer = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => {
    buffer += d.toString();
    let newline = buffer.indexOf('\n');
    while (newline >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      if (line.trim()) events.push(JSON.parse(line));
      newline = buffer.indexOf('\n');
    }
    for (const wake of waiters.splice(0)) wake();
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => {
    child.on('close', (code) => {
      for (const wake of waiters.splice(0)) wake();
      resolve(code);
    });
  });
  const waitFor: Daemon['waitFor'] = (match, timeoutMs = 30_000) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `no matching event in ${timeoutMs} ms; events: ${JSON.stringify(events.map((e) => e.event))}; stderr: ${stderr}`,
            ),
          ),
        timeoutMs,
      );
      const check = () => {
        const found = events.find(match);
        if (found) {
          clearTimeout(timer);
          resolve(found);
        } else if (child.exitCode !== null || child.signalCode !== null) {
          clearTimeout(timer);
          reject(new Error(`the process ended (${child.exitCode}); stderr: ${stderr}`));
        } else waiters.push(check);
      };
      check();
    });
  return { child, events, stderr: () => stderr, waitFor, exited };
}
