// Compaction: merges blocks into one new block, then replaces them. Chunks are copied as they are unless
// they overlap other chunks of the same series or are partly deleted; only those runs are re-encoded.

import { dirname, join } from 'node:path';
import { compareLabels, compareStrings } from '../model/labels.js';
import type { Labels } from '../model/labels.js';
import type { SampleIterator } from '../storage/queryable.js';
import type { ChunkData, SeriesData } from './block.js';
import type { BlockCompaction } from './block-meta.js';
import { deleteBlockDir } from './block-dir.js';
import type { BlockReader } from './block-reader.js';
import { writeBlock } from './block-writer.js';
import { ChunkBuilder, SAMPLES_PER_CHUNK } from './chunk-builder.js';
import type { ChunkMeta } from './index-writer.js';
import { MergeSampleIterator } from './merge-series-set.js';
import { planCompaction } from './compaction-planner.js';
import { coveredBy } from './tombstones.js';

export interface CompactOptions {
  /** ULID of the new block (tests); fresh by default. */
  ulid?: string;
  /** Compaction metadata of the result; by default level max+1, sources united, parents = the inputs. */
  compaction?: BlockCompaction;
  /** Samples per re-encoded chunk (default 120). */
  samplesPerChunk?: number;
}

/** What one compaction did, for logs and metrics. */
export interface CompactStats {
  copiedChunks: number;
  reencodedChunks: number;
}

/**
 * Writes the merge of `blocks` as a new block in `parentDir` and returns its ULID, or undefined when no
 * sample is left (everything deleted). The inputs are untouched; see `compactAndReplace` to swap them out.
 */
export function compactBlocks(parentDir: string, blocks: readonly BlockReader[], options: CompactOptions = {}, stats?: CompactStats): string | undefined {
  if (blocks.length === 0) return undefined;
  const mint = Math.min(...blocks.map((b) => b.meta.minTime));
  const maxt = Math.max(...blocks.map((b) => b.meta.maxTime));
  const sorted = [...blocks].sort((a, b) => a.meta.minTime - b.meta.minTime);
  const compaction: BlockCompaction = options.compaction ?? {
    level: Math.max(...blocks.map((b) => b.meta.compaction.level)) + 1,
    sources: [...new Set(blocks.flatMap((b) => b.meta.compaction.sources))].sort(compareStrings),
    parents: sorted.map((b) => ({ ulid: b.meta.ulid, minTime: b.meta.minTime, maxTime: b.meta.maxTime })),
  };
  const st = stats ?? { copiedChunks: 0, reencodedChunks: 0 };
  let any = false;
  const series = function* (): Generator<SeriesData> {
    for (const s of mergedSeries(sorted, options.samplesPerChunk ?? SAMPLES_PER_CHUNK, st)) {
      any = true;
      yield s;
    }
  };
  const writeOptions = { compaction, ...(options.ulid !== undefined ? { ulid: options.ulid } : {}) };
  const ulid = writeBlock(parentDir, { mint, maxt, series: series() }, writeOptions);
  if (!any) {
    deleteBlockDir(join(parentDir, ulid));
    return undefined;
  }
  return ulid;
}

/**
 * Compacts `blocks` (all in one data directory) into a new block, then closes and deletes the inputs.
 * The new block is published (atomic rename) before any input is removed. When the compaction fails (e.g. a
 * corrupt chunk), the inputs stay, are marked `compaction.failed` in their meta.json, and the error is thrown.
 */
export function compactAndReplace(blocks: readonly BlockReader[], options: CompactOptions = {}): { created: string | undefined; deleted: string[] } {
  const first = blocks[0];
  if (first === undefined) return { created: undefined, deleted: [] };
  const parentDir = dirname(first.dir);
  let created: string | undefined;
  try {
    created = compactBlocks(parentDir, blocks, options);
  } catch (err) {
    // As Prometheus does: mark the inputs so that the planner stops choosing them again and again.
    for (const b of blocks) b.markCompactionFailed();
    throw err;
  }
  const deleted: string[] = [];
  for (const b of blocks) {
    b.close();
    deleteBlockDir(b.dir);
    deleted.push(b.meta.ulid);
  }
  return { created, deleted };
}

/**
 * Rewrites a block without the samples its tombstones delete (same level and sources, the old block as parent),
 * then deletes the old one. Returns the new ULID (undefined when nothing is left).
 */
export function cleanTombstones(block: BlockReader): string | undefined {
  const m = block.meta;
  const { created } = compactAndReplace([block], {
    compaction: { level: m.compaction.level, sources: m.compaction.sources, parents: [{ ulid: m.ulid, minTime: m.minTime, maxTime: m.maxTime }] },
  });
  return created;
}

interface Cursor {
  block: BlockReader;
  order: number;
  ids: Uint32Array;
  pos: number;
  labels: Labels | undefined;
  chunks: ChunkMeta[];
}

