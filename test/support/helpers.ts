import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(REPO, 'bin', 'wrapped.js');
export const SMALL_MODELS = join(REPO, 'test', 'fixtures', 'models-small');

/** A temporary folder removed when the test file ends. */
export async function tempDir(prefix = 'wrapped-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `wrapped` bin (the built dist/), with a clean environment apart from `env`. */
export function wrapped(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? REPO,
      env: { PATH: process.env.PATH ?? '', TZ: 'UTC', NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Rows of `wrapped query SQL --json` in the HOME that `env` names. */
export async function queryRows(
  sql: string,
  env: Record<string, string>,
): Promise<Array<Record<string, unknown>>> {
  const result = await wrapped(['query', sql, '--json'], { env });
  return JSON.parse(result.stdout) as Array<Record<string, unknown>>;
}
