import { EngineError } from './errors.js';

/**
 * What an engine wrote under a folder, by partition value ('' when not partitioned), as lake
 * paths: `paths` are the files found under `folder` (relative to it, `/`-separated). Engines'
 * bookkeeping files (names starting with `.` or `_`: checksums, `_SUCCESS`) are passed over. A
 * file not understood here would hold rows the manifest would not name: refuse rather than
 * lose them.
 */
export function writtenFiles(
  paths: string[],
  folder: string,
  partitionColumn?: string,
): Map<string, string[]> {
  const written = new Map<string, string[]>();
  for (const path of [...paths].sort()) {
    const segments = path.split('/');
    if (segments.some((s) => s.startsWith('.') || s.startsWith('_'))) continue;
    const file = segments.at(-1) as string;
    if (!file.endsWith('.parquet')) continue;
    let value = '';
    if (partitionColumn !== undefined) {
      const [entry] = segments;
      value = entry?.startsWith(`${partitionColumn}=`)
        ? entry.slice(partitionColumn.length + 1)
        : '';
      if (segments.length !== 2 || !/^[A-Za-z0-9_-]+$/.test(value))
        throw new EngineError(`The engine wrote an unexpected file ${path} in ${folder}.`);
    } else if (segments.length !== 1) {
      throw new EngineError(`The engine wrote an unexpected file ${path} in ${folder}.`);
    }
    written.set(value, [...(written.get(value) ?? []), `${folder}/${path}`]);
  }
  return written;
}
