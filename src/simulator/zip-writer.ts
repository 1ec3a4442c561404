/**
 * A small, deterministic zip writer: the same entries always give the same bytes (fixed
 * timestamps, fixed order), which the simulator's export generator needs. It can also make the
 * hostile zips that real writers refuse to make (".." and absolute names, symbolic links,
 * encrypted flags, non-UTF-8 names, lying sizes) for the importer's tests.
 * Format: PKWARE APPNOTE 6.3, local headers + central directory + end record; no zip64, so
 * each entry and the whole archive stay under 4 GiB.
 */
import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipEntrySpec {
  name: string | Buffer;
  data?: Buffer | string;
  method?: 'store' | 'deflate';
  /** Set the UTF-8 flag (bit 11); default: when the name has non-ASCII characters. */
  utf8Flag?: boolean;
  encrypted?: boolean;
  /** Unix mode bits stored in the external attributes (e.g. 0o120777 for a symlink). */
  unixMode?: number;
  /** Override the declared uncompressed size (a lying header). */
  declaredSize?: number;
  /** Modification time stored for the entry (default 1980-01-01, the zip epoch). */
  modified?: Date;
}

/** MS-DOS date and time, as zip stores them (local time fields, here taken from UTC). */
function dosDateTime(date: Date | undefined): [number, number] {
  if (!date) return [0, (0 << 9) | (1 << 5) | 1];
  const time =
    (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | Math.floor(date.getUTCSeconds() / 2);
  const day =
    ((date.getUTCFullYear() - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate();
  return [time, day];
}

export function makeZip(entries: ZipEntrySpec[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const spec of entries) {
    const name = typeof spec.name === 'string' ? Buffer.from(spec.name, 'utf8') : spec.name;
    const raw =
      typeof spec.data === 'string' ? Buffer.from(spec.data) : (spec.data ?? Buffer.alloc(0));
    const deflate = (spec.method ?? 'deflate') === 'deflate';
    const body = deflate ? deflateRawSync(raw) : raw;
    const nonAscii = name.some((b) => b >= 0x80);
    let flags = 0;
    if (spec.utf8Flag ?? (typeof spec.name === 'string' && nonAscii)) flags |= 0x800;
    if (spec.encrypted) flags |= 0x1;
    const crc = crc32(raw);
    const [dosTime, dosDate] = dosDateTime(spec.modified);
    const size = spec.declaredSize ?? raw.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(deflate ? 8 : 0, 8);
    local.writeUInt16LE(dosTime, 10);
    local.writeUInt16LE(dosDate, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, body);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(deflate ? 8 : 0, 10);
    central.writeUInt16LE(dosTime, 12);
    central.writeUInt16LE(dosDate, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((spec.unixMode ?? 0o100644) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
