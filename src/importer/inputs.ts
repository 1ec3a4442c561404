import { createReadStream } from 'node:fs';
import { lstat, open, readdir, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { WrappedError } from '../errors.js';
import type { ExportFile } from './inspect.js';
import { openExportZip, type ZipLimits } from './zip.js';

/** One PATH given to `wrapped import`: a zip, a folder (any nesting) or a single file. */
export interface ExportInput {
  input: string;
  kind: 'zip' | 'folder' | 'file';
  files: ExportFile[];
  /** Entries that are not files of the export at all (folder metadata, links), with the reason. */
  skipped: Array<{ path: string; reason: string }>;
  close(): void;
}

export class InputError extends WrappedError {}

const fileOf = (absolute: string, path: string, size: number): ExportFile => ({
  path,
  size,
  open: async () => createReadStream(absolute, { highWaterMark: 1024 * 1024 }),
});

async function isZip(path: string): Promise<boolean> {
  if (path.toLowerCase().endsWith('.zip')) return true;
  const handle = await open(path, 'r');
  try {
    const magic = Buffer.alloc(4);
    await handle.read(magic, 0, 4, 0);
    return magic.equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
  } finally {
    await handle.close();
  }
}

export async function openInput(input: string, zipLimits?: ZipLimits): Promise<ExportInput> {
  let info: Awaited<ReturnType<typeof lstat>>;
  try {
    info = await lstat(input);
  } catch {
    throw new InputError(`${input} does not exist.`, {
      hint: 'Give the path of my_spotify_data.zip, of its unzipped folder, or of single JSON files.',
    });
  }
  if (info.isSymbolicLink()) {
    // Follow a link given explicitly on the command line (the user chose it), but not inside folders.
    try {
      info = await stat(input);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new InputError(
        code === 'ELOOP'
          ? `${input} is a symbolic link that leads back to itself (a loop).`
          : `${input} is a symbolic link to something that cannot be read (${code ?? (error as Error).message}).`,
        { hint: 'Give the path of the export itself, not of a broken link.' },
      );
    }
  }
  if (info.isDirectory()) {
    const files: ExportFile[] = [];
    const skipped: ExportInput['skipped'] = [];
    await walk(input, input, files, skipped);
    if (files.length === 0 && skipped.length === 0)
      throw new InputError(`${input} is an empty folder.`);
    return { input, kind: 'folder', files, skipped, close: () => undefined };
  }
  if (!info.isFile()) throw new InputError(`${input} is neither a file nor a folder.`);
  if (await isZip(input)) {
    const zip = await openExportZip(input, basename(input), zipLimits);
    return { input, kind: 'zip', ...zip };
  }
  return {
    input,
    kind: 'file',
    files: [fileOf(input, basename(input), info.size)],
    skipped: [],
    close: () => undefined,
  };
}

async function walk(
  root: string,
  folder: string,
  files: ExportFile[],
  skipped: ExportInput['skipped'],
): Promise<void> {
  const entries = (await readdir(folder, { withFileTypes: true })).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  for (const entry of entries) {
    const absolute = join(folder, entry.name);
    const path = relative(root, absolute).split(sep).join('/');
    if (entry.isSymbolicLink()) {
      skipped.push({ path, reason: 'a symbolic link: not followed' });
    } else if (entry.isDirectory()) {
      if (entry.name === '__MACOSX')
        skipped.push({ path, reason: 'macOS folder metadata, not part of the export' });
      else await walk(root, absolute, files, skipped);
    } else if (entry.isFile()) {
      if (entry.name === '.DS_Store') continue;
      if (entry.name.toLowerCase().endsWith('.zip')) {
        skipped.push({ path, reason: 'a zip inside the folder: import it on its own' });
        continue;
      }
      files.push(fileOf(absolute, path, (await lstat(absolute)).size));
    } else {
      skipped.push({ path, reason: 'not a regular file' });
    }
  }
}
