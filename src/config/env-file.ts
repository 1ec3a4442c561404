import { randomBytes } from 'node:crypto';
import { open, readFile, rename } from 'node:fs/promises';
import { parseEnv } from 'node:util';
import { ConfigError } from '../errors.js';

/**
 * Updates a `.env` file in place: keys that exist keep their line (and position), new keys are
 * appended, a key given `null` loses its line, every other line (comments, unrelated settings)
 * stays exactly as it was. The file is
 * written atomically with mode 0600, since it can hold the client secret and the webhook.
 */
export function updateEnvText(existing: string, values: Record<string, string | null>): string {
  const lines = existing === '' ? [] : existing.replace(/\n$/, '').split('\n');
  const pending = new Map(Object.entries(values));
  const updated = lines.flatMap((line) => {
    const key = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line)?.[1];
    if (key === undefined || !pending.has(key)) return [line];
    const value = pending.get(key);
    // null: the setting now lives elsewhere (Key Vault); drop its line.
    if (value === null) return [];
    pending.delete(key);
    return [`${key}=${quoteEnvValue(value as string, key)}`];
  });
  for (const [key, value] of pending)
    if (value !== null) updated.push(`${key}=${quoteEnvValue(value, key)}`);
  return `${updated.join('\n')}\n`;
}

/**
 * A value as `.env` text that `util.parseEnv` (the reader, src/config/dotenv.ts) gives back
 * exactly. parseEnv unescapes nothing inside quotes except `\n` in double quotes, so no
 * escaping scheme works: instead the first quoting that reads back unchanged is chosen
 * (plain, '...', "...", `...`). A value holding all three quote characters cannot be written.
 */
export function quoteEnvValue(value: string, key = 'VALUE'): string {
  const candidates = [
    ...(/^[A-Za-z0-9_./:@+-]*$/.test(value) ? [value] : []),
    `'${value}'`,
    `"${value}"`,
    `\`${value}\``,
  ];
  const exact = candidates.find((text) => parseEnv(`K=${text}\n`).K === value);
  if (exact !== undefined) return exact;
  throw new ConfigError(
    `${key} cannot be written to .env: it holds ', " and \` together, which no .env quoting keeps.`,
    { hint: `Set ${key} in the environment instead of .env.` },
  );
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
