import { pipeline, type Readable, Transform } from 'node:stream';
import { crc32, createInflateRaw } from 'node:zlib';
import yauzl from 'yauzl';
import { WrappedError } from '../errors.js';
import { quoteForDisplay } from '../text.js';
import type { ExportFile } from './inspect.js';

/**
 * Bounds that make a hostile zip harmless. A real export (years of history) is a few hundred MB
 * unpacked and JSON compresses about 10:1; a zip bomb is thousands to one.
 */
export interface ZipLimits {
  maxTotalBytes: number;
  maxEntries: number;
  /** Highest uncompressed/compressed ratio allowed for entries larger than `ratioFloorBytes`. */
  maxRatio: number;
  ratioFloorBytes: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxTotalBytes: 16 * 1024 ** 3,
  maxEntries: 100_000,
  maxRatio: 100,
  ratioFloorBytes: 1024 * 1024,
};

/** The whole zip is refused: nothing of it is landed. */
export class ZipRefusedError extends WrappedError {}

export interface OpenedZip {
  files: ExportFile[];
  skipped: Array<{ path: string; reason: string }>;
  close(): void;
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const UTF8_FLAG = 0x800;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function entryName(entry: yauzl.Entry, number: number, zipName: string): string {
  const raw = entry.fileNameRaw;
  const refuse = (why: string): never => {
    throw new ZipRefusedError(
      `${zipName}: entry ${number} ${why}; nothing from this zip was imported.`,
      {
        hint: 'Import the my_spotify_data.zip exactly as Spotify sent it, or unzip it yourself and import the folder.',
      },
    );
  };
  let name: string;
  const ascii = raw.every((b) => b < 0x80);
  if (ascii) name = raw.toString('latin1');
  else if (entry.generalPurposeBitFlag & UTF8_FLAG) {
    try {
      name = utf8.decode(raw);
    } catch {
      return refuse('has a file name that is not valid UTF-8');
    }
  } else {
    return refuse(`has a file name that is not UTF-8 (bytes ${raw.toString('hex').slice(0, 40)})`);
  }
  const shown = quoteForDisplay(name);
  if (name.includes('\0')) refuse(`(${shown}) has a NUL character in its name`);
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) refuse(`(${shown}) has an absolute path`);
  if (name.includes('\\')) refuse(`(${shown}) has a backslash in its path`);
  if (name.split('/').includes('..'))
    refuse(`(${shown}) has ".." in its path and would land outside its folder`);
  return name;
}

/**
 * Opens an export zip and checks every entry before anything is read: names (no "..", absolute
 * paths, backslashes or non-UTF-8 bytes), no symbolic links, no encryption, and bounded expansion.
 * Any violation refuses the whole zip. Entries are then read as streams, never unpacked whole.
 */
