// The blocks API: what the DB (head compaction, serving queries, retention) uses from the persisted blocks.
//
// A block is a directory `<ULID>/` in Prometheus's format: meta.json, index (v2), chunks/000001…, tombstones.
// Everything here is synchronous file work meant to run off the scrape path (the DB runs compaction in a
// worker thread); reads of chunk bytes are lazy.
//
//   writeBlock(parentDir, input: BlockInput, options?) → ulid                 (block-writer.ts)
//       Writes `<parentDir>/<ulid>.tmp-for-creation/`, fsyncs, renames to `<parentDir>/<ulid>`.
//       Level-1 block unless `options.compaction` says otherwise. Series may come in any order (sorted by
//       labels → chunks are written in index order, as Prometheus does); chunks of a series in time order,
//       not overlapping, inside [mint, maxt). Chunk bytes are the encoding-1 (XOR) payload from xor-chunk.ts.
//   openBlock(dir, { chunkAccess: 'pread' | 'buffer', verifyChunks, verifyIndex }) → BlockReader (block-reader.ts)
//       Checks meta.json, every index CRC (verifyIndex, default on) and the chunk file headers (every chunk CRC
//       with verifyChunks); throws StorageError('corruption') naming the file.
//   openBlocks(dataDir, options?) → { blocks, corrupted }                     (block-dir.ts)
//       Every ULID-named directory, sorted by minTime; a corrupt block is set aside (log line, counted in
//       blockDirCounters), the rest are opened. Removes leftover `*.tmp-for-creation` / `*.tmp-for-deletion` dirs.
//   blocksQuerier(blocks, mint, maxt) → Querier                               (block-dir.ts)
//       Merges the series of several blocks (overlapping blocks: samples merged, the older block wins ties).
//   compactBlocks(parentDir, blocks, options?) → ulid | undefined             (compactor.ts)
//       Merges blocks into one new block (level = max + 1, sources, parents); copies chunks that need no
//       change, re-encodes overlapping or partly deleted ones. undefined when nothing is left (all deleted).
//   compactAndReplace(blocks) / runCompaction(blocks, ranges, open) / cleanTombstones(block)   (compactor.ts)
//       Publish the new block, then close and delete the inputs; a failed compaction marks its inputs
//       `compaction.failed` (never planned again) and throws.
//   compactInWorker(parentDir, dirs, signal) / runCompactionInWorker(blocks, ranges, signal)  (compaction-worker.ts)
//       The same, with the CPU work in a worker thread (what the DB should use), abortable.
//   planCompaction(blocks, ranges) → dirs to compact                          (compaction-planner.ts)
//   exponentialBlockRanges(2h, 10, 3), blockRanges(retentionMs, maxBlockDurationMs?)
//   blocksBeyondRetention(blocks, { retentionMs, maxBytes, extraBytes }) / applyRetention(...)   (retention.ts)
//   deleteBlockDir(dir): rename to `.tmp-for-deletion`, then remove.                           (block-dir.ts)

import type { Labels } from '../model/labels.js';
import type { Matcher } from '../model/matcher.js';
import type { Queryable, Querier } from '../storage/queryable.js';
import type { BlockMeta } from './block-meta.js';

/** One chunk to write: inclusive time bounds of its samples and its encoded payload. */
export interface ChunkData {
  mint: number;
  maxt: number;
  /** The chunk payload without length, encoding byte or CRC (for XOR: BE16 sample count + bit stream). */
  bytes: Uint8Array;
  /** Chunk encoding byte; 1 (XOR) when absent. */
  encoding?: number;
}

export interface SeriesData {
  labels: Labels;
  /** In time order, not overlapping. A series without chunks is left out of the block. */
  chunks: readonly ChunkData[];
}

export interface BlockInput {
  /** Inclusive start of the block's range (ms). */
  mint: number;
  /** Exclusive end of the block's range (ms). */
  maxt: number;
  series: Iterable<SeriesData>;
}

/** An opened block. Queriers read chunk bytes lazily; `close()` releases file handles and buffers. */
export interface Block extends Queryable {
  readonly dir: string;
  readonly meta: BlockMeta;
  querier(mint: number, maxt: number): Querier;
  /** Bytes on disk as promtool counts them: index + chunk files + tombstones + meta.json. */
  size(): number;
  /**
   * Marks the samples of matching series within [mint, maxt] deleted (tombstones file rewritten atomically,
   * meta.json's numTombstones updated). Returns the number of series affected.
   */
  delete(matchers: readonly Matcher[], mint: number, maxt: number): number;
  close(): void;
}
