// Block chunk segment files (`chunks/000001`…): writing chunks and reading them back by reference.
//
// File: BE32 magic 0x85BD40DD, version byte 1, 3 zero bytes, then records `uvarint len ‖ encoding ‖ data ‖
// BE32 CRC32C(encoding ‖ data)`. A chunk reference is `segmentIndex * 2^32 + offset` where segmentIndex is the
// 0-based position of the file among the numerically named files and offset the position of `len`.

import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { StorageError } from '../storage/storage-error.js';
import { crc32c } from './crc32c.js';
import { FileWriter } from './file-writer.js';
import { putUvarint } from './varint.js';

export const CHUNKS_MAGIC = 0x85bd40dd;
const HEADER_SIZE = 8;
const TWO_32 = 4294967296;
/** Prometheus's default segment size limit. */
export const DEFAULT_SEGMENT_SIZE = 512 * 1024 * 1024;

export function chunkRef(segment: number, offset: number): number {
  return segment * TWO_32 + offset;
}

/** 6-digit segment file name for a 1-based number. */
export function segmentName(n: number): string {
  return String(n).padStart(6, '0');
}

/** Writes chunks into `<blockDir>/chunks/`, cutting a new segment before one would exceed `segmentSize`. */
export class ChunkSegmentWriter {
  private readonly dir: string;
  private readonly segmentSize: number;
  private file: FileWriter | undefined;
  private segment = -1;
  private readonly head = new Uint8Array(6);
  private readonly crc = new Uint8Array(4);

  constructor(blockDir: string, segmentSize = DEFAULT_SEGMENT_SIZE) {
    this.dir = join(blockDir, 'chunks');
    this.segmentSize = segmentSize;
    mkdirSync(this.dir, { recursive: true });
  }

  /** Appends one chunk; returns its reference. `bytes` is the payload without length, encoding or CRC. */
  write(encoding: number, bytes: Uint8Array): number {
    const total = 5 + 1 + bytes.length + 4;
    if (this.file === undefined || (this.file.pos + total > this.segmentSize && this.file.pos > HEADER_SIZE)) this.cut();
    const f = this.file as FileWriter;
    const ref = chunkRef(this.segment, f.pos);
    const n = putUvarint(this.head, 0, bytes.length);
    this.head[n] = encoding;
    f.write(this.head.subarray(0, n + 1));
    f.write(bytes);
    let c = crc32c(this.head, n, n + 1);
    c = crc32c(bytes, 0, bytes.length, c);
    new DataView(this.crc.buffer).setUint32(0, c);
    f.write(this.crc);
    return ref;
  }

  private cut(): void {
    this.file?.close();
    this.segment++;
    this.file = new FileWriter(join(this.dir, segmentName(this.segment + 1)));
    const h = new Uint8Array(HEADER_SIZE);
    new DataView(h.buffer).setUint32(0, CHUNKS_MAGIC);
    h[4] = 1;
    this.file.write(h);
  }

  /** Flushes and fsyncs the last segment. */
  close(): void {
    this.file?.close();
    this.file = undefined;
  }

  abandon(): void {
    this.file?.abandon();
    this.file = undefined;
  }
}

/** A chunk as read back: encoding byte and a view of its payload (valid while the reader is open). */
export interface ChunkBytes {
  encoding: number;
  bytes: Uint8Array;
}

/**
 * How chunk bytes are read: `pread` (default) reads through a 64 KiB read-ahead window with positioned reads
 * (memory: the window), `buffer` loads each segment file once, on first use, into one Buffer (memory: the
 * segments touched, up to 512 MiB each). See bench/tsdb-blocks.bench.ts for their speed.
 */
export type ChunkAccess = 'buffer' | 'pread';

interface Segment {
  path: string;
  fd: number;
  size: number;
  data: Buffer | undefined;
}

/** Reads chunks of one block by reference. Throws StorageError('corruption') naming file and offset. */
export class ChunkSegmentReader {
  private readonly segments: Segment[] = [];
  private readonly access: ChunkAccess;
  /** pread mode: a read-ahead window over one segment. Chunks of a series, and series in index order, follow each other in the file. */
  private window = Buffer.allocUnsafe(64 * 1024);
  private windowSeg = -1;
  private windowStart = 0;
  private windowLen = 0;

  /** Opens every numerically named file in `<blockDir>/chunks` and checks its header. */
  constructor(blockDir: string, access: ChunkAccess = 'pread') {
    this.access = access;
    const dir = join(blockDir, 'chunks');
    if (!existsSync(dir)) return;
    const names = readdirSync(dir)
      .filter((n) => /^\d+$/.test(n))
      .sort((a, b) => Number(a) - Number(b));
    try {
      for (const name of names) {
        const path = join(dir, name);
        const fd = openSync(path, 'r');
        const size = fstatSync(fd).size;
        this.segments.push({ path, fd, size, data: undefined });
        const h = Buffer.alloc(HEADER_SIZE);
        const n = readSync(fd, h, 0, HEADER_SIZE, 0);
        if (n < HEADER_SIZE || h.readUInt32BE(0) !== CHUNKS_MAGIC) throw new StorageError('corruption', `${path}: not a chunk segment file (bad magic)`);
        if (h[4] !== 1) throw new StorageError('corruption', `${path}: unsupported chunk segment version ${h[4]}`);
      }
    } catch (err) {
      this.close();
      throw err;
    }
  }