export async function openExportZip(
  path: string,
  displayName: string,
  limits: ZipLimits = DEFAULT_ZIP_LIMITS,
): Promise<OpenedZip> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(path, {
      decodeStrings: false,
      validateEntrySizes: true,
      autoClose: false,
      strictFileNames: false,
    });
  } catch (error) {
    throw new ZipRefusedError(
      `${displayName} is not a readable zip file: ${(error as Error).message}.`,
      {
        hint: 'The download may be incomplete: download my_spotify_data.zip again.',
      },
    );
  }
  const files: ExportFile[] = [];
  const skipped: OpenedZip['skipped'] = [];
  let total = 0;
  let number = 0;
  try {
    for (;;) {
      const entry = await nextEntry(zip);
      if (!entry) break;
      number++;
      if (number > limits.maxEntries) {
        throw new ZipRefusedError(
          `${displayName} has more than ${limits.maxEntries} entries; nothing from this zip was imported.`,
        );
      }
      const name = entryName(entry, number, displayName);
      const shown = quoteForDisplay(name);
      const unixMode = entry.versionMadeBy >> 8 === 3 ? entry.externalFileAttributes >>> 16 : 0;
      if ((unixMode & S_IFMT) === S_IFLNK) {
        throw new ZipRefusedError(
          `${displayName}: entry ${shown} is a symbolic link; nothing from this zip was imported.`,
        );
      }
      if (entry.isEncrypted()) {
        throw new ZipRefusedError(
          `${displayName}: entry ${shown} is encrypted; nothing from this zip was imported.`,
          {
            hint: 'Spotify exports are not encrypted: re-download the original my_spotify_data.zip.',
          },
        );
      }
      if (name.endsWith('/')) continue; // a folder entry
      total += entry.uncompressedSize;
      const ratio =
        entry.compressedSize === 0
          ? Number.POSITIVE_INFINITY
          : entry.uncompressedSize / entry.compressedSize;
      if (entry.uncompressedSize > limits.ratioFloorBytes && ratio > limits.maxRatio) {
        throw new ZipRefusedError(
          `${displayName}: entry ${shown} would expand ${Math.round(ratio)}-fold to ${entry.uncompressedSize} bytes (a zip bomb?); nothing from this zip was imported.`,
        );
      }
      if (total > limits.maxTotalBytes) {
        throw new ZipRefusedError(
          `${displayName} would expand to more than ${Math.round(limits.maxTotalBytes / 1024 ** 3)} GiB; nothing from this zip was imported.`,
        );
      }
      if (name.startsWith('__MACOSX/') || name.split('/').pop() === '.DS_Store') {
        skipped.push({ path: name, reason: 'macOS folder metadata, not part of the export' });
        continue;
      }
      files.push({
        path: name,
        size: entry.uncompressedSize,
        open: async () => checkedCrc(await entryBytes(zip, entry), entry.crc32),
      });
    }
  } catch (error) {
    zip.close();
    throw error;
  }
  if (files.length === 0 && skipped.length === 0) {
    zip.close();
    throw new ZipRefusedError(`${displayName} contains no files.`, {
      hint: 'Check that this is the my_spotify_data.zip Spotify sent.',
    });
  }
  return { files, skipped, close: () => zip.close() };
}

/** Chunks of an inflated entry: yauzl's own inflate yields 16 KiB ones. */
const INFLATE_CHUNK_BYTES = 1024 * 1024;

/**
 * An entry's bytes, unpacked. yauzl reads exactly the entry's compressed bytes and would inflate
 * them in 16 KiB chunks, each a round trip to zlib's thread: an export of 372 MB took 1.3-1.5 s
 * to unpack that way, and 0.4 s in 1 MiB chunks. So a deflated entry is inflated here, and its
 * unpacked size checked as yauzl checks it (the same messages, which the import maps to a
 * damaged entry).
 */
async function entryBytes(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  if (entry.compressionMethod !== 8) return zip.openReadStreamPromise(entry);
  const compressed = await zip.openReadStreamPromise(entry, { decompress: false });
  const inflated = pipeline(
    compressed,
    createInflateRaw({ chunkSize: INFLATE_CHUNK_BYTES }),
    sizeChecked(entry.uncompressedSize),
    () => undefined, // an error reaches the reader through the last stream
  );
  return inflated;
}

/** Passes bytes on, failing as soon as there are more than `expected`, or at the end fewer. */
function sizeChecked(expected: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > expected)
        done(new Error(`too many bytes in the stream. expected ${expected}. got at least ${seen}`));
      else done(null, chunk);
    },
    flush(done) {
      if (seen < expected)
        done(new Error(`not enough bytes in the stream. expected ${expected}. got only ${seen}`));
      else done();
    },
  });
}

/** The zip's CRC-32 mismatch; recognised by the import's error mapping as a damaged entry. */
export class ZipCrcError extends Error {}

/**
 * yauzl checks sizes but not CRC-32s: every entry's bytes are summed as they stream, and a
 * mismatch at the end fails the read, so a file whose content was altered is never landed.
 */
async function* checkedCrc(stream: Readable, expected: number): AsyncGenerator<Uint8Array> {
  let crc = 0;
  for await (const chunk of stream) {
    crc = crc32(chunk as Uint8Array, crc);
    yield chunk as Uint8Array;
  }
  if (crc >>> 0 !== expected >>> 0)
    throw new ZipCrcError(
      `CRC-32 mismatch (the zip says ${(expected >>> 0).toString(16).padStart(8, '0')}, the content gives ${(crc >>> 0).toString(16).padStart(8, '0')})`,
    );
}

function nextEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | undefined> {
  return new Promise((resolve, reject) => {
    const onEntry = (entry: yauzl.Entry) => {
      cleanup();
      resolve(entry);
    };
    const onEnd = () => {
      cleanup();
      resolve(undefined);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(new ZipRefusedError(`the zip is damaged: ${error.message}`));
    };
    const cleanup = () => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}
