import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';

/** 1980-01-01 00:00 in MS-DOS date/time format (year-1980 in bits 9+, month in bits 5-8, day): the earliest a zip can hold. */
const DOS_TIME = 0;
const DOS_DATE = 0x0021;
/** Regular file, rw-r--r-- (0o100644), in the upper half of the external attributes. */
const FILE_MODE = 0x81a40000;
/** Host system Unix (3) in the high byte, zip specification 2.0 in the low byte. */
const MADE_BY_UNIX = 0x0314;
const VERSION_NEEDED = 20;
const UTF8_NAMES = 0x0800;
const DEFLATE = 8;

interface Entry {
  readonly name: Buffer;
  readonly crc: number;
  readonly size: number;
  readonly compressed: Buffer;
  readonly offset: number;
}

/**
 * Zips a directory so that the same files always give the same bytes: entries sorted by path,
 * fixed timestamps and modes, no extra fields. Same bytes mean the same content hash and S3 object.
 */
export function zipDirectory(dir: string): Buffer {
  const parts: Buffer[] = [];
  const entries: Entry[] = [];
  let offset = 0;
  for (const file of listFiles(dir)) {
    const data = readFileSync(file);
    const entry: Entry = {
      name: Buffer.from(relative(dir, file).split(sep).join('/'), 'utf8'),
      crc: crc32(data),
      size: data.length,
      compressed: deflateRawSync(data, { level: 9 }),
      offset,
    };
    const header = localHeader(entry);
    parts.push(header, entry.name, entry.compressed);
    offset += header.length + entry.name.length + entry.compressed.length;
    entries.push(entry);
  }
  const central = entries.map((e) => Buffer.concat([centralHeader(e), e.name]));
  const centralSize = central.reduce((n, b) => n + b.length, 0);
  return Buffer.concat([...parts, ...central, endOfCentralDirectory(entries.length, centralSize, offset)]);
}

function listFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? listFiles(path) : [path];
    });
}

function localHeader(e: Entry): Buffer {
  const b = Buffer.alloc(30);
  b.writeUInt32LE(0x04034b50, 0);
  writeEntryFields(b, 4, e);
  // extra length: 0
  return b;
}

function centralHeader(e: Entry): Buffer {
  const b = Buffer.alloc(46);
  b.writeUInt32LE(0x02014b50, 0);
  b.writeUInt16LE(MADE_BY_UNIX, 4);
  writeEntryFields(b, 6, e);
  // extra length, comment length, disk number, internal attributes: all 0
  b.writeUInt32LE(FILE_MODE, 38);
  b.writeUInt32LE(e.offset, 42);
  return b;
}

/** The fields both headers share, in the same order: version needed to extract through file name length. */
function writeEntryFields(b: Buffer, at: number, e: Entry): void {
  b.writeUInt16LE(VERSION_NEEDED, at);
  b.writeUInt16LE(UTF8_NAMES, at + 2);
  b.writeUInt16LE(DEFLATE, at + 4);
  b.writeUInt16LE(DOS_TIME, at + 6);
  b.writeUInt16LE(DOS_DATE, at + 8);
  b.writeUInt32LE(e.crc, at + 10);
  b.writeUInt32LE(e.compressed.length, at + 14);
  b.writeUInt32LE(e.size, at + 18);
  b.writeUInt16LE(e.name.length, at + 22);
}

function endOfCentralDirectory(count: number, centralSize: number, centralOffset: number): Buffer {
  const b = Buffer.alloc(22);
  b.writeUInt32LE(0x06054b50, 0);
  b.writeUInt16LE(count, 8);
  b.writeUInt16LE(count, 10);
  b.writeUInt32LE(centralSize, 12);
  b.writeUInt32LE(centralOffset, 16);
  return b;
}
