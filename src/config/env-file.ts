import { randomBytes } from 'node:crypto';
import { open, readFile, rename } from 'node:fs/promises';
import { parseEnv } from 'node:util';

/**
 * Updates a `.env` file in place: keys that exist keep their line (and position), new keys are
 * appended, every other line (comments, unrelated settings) stays exactly as it was. The file is
 * written atomically with mode 0600, since it can hold the client secret and the webhook.
 */
export function updateEnvText(existing: string, values: Record<string, string>): string {
  const lines = existing === '' ? [] : existing.replace(/\n$/, '').split('\n');
  const pending = new Map(Object.entries(values));
  const updated = lines.map((line) => {
    const key = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line)?.[1];
    if (key === undefined || !pending.has(key)) return line;
    const value = pending.get(key) as string;
    pending.delete(key);
    return `${key}=${quoteEnvValue(value)}`;
  });
  for (const [key, value] of pending) updated.push(`${key}=${quoteEnvValue(value)}`);
  return `${updated.join('\n')}\n`;
}

/** Plain when safe; otherwise double-quoted with escapes that util.parseEnv reads back. */
export function quoteEnvValue(value: string): string {
  if (/^[A-Za-z0-9_./:@+-]*$/.test(value)) return value;
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** The values a `.env` text would give (for showing what would change). */
export function envValues(text: string): Record<string, string> {
  return parseEnv(text) as Record<string, string>;
}

export async function readTextIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export async function writePrivateFile(file: string, text: string, mode = 0o600): Promise<void> {
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temp, 'wx', mode);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
}
