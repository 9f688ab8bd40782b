// Iterates the samples of one block series over its chunks, within the querier's range, skipping tombstones.

import type { SampleIterator } from '../storage/queryable.js';
import { StorageError } from '../storage/storage-error.js';
import type { ChunkSegmentReader } from './chunk-segments.js';
import type { ChunkMeta } from './index-writer.js';
import { isDeleted } from './tombstones.js';
import { ENCODING_XOR, XorIterator } from './xor-chunk.js';

export class BlockSeriesIterator implements SampleIterator {
  private readonly chunks: ChunkSegmentReader;
  private readonly metas: readonly ChunkMeta[];
  private readonly mint: number;
  private readonly maxt: number;
  private readonly deleted: readonly number[] | undefined;
  private readonly what: string;
  private readonly xor = new XorIterator();
  private idx = -1;
  private open = false;
  private cur = false;
  private error: Error | undefined;

  /** `metas` are the series' chunks overlapping [mint, maxt]; `deleted` its tombstone intervals (flat pairs). */
  constructor(chunks: ChunkSegmentReader, metas: readonly ChunkMeta[], mint: number, maxt: number, deleted: readonly number[] | undefined, what: string) {
    this.chunks = chunks;
    this.metas = metas;
    this.mint = mint;
    this.maxt = maxt;
    this.deleted = deleted;
    this.what = what;
  }

  next(): boolean {
    this.cur = this.advance();
    return this.cur;
  }

  private advance(): boolean {
    for (;;) {
      if (this.open && this.xor.next()) {
        if (this.deleted !== undefined && isDeleted(this.deleted, this.xor.atT())) continue;
        return true;
      }
      if (this.open) {
        const e = this.xor.err();
        if (e !== undefined) return this.fail(e);
      }
      if (!this.nextChunk(-Infinity)) return false;
    }
  }

  seek(t: number): boolean {
    if (this.cur && this.xor.atT() >= t) return true;
    if (this.error !== undefined) return false;
    // Skip whole chunks that end before t.
    if (!this.open || (this.metas[this.idx] as ChunkMeta).maxt < t) {
      if (!this.nextChunk(t)) return (this.cur = false);
    }
    while (this.next()) if (this.xor.atT() >= t) return true;
    return false;
  }

  atT(): number {
    return this.xor.atT();
  }

  atV(): number {
    return this.xor.atV();
  }

  err(): Error | undefined {
    return this.error;
  }

  /** Opens the next chunk whose maxt >= minT; false at the end or on error. */
  private nextChunk(minT: number): boolean {
    this.open = false;
    if (this.error !== undefined) return false;
    for (;;) {
      this.idx++;
      const m = this.metas[this.idx];
      if (m === undefined) return false;
      if (m.maxt < minT) continue;
      try {
        const c = this.chunks.chunk(m.ref);
        if (c.encoding !== ENCODING_XOR) {
          return this.fail(new StorageError('corruption', `${this.what}: chunk ${m.ref} has unsupported chunk encoding ${c.encoding}`));
        }
        this.xor.reset(c.bytes, 0, c.bytes.length, this.mint, this.maxt);
      } catch (err) {
        return this.fail(err instanceof Error ? err : new Error(String(err)));
      }
      this.open = true;
      return true;
    }
  }

  private fail(e: Error): false {
    this.error = e;
    this.open = false;
    this.idx = this.metas.length;
    return false;
  }
}
