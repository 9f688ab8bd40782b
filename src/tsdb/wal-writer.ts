// Appends records to WAL segments in Prometheus's format: 32 KiB pages, fragmented records, CRC32C, snappy.

import { closeSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { StorageError } from '../storage/storage-error.js';
import { ByteWriter } from './byte-writer.js';
import { crc32c } from './crc32c.js';
import { compress, maxCompressedLength } from './snappy.js';
import type { TsdbStats } from './tsdb-stats.js';
import {
  DEFAULT_SEGMENT_SIZE,
  FLAG_SNAPPY,
  FRAGMENT_FIRST,
  FRAGMENT_FULL,
  FRAGMENT_LAST,
  FRAGMENT_MIDDLE,
  segmentName,
  WAL_FRAGMENT_HEADER,
  WAL_PAGE_SIZE,
} from './wal-segments.js';

export interface WalWriterOptions {
  /** Bytes per segment, a multiple of 32 KiB (default 128 MiB). */
  segmentSize?: number;
  /** Snappy-compress records when that makes them smaller (default true, as Prometheus). */
  compress?: boolean;
  stats?: TsdbStats;
}

/**
 * Durability policy: every `log` call is one write(2) of whole fragments to the current segment before it returns
 * (so a process crash loses nothing that was acknowledged); fsync happens when a segment is finished (cut), on
 * `sync()`, on checkpoints and on `close()`, as Prometheus does. A power failure may lose the unsynced tail.
 *
 * Writes are synchronous file calls: one commit is one small write into the page cache.
 */
export class WalWriter {
  readonly dir: string;
  private readonly segmentSize: number;
  private readonly compressRecords: boolean;
  private readonly stats: TsdbStats | undefined;
  private fd = -1;
  /** Current segment number. */
  segment: number;
  private pageAlloc = 0;
  private donePages = 0;
  private readonly out = new ByteWriter(64 * 1024);
  private zbuf = new Uint8Array(0);
  private closed = false;

  /** Opens a new, empty segment `firstSegment` in `dir` (created if needed). */
  constructor(dir: string, firstSegment: number, options: WalWriterOptions = {}) {
    this.dir = dir;
    this.segmentSize = options.segmentSize ?? DEFAULT_SEGMENT_SIZE;
    if (this.segmentSize % WAL_PAGE_SIZE !== 0 || this.segmentSize <= 0) {
      throw new StorageError('io', `WAL segment size ${this.segmentSize} is not a positive multiple of ${WAL_PAGE_SIZE}`);
    }
    this.compressRecords = options.compress ?? true;
    this.stats = options.stats;
    mkdirSync(dir, { recursive: true });
    this.segment = firstSegment;
    this.openSegment();
  }

  private openSegment(): void {
    this.fd = openSync(join(this.dir, segmentName(this.segment)), 'a');
    const size = fstatSync(this.fd).size;
    this.pageAlloc = size % WAL_PAGE_SIZE;
    this.donePages = Math.floor(size / WAL_PAGE_SIZE);
    if (this.stats !== undefined) this.stats.walSegmentCurrent = this.segment;
  }

  private get pagesPerSegment(): number {
    return this.segmentSize / WAL_PAGE_SIZE;
  }

  /**
   * Writes the records (each a complete record: type byte + payload) with one write call. On a write error the
   * segment is left as is (a torn tail is repaired on the next open) and the error is thrown.
   */
  log(records: readonly Uint8Array[]): void {
    if (this.closed) throw new StorageError('closed', 'WAL is closed');
    const out = this.out.reset();
    const segment = this.segment;
    const pageAlloc = this.pageAlloc;
    const donePages = this.donePages;
    try {
      for (const rec of records) this.addRecord(rec);
      this.flushOut();
    } catch (err) {
      if (this.stats !== undefined) this.stats.walWritesFailedTotal++;
      // Leave no torn record behind for later writes to follow: cut back to where this call started.
      if (this.segment === segment) {
        try {
          ftruncateSync(this.fd, donePages * WAL_PAGE_SIZE + pageAlloc);
          this.pageAlloc = pageAlloc;
          this.donePages = donePages;
        } catch {
          // The next open repairs the tail.
        }
      }
      if (err instanceof StorageError) throw err;
      throw new StorageError('io', `WAL write to segment ${segmentName(this.segment)} failed: ${(err as Error).message}`, { cause: err });
    } finally {
      out.reset();
    }
  }

  private addRecord(raw: Uint8Array): void {
    let rec = raw;
    let flag = 0;
    if (this.compressRecords && raw.length > 0) {
      const need = maxCompressedLength(raw.length);
      if (this.zbuf.length < need) this.zbuf = new Uint8Array(Math.max(need, this.zbuf.length * 2));
      const n = compress(raw, raw.length, this.zbuf);
      if (n < raw.length) {
        rec = this.zbuf.subarray(0, n);
        flag = FLAG_SNAPPY;
      }
    }
    // A record never crosses segments: start a new one when it does not fit in what is left.
    let left = WAL_PAGE_SIZE - this.pageAlloc - WAL_FRAGMENT_HEADER;
    left += (WAL_PAGE_SIZE - WAL_FRAGMENT_HEADER) * (this.pagesPerSegment - this.donePages - 1);
    if (rec.length > left) this.nextSegment();
    const out = this.out;
    let off = 0;
    for (let i = 0; i === 0 || off < rec.length; i++) {
      const room = WAL_PAGE_SIZE - this.pageAlloc - WAL_FRAGMENT_HEADER;
      const partLen = Math.min(rec.length - off, room);
      const end = off + partLen;
      const kind = i === 0 ? (end === rec.length ? FRAGMENT_FULL : FRAGMENT_FIRST) : end === rec.length ? FRAGMENT_LAST : FRAGMENT_MIDDLE;
      out.u8(kind | flag).be16(partLen).be32(crc32c(rec, off, end)).bytes(rec.subarray(off, end));
      this.pageAlloc += WAL_FRAGMENT_HEADER + partLen;
      off = end;
      if (WAL_PAGE_SIZE - this.pageAlloc < WAL_FRAGMENT_HEADER) this.finishPage();
    }
  }

  /** Zero-fills the rest of the current page. */
  private finishPage(): void {
    const pad = WAL_PAGE_SIZE - this.pageAlloc;
    if (pad > 0 && pad < WAL_PAGE_SIZE) {
      this.out.reserve(pad);
      for (let i = 0; i < pad; i++) this.out.u8(0);
    }
    this.pageAlloc = 0;
    this.donePages++;
  }

  private flushOut(): void {
    const bytes = this.out.bytesView();
    let off = 0;
    while (off < bytes.length) off += writeSync(this.fd, bytes, off, bytes.length - off);
    this.out.reset();
  }

  /** Finishes the current segment (padded, fsynced) and opens the next. */
  nextSegment(): void {
    if (this.pageAlloc > 0) this.finishPage();
    this.flushOut();
    this.syncFd();
    closeSync(this.fd);
    this.segment++;
    this.openSegment();
  }

  private syncFd(): void {
    fsyncSync(this.fd);
    if (this.stats !== undefined) this.stats.walFsyncsTotal++;
  }

  /** fsyncs what was written so far. */
  sync(): void {
    if (!this.closed) this.syncFd();
  }

  /** Pads the current page, fsyncs and closes. */
  close(): void {
    if (this.closed) return;
    if (this.pageAlloc > 0) this.finishPage();
    this.flushOut();
    this.syncFd();
    closeSync(this.fd);
    this.closed = true;
  }
}
