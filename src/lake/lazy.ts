import type { Readable } from 'node:stream';
import type { Lake, LakeBody, LakeEntry, ListOptions, PutOptions, Versioned } from './lake.js';

/**
 * A cloud lake whose driver, and the SDK behind it, loads on first use. The Azure and S3 SDKs
 * take most of a second to load; a command on a local lake, or one that never touches the lake,
 * should not pay for them. A driver that cannot open (a setting missing) fails the first call
 * with its own error, and every later one.
 */
export class LazyLake implements Lake {
  readonly localRoot = undefined;
  private driver: Promise<Lake> | undefined;

  constructor(
    readonly location: string,
    private readonly load: () => Promise<Lake>,
  ) {}

  private open(): Promise<Lake> {
    this.driver ??= this.load();
    return this.driver;
  }

  async put(path: string, body: LakeBody, options?: PutOptions): Promise<void> {
    return (await this.open()).put(path, body, options);
  }

  async get(path: string): Promise<Buffer> {
    return (await this.open()).get(path);
  }

  async getVersioned(path: string): Promise<Versioned | undefined> {
    return (await this.open()).getVersioned(path);
  }

  async getStream(path: string): Promise<Readable> {
    return (await this.open()).getStream(path);
  }

  async exists(path: string): Promise<boolean> {
    return (await this.open()).exists(path);
  }

  async *list(prefix?: string, options?: ListOptions): AsyncIterable<LakeEntry> {
    yield* (await this.open()).list(prefix, options);
  }

  async delete(path: string): Promise<void> {
    return (await this.open()).delete(path);
  }
}