function advance(c: Cursor): void {
  c.labels = undefined;
  while (c.pos < c.ids.length) {
    const s = c.block.index.series(c.ids[c.pos++] as number);
    c.labels = s.labels;
    c.chunks = s.chunks;
    return;
  }
}

interface SourceChunk {
  block: BlockReader;
  /** Position of the block in minTime order: at equal timestamps the earlier block's sample wins. */
  order: number;
  id: number;
  meta: ChunkMeta;
  /** True when a tombstone deletes part of the chunk. */
  partial: boolean;
}

/** The merged series of `blocks` (sorted by minTime), in label order, with their output chunks. */
function* mergedSeries(blocks: readonly BlockReader[], samplesPerChunk: number, st: CompactStats): Generator<SeriesData> {
  const cursors: Cursor[] = blocks.map((block, order) => ({ block, order, ids: block.index.allPostings(), pos: 0, labels: undefined, chunks: [] }));
  for (const c of cursors) advance(c);
  for (;;) {
    let min: Labels | undefined;
    for (const c of cursors) if (c.labels !== undefined && (min === undefined || compareLabels(c.labels, min) < 0)) min = c.labels;
    if (min === undefined) return;
    const sources: SourceChunk[] = [];
    for (const c of cursors) {
      if (c.labels === undefined || compareLabels(c.labels, min) !== 0) continue;
      const id = c.ids[c.pos - 1] as number;
      const deleted = c.block.tombstones.get(id);
      for (const meta of c.chunks) {
        if (deleted !== undefined && coveredBy(deleted, meta.mint, meta.maxt)) continue;
        const partial = deleted !== undefined && overlapsAny(deleted, meta.mint, meta.maxt);
        sources.push({ block: c.block, order: c.order, id, meta, partial });
      }
      advance(c);
    }
    const chunks = outputChunks(sources, samplesPerChunk, st);
    if (chunks.length > 0) yield { labels: min, chunks };
  }
}

function overlapsAny(intervals: readonly number[], mint: number, maxt: number): boolean {
  for (let i = 0; i < intervals.length; i += 2) if ((intervals[i] as number) <= maxt && mint <= (intervals[i + 1] as number)) return true;
  return false;
}

/** Copies chunks that stand alone; merges and re-encodes runs of overlapping (or partly deleted) chunks. */
function outputChunks(sources: SourceChunk[], samplesPerChunk: number, st: CompactStats): ChunkData[] {
  sources.sort((a, b) => a.meta.mint - b.meta.mint);
  const out: ChunkData[] = [];
  let i = 0;
  while (i < sources.length) {
    // A run: chunks overlapping the first one, transitively.
    let j = i + 1;
    let runMaxt = (sources[i] as SourceChunk).meta.maxt;
    while (j < sources.length && (sources[j] as SourceChunk).meta.mint <= runMaxt) {
      runMaxt = Math.max(runMaxt, (sources[j] as SourceChunk).meta.maxt);
      j++;
    }
    const run = sources.slice(i, j);
    const only = run[0] as SourceChunk;
    if (run.length === 1 && !only.partial) {
      const c = only.block.chunks.chunk(only.meta.ref);
      out.push({ mint: only.meta.mint, maxt: only.meta.maxt, bytes: c.bytes, encoding: c.encoding });
      st.copiedChunks++;
    } else {
      run.sort((a, b) => a.order - b.order);
      const its: SampleIterator[] = run.map((s) => s.block.iterator(s.id, [s.meta], -Infinity, Infinity));
      const merged = new MergeSampleIterator(its);
      const b = new ChunkBuilder(samplesPerChunk);
      while (merged.next()) b.append(merged.atT(), merged.atV());
      const e = merged.err();
      if (e !== undefined) throw e;
      const built = b.finish();
      st.reencodedChunks += built.length;
      out.push(...built);
    }
    i = j;
  }
  return out;
}

/**
 * Compacts the blocks of one data directory until the planner finds nothing more to do. `blocks` is updated
 * in place (inputs removed, results opened). Returns what was created and deleted, in order.
 */
export function runCompaction(blocks: BlockReader[], ranges: readonly number[], open: (dir: string) => BlockReader): { created: string[]; deleted: string[] } {
  const created: string[] = [];
  const deleted: string[] = [];
  for (;;) {
    const plan = planCompaction(blocks, ranges);
    if (plan.length === 0) return { created, deleted };
    const chosen = blocks.filter((b) => plan.includes(b.dir));
    const parentDir = dirname((chosen[0] as BlockReader).dir);
    const r = compactAndReplace(chosen);
    for (const b of chosen) blocks.splice(blocks.indexOf(b), 1);
    deleted.push(...r.deleted);
    if (r.created !== undefined) {
      created.push(r.created);
      blocks.push(open(join(parentDir, r.created)));
    }
  }
}
