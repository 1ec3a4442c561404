import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** "Blocked until T", kept in HOME so that every later process respects a long Retry-After. */
export interface Block {
  until: string;
  quota: boolean;
  set_at: string;
}

/** Where a block is kept: HOME (BlockStore) or the lake (src/state/lake-block-store.ts). */
export interface BlockStorage {
  current(now?: number): Promise<Block | undefined>;
  set(until: Date, quota: boolean): Promise<void>;
  clear(): Promise<void>;
}

export class BlockStore implements BlockStorage {
  readonly file: string;

  constructor(home: string) {
    this.file = join(home, 'state', 'spotify-blocked-until.json');
  }

  async current(now = Date.now()): Promise<Block | undefined> {
    let block: Block;
    try {
      block = JSON.parse(await readFile(this.file, 'utf8')) as Block;
    } catch {
      return undefined;
    }
    if (!(Date.parse(block.until) > now)) return undefined;
    return block;
  }

  async set(until: Date, quota: boolean): Promise<void> {
    await mkdir(join(this.file, '..'), { recursive: true });
    const temp = `${this.file}.tmp`;
    await writeFile(
      temp,
      `${JSON.stringify({ until: until.toISOString(), quota, set_at: new Date().toISOString() } satisfies Block)}\n`,
    );
    await rename(temp, this.file);
  }

  async clear(): Promise<void> {
    await rm(this.file, { force: true });
  }
}
