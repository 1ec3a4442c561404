import type { Readable } from 'node:stream';

/** Bytes to write: whole in memory, or streamed (large files never need to fit in memory). */
export type LakeBody = string | Uint8Array | Readable | AsyncIterable<Uint8Array>;

export interface PutOptions {
  /**
   * Refuse to replace an existing object (`If-None-Match: *` on object stores). Raw files and
   * ledger entries are written this way: what landed is never overwritten.
   */
  createOnly?: boolean;
  /**
   * Replace the file only if it is still the version `getVersioned` returned (`If-Match: <ETag>`
   * on object stores): a read-modify-write of state that two processes can race, where exactly
   * one wins and the other gets LakeConflictError and reads again. A missing file never matches.
   */
  ifMatch?: string;
}

/** A file's bytes and the version they are (an ETag on object stores, a content hash locally). */
export interface Versioned {
  body: Buffer;
  version: string;
}

export interface ListOptions {
  /**
   * Only entries whose path sorts after this one (byte order): the files of a folder written in
   * order of name (the ledger's load ids sort by time) since a known one. A folder lake then
   * looks only at those; object stores filter what they page through.
   */
  startAfter?: string;
}

export interface LakeEntry {
  /** Lake-relative path with `/` separators, e.g. `raw/spotify/profile/dt=2026-11-24/x.json`. */
  path: string;
  size: number;
  modifiedAt: Date;
}

/**
 * The data lake: a flat namespace of immutable-by-convention files addressed by relative paths.
 * Every driver (local folder, Azure Blob / ADLS, S3) implements this and passes the same
 * contract suite (src/lake/testing/contract.ts).
 *
 * Guarantees every driver gives:
 * - a reader never sees a partly written file: `put` publishes all bytes or nothing;
 * - `list` yields entries sorted by path (byte order), lazily, so huge prefixes stream;
 * - paths are checked: `..`, absolute paths, backslashes and NUL are refused with LakePathError.
 */
export interface Lake {
  /** Human-readable location for messages, e.g. `/home/me/.local/share/wrapped-me/lake`. */
  readonly location: string;
  /**
   * When the lake is a folder on this machine, its root: the warehouse then reads and writes
   * files in place. Remote drivers leave it undefined.
   */
  readonly localRoot: string | undefined;

  put(path: string, body: LakeBody, options?: PutOptions): Promise<void>;
  get(path: string): Promise<Buffer>;
  /** The file and its version for a later `put(..., { ifMatch })`; undefined when it is missing. */
  getVersioned(path: string): Promise<Versioned | undefined>;
  /** Streams a file; for large raw files that should not be read whole. */
  getStream(path: string): Promise<Readable>;
  exists(path: string): Promise<boolean>;
  /** Entries whose path starts with `prefix` (a plain string prefix, as on object stores). */
  list(prefix?: string, options?: ListOptions): AsyncIterable<LakeEntry>;
  /** Removes a file; removing a missing file is not an error. */
  delete(path: string): Promise<void>;
}