  /** Total bytes of the segment files. */
  size(): number {
    return this.segments.reduce((a, s) => a + s.size, 0);
  }

  /** The chunk at `ref`, CRC-checked. In `pread` mode the bytes are a copy; in `buffer` mode a view of the segment. */
  chunk(ref: number): ChunkBytes {
    const segIdx = Math.floor(ref / TWO_32);
    const offset = ref - segIdx * TWO_32;
    const seg = this.segments[segIdx];
    if (seg === undefined) throw new StorageError('corruption', `chunk ref ${ref}: segment ${segIdx} does not exist`);
    if (offset < HEADER_SIZE || offset + 6 > seg.size) throw new StorageError('corruption', `${seg.path}: chunk offset ${offset} out of range`);
    let buf: Uint8Array;
    let pos: number;
    if (this.access === 'buffer') {
      seg.data ??= readFileSync(seg.path);
      buf = seg.data;
      pos = offset;
    } else {
      // The length prefix (at most 5 bytes) must be in the window, or the window must reach the end of the file.
      if (!this.inWindow(segIdx, offset, Math.min(5, seg.size - offset))) this.loadWindow(segIdx, seg, offset, 0);
      buf = this.window;
      pos = offset - this.windowStart;
    }
    let len = 0;
    let shift = 1;
    let p = pos;
    for (let i = 0; ; i++) {
      const b = buf[p++] as number;
      len += (b & 0x7f) * shift;
      if (b < 0x80) break;
      shift *= 128;
      if (i >= 4) throw new StorageError('corruption', `${seg.path}: bad chunk length at offset ${offset}`);
    }
    const headLen = p - pos;
    const total = headLen + 1 + len + 4;
    if (offset + total > seg.size) {
      throw new StorageError('corruption', `${seg.path}: chunk at offset ${offset} (length ${len}) runs past the end of the file`);
    }
    if (this.access === 'pread' && !this.inWindow(segIdx, offset, total)) {
      this.loadWindow(segIdx, seg, offset, total);
      buf = this.window;
      p = headLen;
    }
    const encStart = p;
    const end = encStart + 1 + len;
    const stored = ((buf[end] as number) * 16777216 + ((buf[end + 1] as number) << 16) + ((buf[end + 2] as number) << 8) + (buf[end + 3] as number)) >>> 0;
    if (crc32c(buf, encStart, end) !== stored) throw new StorageError('corruption', `${seg.path}: checksum mismatch in chunk at offset ${offset}`);
    // In pread mode the window is reused by later calls: copy (Buffer#slice would only be a view).
    const bytes = this.access === 'pread' ? new Uint8Array(buf.subarray(encStart + 1, end)) : buf.subarray(encStart + 1, end);
    return { encoding: buf[encStart] as number, bytes };
  }

  private inWindow(segIdx: number, offset: number, n: number): boolean {
    return this.windowSeg === segIdx && offset >= this.windowStart && offset + n <= this.windowStart + this.windowLen;
  }

  /** Reads at least `min` bytes (up to the window size) of the segment from `offset` into the window. */
  private loadWindow(segIdx: number, seg: Segment, offset: number, min: number): void {
    if (this.window.length < min) this.window = Buffer.allocUnsafe(min);
    const n = Math.min(this.window.length, seg.size - offset);
    const got = readSync(seg.fd, this.window, 0, n, offset);
    this.windowSeg = segIdx;
    this.windowStart = offset;
    this.windowLen = got;
  }

  /** Reads every chunk record of every segment and checks its CRC (a full verification pass). */
  verifyAll(): void {
    for (let s = 0; s < this.segments.length; s++) {
      const seg = this.segments[s] as Segment;
      const data = seg.data ?? readFileSync(seg.path);
      let pos = HEADER_SIZE;
      while (pos < data.length) {
        let len = 0;
        let shift = 1;
        let p = pos;
        for (;;) {
          if (p >= data.length) throw new StorageError('corruption', `${seg.path}: truncated chunk at offset ${pos}`);
          const b = data[p++] as number;
          len += (b & 0x7f) * shift;
          if (b < 0x80) break;
          shift *= 128;
          if (shift > 2 ** 35) throw new StorageError('corruption', `${seg.path}: bad chunk length at offset ${pos}`);
        }
        const end = p + 1 + len;
        if (end + 4 > data.length) throw new StorageError('corruption', `${seg.path}: chunk at offset ${pos} runs past the end of the file`);
        if (crc32c(data, p, end) !== data.readUInt32BE(end)) throw new StorageError('corruption', `${seg.path}: checksum mismatch in chunk at offset ${pos}`);
        pos = end + 4;
      }
    }
  }

  /** Bytes held in memory for chunk data: loaded segments (buffer mode) or the read-ahead window (pread mode). */
  loadedBytes(): number {
    return this.segments.reduce((a, s) => a + (s.data?.length ?? 0), 0) + (this.access === 'pread' ? this.window.length : 0);
  }

  /** Drops loaded segment buffers (they are reloaded on demand). */
  release(): void {
    for (const s of this.segments) s.data = undefined;
  }

  close(): void {
    for (const s of this.segments) {
      if (s.fd >= 0) closeSync(s.fd);
      s.fd = -1;
      s.data = undefined;
    }
  }
}
