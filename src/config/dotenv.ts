import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

/**
 * Reads a `.env` file into a plain object without touching `process.env`: the config loader
 * layers it below the real environment and needs to know which layer a value came from.
 * A missing file is not an error (most runs have none).
 */
export function readDotenv(file: string): Record<string, string> | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = parseEnv(text) as Record<string, string | undefined>;
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (value !== undefined) values[name] = value;
  }
  return values;
}
