// An opened block: index, chunk segments and tombstones of one block directory, served as a Queryable.

import { statSync } from 'node:fs';
import { join } from 'node:path';
import { compareStrings } from '../model/labels.js';
import type { Labels } from '../model/labels.js';
import type { Matcher } from '../model/matcher.js';
import type { Querier, SampleIterator, Series, SeriesSet } from '../storage/queryable.js';
import { StorageError } from '../storage/storage-error.js';
import type { Block } from './block.js';
import type { BlockMeta } from './block-meta.js';
import { readBlockMeta, writeBlockMeta } from './block-meta.js';
import { BlockSeriesIterator } from './block-series-iterator.js';
import type { ChunkAccess } from './chunk-segments.js';
import { ChunkSegmentReader } from './chunk-segments.js';
import { IndexReader } from './index-reader.js';
import type { ChunkMeta } from './index-writer.js';
import { postingsForMatchers } from './postings-for-matchers.js';
import { coveredBy, Tombstones } from './tombstones.js';

export interface OpenBlockOptions {
  /** How chunk bytes are read (default `pread`: a positioned read per chunk, no segment held in memory). */
  chunkAccess?: ChunkAccess;
  /** Also check every chunk's CRC at open (reads all chunk files once). Default false. */
  verifyChunks?: boolean;
  /**
   * Check every series entry and postings list CRC of the index at open (default true). Without it only the
   * TOC, symbol table and postings offset table are checked up front; the rest is checked when read.
   */
  verifyIndex?: boolean;
}

/** Opens the block in `dir`; StorageError('corruption') when any part of it fails its checks. */
export function openBlock(dir: string, options: OpenBlockOptions = {}): BlockReader {
  return new BlockReader(dir, options);
}

export class BlockReader implements Block {
  readonly dir: string;
  meta: BlockMeta;
  readonly index: IndexReader;
  readonly chunks: ChunkSegmentReader;
  tombstones: Tombstones;

  constructor(dir: string, options: OpenBlockOptions = {}) {
    this.dir = dir;
    this.meta = readBlockMeta(dir);
    this.index = new IndexReader(join(dir, 'index'), { verify: options.verifyIndex !== false });
    this.chunks = new ChunkSegmentReader(dir, options.chunkAccess ?? 'pread');
    try {
      this.tombstones = Tombstones.read(dir);
      if (options.verifyChunks === true) {
        this.chunks.verifyAll();
        this.chunks.release();
      }
    } catch (err) {
      this.chunks.close();
      throw err;
    }
  }

  get ulid(): string {
    return this.meta.ulid;
  }

  size(): number {
    const fileSize = (name: string): number => {
      try {
        return statSync(join(this.dir, name)).size;
      } catch {
        return 0;
      }
    };
    return this.index.size() + this.chunks.size() + fileSize('tombstones') + fileSize('meta.json');
  }

  querier(mint: number, maxt: number): Querier {
    return new BlockQuerier(this, mint, maxt);
  }

  /** The series IDs matching every matcher, ascending (= in label order). */
  postings(matchers: readonly Matcher[]): Uint32Array {
    return postingsForMatchers(this.index, matchers);
  }

  delete(matchers: readonly Matcher[], mint: number, maxt: number): number {
    const ids = this.postings(matchers);
    let affected = 0;
    for (const id of ids) {
      const { chunks } = this.index.series(id);
      const first = chunks[0];
      const last = chunks[chunks.length - 1];
      if (first === undefined || last === undefined || last.maxt < mint || first.mint > maxt) continue;
      // Clamp to the series' own samples, as Prometheus does for unbounded deletes.
      this.tombstones.add(id, Math.max(mint, first.mint), Math.min(maxt, last.maxt));
      affected++;
    }
    if (affected > 0) {
      this.tombstones.write(this.dir);
      this.meta = { ...this.meta, stats: { ...this.meta.stats, numTombstones: this.tombstones.count() } };
      writeBlockMeta(this.dir, this.meta);
    }
    return affected;
  }

  /** Records in meta.json that compacting this block failed, so the planner leaves it out of range compactions. */
  markCompactionFailed(): void {
    this.meta = { ...this.meta, compaction: { ...this.meta.compaction, failed: true } };
    writeBlockMeta(this.dir, this.meta);
  }

  /** Removes every tombstone (after their samples were rewritten away). */
  clearTombstones(): void {
    this.tombstones = new Tombstones();
    this.tombstones.write(this.dir);
    this.meta = { ...this.meta, stats: { ...this.meta.stats, numTombstones: 0 } };
    writeBlockMeta(this.dir, this.meta);
  }

