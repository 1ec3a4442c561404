import type { Lake } from '../lake/lake.js';
import { layout } from '../lake/layout.js';
import { updateVersioned } from '../lake/versioned.js';
import type { Block, BlockStorage } from '../spotify/block-store.js';

/**
 * "Blocked until T" kept in the lake, so every run on every machine respects a long
 * Retry-After. Two runs blocked at once both write with If-Match: the later end wins.
 */
export class LakeBlockStore implements BlockStorage {
  readonly file = layout.state('spotify/blocked-until.json');

  constructor(private readonly lake: Lake) {}

  async current(now = Date.now()): Promise<Block | undefined> {
    const found = await this.lake.getVersioned(this.file);
    const block = found ? parseBlock(found.body) : undefined;
    return block && Date.parse(block.until) > now ? block : undefined;
  }

  async set(until: Date, quota: boolean): Promise<void> {
    await updateVersioned(this.lake, this.file, (current) => {
      const existing = current ? parseBlock(current) : undefined;
      if (existing && Date.parse(existing.until) >= until.getTime()) return undefined;
      const block: Block = { until: until.toISOString(), quota, set_at: new Date().toISOString() };
      return `${JSON.stringify(block)}\n`;
    });
  }

  async clear(): Promise<void> {
    await this.lake.delete(this.file);
  }
}

function parseBlock(body: Buffer): Block | undefined {
  try {
    const block = JSON.parse(body.toString('utf8')) as Block;
    return typeof block.until === 'string' ? block : undefined;
  } catch {
    return undefined;
  }
}
