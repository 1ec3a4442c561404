import { createHash, randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import {
  link,
  lstat,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rmdir,
  unlink,
} from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { LakeConflictError, LakeNotFoundError } from '../../errors.js';
import type { Lake, LakeBody, LakeEntry, ListOptions, PutOptions, Versioned } from '../lake.js';
import { checkLakePath, checkLakePrefix, TEMP_PREFIX } from '../paths.js';

/**
 * The lake as a folder on this machine.
 *
 * Atomicity: bytes go to a hidden temporary file in the target's folder, are flushed to disk,
 * and the file is then renamed over the target (rename is atomic within one file system).
 * A create-only write uses link() instead of rename(): link fails with EEXIST when the target
 * exists, so two writers racing for the same path cannot both win. A process killed mid-write
 * leaves only a `.tmp-*` file, which listings ignore.
 *
 * Conditional replace (`ifMatch`): a file's version is the sha-256 of its bytes. The compare
 * and the rename happen while holding a guard file created with O_EXCL beside the target, so
 * two processes cannot both replace the version they read; a guard left by a killed writer is
 * broken after a few seconds.
 */
export class FsLake implements Lake {
  readonly location: string;
  readonly localRoot: string;

  constructor(root: string) {
    this.localRoot = root;
    this.location = root;
  }

  private resolve(path: string): string {
    return join(this.localRoot, ...checkLakePath(path).split('/'));
  }

  async put(path: string, body: LakeBody, options: PutOptions = {}): Promise<void> {
    if (options.ifMatch !== undefined) return this.putIfMatch(path, body, options.ifMatch);
    const target = this.resolve(path);
    const folder = dirname(target);
    // mkdir reports the first folder it had to create; a failed put removes what it created.
    const created = await mkdir(folder, { recursive: true });
    const temp = join(folder, `${TEMP_PREFIX}${randomBytes(8).toString('hex')}`);
    try {
      await writeDurably(temp, body);
      if (options.createOnly) {
        try {
          await link(temp, target);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
            throw new LakeConflictError(
              `${path} already exists in the lake; it was not overwritten.`,
            );
          }
          throw error;
        }
        await unlink(temp);
      } else {
        await rename(temp, target);
      }
      await syncFolder(folder);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      if (created !== undefined) await removeEmptyFolders(folder, created);
      throw error;
    }
  }

  async get(path: string): Promise<Buffer> {
    try {
      return await readFile(this.resolve(path));
    } catch (error) {
      throw this.translateReadError(path, error);
    }
  }

  async getVersioned(path: string): Promise<Versioned | undefined> {
    let body: Buffer;
    try {
      body = await readFile(this.resolve(path));
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw this.translateReadError(path, error);
    }
    return { body, version: contentVersion(body) };
  }

  private async putIfMatch(path: string, body: LakeBody, expected: string): Promise<void> {
    const target = this.resolve(path);
    const folder = dirname(target);
    const guard = join(folder, `${TEMP_PREFIX}guard-${target.slice(folder.length + 1)}`);
    await this.takeGuard(guard, path);
    try {
      const current = await readFile(target).catch((error: unknown) => {
        if (isMissing(error)) return undefined;
        throw error;
      });
      if (current === undefined || contentVersion(current) !== expected)
        throw new LakeConflictError(
          `${path} changed since it was read (or is gone); it was not overwritten.`,
        );
      const temp = join(folder, `${TEMP_PREFIX}${randomBytes(8).toString('hex')}`);
      try {
        await writeDurably(temp, body);
        await rename(temp, target);
        await syncFolder(folder);
      } catch (error) {
        await unlink(temp).catch(() => undefined);
        throw error;
      }
    } finally {
      await unlink(guard).catch(() => undefined);
    }
  }

  /** Creates the guard file (O_EXCL), waiting for another writer's; a guard older than 10 s is stale. */
  private async takeGuard(guard: string, path: string): Promise<void> {
    for (let attempt = 0; attempt < 500; attempt++) {
      try {
        await (await open(guard, 'wx')).close();
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const info = await lstat(guard).catch(() => undefined);
      if (info && Date.now() - info.mtimeMs > 10_000) await unlink(guard).catch(() => undefined);
      else await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 15));
    }
    throw new LakeConflictError(`${path} is being replaced by another writer for too long.`);
  }

  async getStream(path: string): Promise<Readable> {
    const file = this.resolve(path);
    // Open first so a missing file fails here, not later as a stream 'error' event.
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(file, 'r');
    } catch (error) {
      throw this.translateReadError(path, error);
    }
    return handle.createReadStream({ autoClose: true });
  }

  async exists(path: string): Promise<boolean> {
    try {
      return (await lstat(this.resolve(path))).isFile();
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  async delete(path: string): Promise<void> {
    try {
      await unlink(this.resolve(path));
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  }

  async *list(prefix = '', options: ListOptions = {}): AsyncIterable<LakeEntry> {
    checkLakePrefix(prefix);
    // Start at the deepest folder the prefix names in full; filter the rest by string prefix.
    const cut = prefix.lastIndexOf('/');
    const after = options.startAfter === undefined ? undefined : Buffer.from(options.startAfter);
    yield* this.walk(cut >= 0 ? prefix.slice(0, cut) : '', prefix, after);
  }

  /**
   * Depth-first walk in byte order of full paths. Sorting a folder's entries with `/` appended
   * to sub-folder names makes the output match object-store order exactly ("a-b" < "a/x").
   * Only one folder's names are held at a time, so a huge tree streams.
   */
  private async *walk(
    folderPath: string,
    prefix: string,
    startAfter?: Buffer,
  ): AsyncGenerator<LakeEntry> {
    let dirents: Dirent[];
    try {
      dirents = await readdir(
        folderPath === '' ? this.localRoot : join(this.localRoot, ...folderPath.split('/')),
        {
          withFileTypes: true,
        },
      );
    } catch (error) {
      if (isMissing(error) || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return;
      throw error;
    }
    const items = dirents
      // Symlinks and other special files are skipped: they could point outside the lake.
      .filter((d) => !d.name.startsWith(TEMP_PREFIX) && (d.isFile() || d.isDirectory()))
      .map((d) => {
        const path = folderPath === '' ? d.name : `${folderPath}/${d.name}`;
        return {
          path,
          isFolder: d.isDirectory(),
          sortKey: Buffer.from(d.isDirectory() ? `${path}/` : path),
        };
      })
      .sort((a, b) => Buffer.compare(a.sortKey, b.sortKey));
    // The files between two folders are stat'ed together, then yielded in order.
    let files: string[] = [];
    for (const item of items) {
      if (item.isFolder) {
        const folderKey = `${item.path}/`;
        if (folderKey.startsWith(prefix) || prefix.startsWith(folderKey)) {
          yield* this.statInOrder(files);
          files = [];
          yield* this.walk(item.path, prefix, startAfter);
        }
      } else if (
        item.path.startsWith(prefix) &&
        // Names at or before `startAfter` are passed over before they cost a stat.
        (startAfter === undefined || Buffer.compare(item.sortKey, startAfter) > 0)
      )
        files.push(item.path);
    }
    yield* this.statInOrder(files);
  }

  /** Stats files STAT_BATCH at a time (one at a time, the ledger's 445 entries took 40 ms). */
  private async *statInOrder(paths: string[]): AsyncGenerator<LakeEntry> {
    for (let i = 0; i < paths.length; i += STAT_BATCH) {
      const batch = paths.slice(i, i + STAT_BATCH);
      for (const entry of await Promise.all(batch.map((path) => this.statEntry(path))))
        if (entry) yield entry;
    }
  }

  private async statEntry(path: string): Promise<LakeEntry | undefined> {
    try {
      const stats = await lstat(join(this.localRoot, ...path.split('/')));
      return { path, size: stats.size, modifiedAt: stats.mtime };
    } catch (error) {
      if (isMissing(error)) return undefined; // deleted while listing: simply not there
      throw error;
    }
  }

  /**
   * Removes in-progress files left by writers that were killed (a `.tmp-*` name older than
   * `maxAgeMs`; a live writer's file is younger). Returns how many were removed (or, with
   * `countOnly`, found).
   */
  async sweepTemporaryFiles(
    maxAgeMs = 3_600_000,
    now = Date.now(),
    options: { countOnly?: boolean } = {},
  ): Promise<number> {
    let removed = 0;
    const visit = async (folder: string): Promise<void> => {
      let entries: Dirent[];
      try {
        entries = await readdir(folder, { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) {
        const path = join(folder, entry.name);
        if (entry.isDirectory()) await visit(path);
        else if (entry.isFile() && entry.name.startsWith(TEMP_PREFIX)) {
          const info = await lstat(path).catch(() => undefined);
          if (info && now - info.mtimeMs > maxAgeMs) {
            if (!options.countOnly) await unlink(path).catch(() => undefined);
            removed++;
          }
        }
      }
    };
    await visit(this.localRoot);
    return removed;
  }

  private translateReadError(path: string, error: unknown): Error {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') {
      return new LakeNotFoundError(`${path} does not exist in the lake at ${this.location}.`);
    }
    return error as Error;
  }
}

/** Removes `folder` and its parents up to and including `top`, as long as they are empty. */
async function removeEmptyFolders(folder: string, top: string): Promise<void> {
  let current = folder;
  for (;;) {
    try {
      await rmdir(current);
    } catch {
      return; // not empty (another writer put something there) or already gone
    }
    if (current === top) return;
    const parent = dirname(current);
    if (parent === current) return;
    current = parent;
  }
}

/** A local file's version: the sha-256 of its bytes (state files are small). */
const contentVersion = (body: Buffer) => createHash('sha256').update(body).digest('hex');

/** How many files of a folder a listing stats at once. */
const STAT_BATCH = 64;

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

async function writeDurably(file: string, body: LakeBody): Promise<void> {
  const handle = await open(file, 'wx', 0o644);
  try {
    if (typeof body === 'string' || body instanceof Uint8Array) {
      await handle.writeFile(body);
    } else {
      // Chunk by chunk, so a large body never has to fit in memory.
      for await (const chunk of body as AsyncIterable<Uint8Array | string>) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        let written = 0;
        while (written < bytes.length) {
          written += (await handle.write(bytes, written, bytes.length - written)).bytesWritten;
        }
      }
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes the rename itself durable: without it a power cut can forget the new name. */
async function syncFolder(folder: string): Promise<void> {
  if (sep === '\\') return; // Windows cannot open folders for fsync.
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