  /** Chunks of series `id` that overlap [mint, maxt] and are not entirely deleted. */
  liveChunks(id: number, chunks: readonly ChunkMeta[], mint: number, maxt: number): ChunkMeta[] {
    const deleted = this.tombstones.get(id);
    const out: ChunkMeta[] = [];
    for (const c of chunks) {
      if (c.maxt < mint || c.mint > maxt) continue;
      if (deleted !== undefined && coveredBy(deleted, c.mint, c.maxt)) continue;
      out.push(c);
    }
    return out;
  }

  /** A sample iterator over `chunks` of series `id` within [mint, maxt], tombstones applied. */
  iterator(id: number, chunks: readonly ChunkMeta[], mint: number, maxt: number): SampleIterator {
    return new BlockSeriesIterator(this.chunks, chunks, mint, maxt, this.tombstones.get(id), this.dir);
  }

  close(): void {
    this.chunks.close();
  }
}

class BlockSeries implements Series {
  readonly labels: Labels;
  private readonly block: BlockReader;
  private readonly id: number;
  private readonly chunks: ChunkMeta[];
  private readonly mint: number;
  private readonly maxt: number;

  constructor(block: BlockReader, id: number, labels: Labels, chunks: ChunkMeta[], mint: number, maxt: number) {
    this.block = block;
    this.id = id;
    this.labels = labels;
    this.chunks = chunks;
    this.mint = mint;
    this.maxt = maxt;
  }

  iterator(): SampleIterator {
    return this.block.iterator(this.id, this.chunks, this.mint, this.maxt);
  }
}

class BlockSeriesSet implements SeriesSet {
  private readonly block: BlockReader;
  private readonly ids: Uint32Array;
  private readonly mint: number;
  private readonly maxt: number;
  private i = -1;
  private cur: Series | undefined;
  private error: Error | undefined;

  constructor(block: BlockReader, ids: Uint32Array, mint: number, maxt: number) {
    this.block = block;
    this.ids = ids;
    this.mint = mint;
    this.maxt = maxt;
  }

  next(): boolean {
    while (++this.i < this.ids.length) {
      const id = this.ids[this.i] as number;
      try {
        const s = this.block.index.series(id);
        const live = this.block.liveChunks(id, s.chunks, this.mint, this.maxt);
        if (live.length === 0) continue;
        this.cur = new BlockSeries(this.block, id, s.labels, live, this.mint, this.maxt);
        return true;
      } catch (err) {
        this.error = err instanceof Error ? err : new Error(String(err));
        this.i = this.ids.length;
        return false;
      }
    }
    return false;
  }

  at(): Series {
    if (this.cur === undefined) throw new StorageError('closed', 'SeriesSet.at() called before next()');
    return this.cur;
  }

  err(): Error | undefined {
    return this.error;
  }

  warnings(): readonly string[] {
    return [];
  }
}

/** Reads one block within [mint, maxt]. Series come in label order whether or not `sorted` is asked. */
export class BlockQuerier implements Querier {
  private readonly block: BlockReader;
  private readonly mint: number;
  private readonly maxt: number;

  constructor(block: BlockReader, mint: number, maxt: number) {
    this.block = block;
    this.mint = mint;
    this.maxt = maxt;
  }

  select(matchers: readonly Matcher[]): SeriesSet {
    let ids: Uint32Array;
    try {
      ids = this.block.postings(matchers);
    } catch (err) {
      return errorSeriesSet(err instanceof Error ? err : new Error(String(err)));
    }
    return new BlockSeriesSet(this.block, ids, this.mint, this.maxt);
  }

  labelNames(matchers?: readonly Matcher[]): string[] {
    if (matchers === undefined || matchers.length === 0) return this.block.index.labelNames().sort(compareStrings);
    const names = new Set<string>();
    for (const id of this.block.postings(matchers)) for (const n of this.block.index.series(id).labels.names()) names.add(n);
    return [...names].sort(compareStrings);
  }

  labelValues(name: string, matchers?: readonly Matcher[]): string[] {
    if (matchers === undefined || matchers.length === 0) return [...this.block.index.labelValues(name)];
    const values = new Set<string>();
    for (const id of this.block.postings(matchers)) {
      const v = this.block.index.series(id).labels.get(name);
      if (v !== '') values.add(v);
    }
    return [...values].sort(compareStrings);
  }

  close(): void {
    // Nothing per querier: the block owns the files.
  }
}

export function errorSeriesSet(e: Error): SeriesSet {
  return {
    next: () => false,
    at: () => {
      throw e;
    },
    err: () => e,
    warnings: () => [],
  };
}
