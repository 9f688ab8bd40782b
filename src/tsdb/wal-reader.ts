// Reads WAL segments back into records, checking every fragment; finds and repairs corruption.

import { closeSync, openSync, readFileSync, readSync, rmSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { StorageError } from '../storage/storage-error.js';
import { crc32c } from './crc32c.js';
import { decodedLength, decompressInto } from './snappy.js';
import {
  FLAG_SNAPPY,
  FLAG_ZSTD,
  FRAGMENT_FIRST,
  FRAGMENT_FULL,
  FRAGMENT_LAST,
  FRAGMENT_MIDDLE,
  FRAGMENT_PADDING,
  segmentName,
  WAL_FRAGMENT_HEADER,
  WAL_PAGE_SIZE,
} from './wal-segments.js';

/** Where a WAL stopped being readable. `offset` is the start of the first record that could not be read. */
export class WalCorruptionError extends StorageError {
  readonly dir: string;
  readonly segment: number;
  readonly offset: number;
  /** What is wrong, without the file and offset. */
  readonly reason: string;

  constructor(dir: string, segment: number, offset: number, reason: string) {
    super('corruption', `WAL corruption in ${join(dir, segmentName(segment))} at offset ${offset}: ${reason}`);
    this.name = 'WalCorruptionError';
    this.dir = dir;
    this.segment = segment;
    this.offset = offset;
    this.reason = reason;
  }
}

function allZero(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (b[i] !== 0) return false;
  return true;
}

/**
 * Calls `onRecord` with each complete record of one segment file (decompressed; a view valid during the call) and
 * the record's start offset. Throws WalCorruptionError at the first bad fragment, torn tail or undecodable record;
 * records before it have been delivered. `onRecord` may throw a StorageError('corruption') for a bad payload.
 * The file is read `pagesPerRead` pages at a time.
 */
export function readSegment(dir: string, segment: number, onRecord: (rec: Uint8Array, offset: number) => void, pagesPerRead = READ_PAGES): void {
  const fd = openSync(join(dir, segmentName(segment)), 'r');
  try {
    readPages(fd, dir, segment, onRecord, pagesPerRead);
  } finally {
    closeSync(fd);
  }
}

/** Pages read at a time: records reach the caller as the file is read, and memory stays small. */
const READ_PAGES = 64;

/** Fills `buf` from the file at `offset` (fewer bytes at its end); returns the bytes read. */
function readFully(fd: number, buf: Uint8Array, offset: number): number {
  let n = 0;
  while (n < buf.length) {
    const got = readSync(fd, buf, n, buf.length - n, offset + n);
    if (got === 0) break;
    n += got;
  }
  return n;
}

function readPages(fd: number, dir: string, segment: number, onRecord: (rec: Uint8Array, offset: number) => void, pagesPerRead: number): void {
  // The file is read in blocks of whole pages (fragments never cross a page), `base` being where the block starts.
  // A block is reused for the next unless a record begun in it is still incomplete (its parts point into it).
  let block = Buffer.allocUnsafe(pagesPerRead * WAL_PAGE_SIZE);
  let base = 0;
  let b = block.subarray(0, readFully(fd, block, 0));
  let pos = 0;
  let parts: Uint8Array[] = [];
  let recStart = -1;
  let recFlags = 0;
  let scratch = new Uint8Array(64 * 1024);
  const fail = (reason: string): never => {
    throw new WalCorruptionError(dir, segment, recStart >= 0 ? recStart : base + pos, reason);
  };
  for (;;) {
    if (pos >= b.length) {
      if (b.length < block.length) break;
      if (recStart >= 0) block = Buffer.allocUnsafe(block.length);
      base += b.length;
      b = block.subarray(0, readFully(fd, block, base));
      pos = 0;
      if (b.length === 0) break;
    }
    const pageEnd = (Math.floor(pos / WAL_PAGE_SIZE) + 1) * WAL_PAGE_SIZE;
    const type = b[pos] as number;
    if (pageEnd - pos < WAL_FRAGMENT_HEADER || type === FRAGMENT_PADDING) {
      if (!allZero(b, pos, Math.min(pageEnd, b.length))) fail('non-zero bytes in page padding');
      pos = pageEnd;
      continue;
    }
    if (pos + WAL_FRAGMENT_HEADER > b.length) fail('torn fragment header at the end of the segment');
    const kind = type & 7;
    const flags = type & ~7;
    if ((flags & ~(FLAG_SNAPPY | FLAG_ZSTD)) !== 0) fail(`unknown fragment flags 0x${type.toString(16)}`);
    const len = ((b[pos + 1] as number) << 8) | (b[pos + 2] as number);
    const crc = (((b[pos + 3] as number) << 24) | ((b[pos + 4] as number) << 16) | ((b[pos + 5] as number) << 8) | (b[pos + 6] as number)) >>> 0;
    const dataStart = pos + WAL_FRAGMENT_HEADER;
    const dataEnd = dataStart + len;
    if (dataEnd > pageEnd) fail(`fragment of ${len} bytes crosses the page boundary`);
    if (dataEnd > b.length) fail(`torn fragment: ${len} bytes announced, ${b.length - dataStart} present`);
    if (crc32c(b, dataStart, dataEnd) !== crc) fail('fragment checksum mismatch');
    const data = b.subarray(dataStart, dataEnd);
    switch (kind) {
      case FRAGMENT_FULL:
        if (recStart >= 0) fail('full fragment inside a fragmented record');
        recStart = base + pos;
        recFlags = flags;
        parts = [data];
        break;
      case FRAGMENT_FIRST:
        if (recStart >= 0) fail('first fragment inside a fragmented record');
        recStart = base + pos;
        recFlags = flags;
        parts = [data];
        break;
      case FRAGMENT_MIDDLE:
      case FRAGMENT_LAST:
        if (recStart < 0) fail(`${kind === FRAGMENT_LAST ? 'last' : 'middle'} fragment without a first`);
        parts.push(data);
        break;
      default:
        fail(`unknown fragment type ${kind}`);
    }
    pos = dataEnd;
    if (kind === FRAGMENT_FULL || kind === FRAGMENT_LAST) {
      let rec: Uint8Array;
      if (parts.length === 1) rec = parts[0] as Uint8Array;
      else rec = Buffer.concat(parts);
      if ((recFlags & FLAG_ZSTD) !== 0) fail('zstd-compressed record (not supported; Prometheus 2.42 cannot read it either)');
      if ((recFlags & FLAG_SNAPPY) !== 0) {
        try {
          const n = decodedLength(rec);
          if (scratch.length < n) scratch = new Uint8Array(Math.max(n, scratch.length * 2));
          rec = scratch.subarray(0, decompressInto(rec, 0, rec.length, scratch));
        } catch (err) {
          fail((err as Error).message);
        }
      }
      try {
        onRecord(rec, recStart);
      } catch (err) {
        if (err instanceof StorageError && err.code === 'corruption' && !(err instanceof WalCorruptionError)) fail(err.message);
        throw err;
      }
      recStart = -1;
      parts = [];
    }
  }
  if (recStart >= 0) fail('record torn at the end of the segment');
}

/** What repair removed. */
export interface RepairResult {
  /** Bytes cut from the corrupt segment. */
  truncatedBytes: number;
  /** Later segments deleted. */
  deletedSegments: number[];
}

/**
 * Makes the WAL end just before the corruption: truncates the corrupt segment at the bad record and deletes every
 * later segment (what Prometheus does; nothing after a corruption can be trusted to follow on).
 */
export function repairWal(err: WalCorruptionError, segments: readonly number[]): RepairResult {
  const file = join(err.dir, segmentName(err.segment));
  const size = readFileSync(file).length;
  truncateSync(file, err.offset);
  const deleted = segments.filter((s) => s > err.segment);
  for (const s of deleted) rmSync(join(err.dir, segmentName(s)), { force: true });
  return { truncatedBytes: size - err.offset, deletedSegments: deleted };
}
