import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * `wrapped serve --port 0 --json` in a process of its own (so its memory and time are its own),
 * with the URL it printed once it listens.
 */
export async function serveInChild(
  env: NodeJS.ProcessEnv,
): Promise<{ url: string; pid: number; close(): void }> {
  const child = spawn(
    process.execPath,
    [
      fileURLToPath(new URL('../../bin/wrapped.js', import.meta.url)),
      'serve',
      '--port',
      '0',
      '--json',
    ],
    { env, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.on('exit', (code) => reject(new Error(`wrapped serve exited ${code}`)));
  });
  return { url, pid: child.pid as number, close: () => child.kill('SIGTERM') };
}
