// Writes a block directory (meta.json, index, chunks/, tombstones) and publishes it atomically.
//
// Everything goes to `<parentDir>/<ulid>.tmp-for-creation/`; files and the directory are fsynced, then the
// directory is renamed to `<parentDir>/<ulid>`. A failure removes the temporary directory.

import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { compareLabels } from '../model/labels.js';
import { StorageError } from '../storage/storage-error.js';
import type { BlockInput } from './block.js';
import type { BlockCompaction, BlockMeta } from './block-meta.js';
import { writeBlockMeta } from './block-meta.js';
import { ChunkSegmentWriter, DEFAULT_SEGMENT_SIZE } from './chunk-segments.js';
import type { ChunkMeta, IndexSeries } from './index-writer.js';
import { writeIndex } from './index-writer.js';
import { Tombstones } from './tombstones.js';
import { newUlid } from './ulid.js';

export interface WriteBlockOptions {
  /** The new block's ULID; a fresh one (current time) by default. */
  ulid?: string;
  /** Compaction metadata; level 1 with the block itself as source by default. */
  compaction?: BlockCompaction;
  /** Chunk segment file size limit (Prometheus: 512 MiB). */
  segmentSize?: number;
}

export const TMP_FOR_CREATION = '.tmp-for-creation';
export const TMP_FOR_DELETION = '.tmp-for-deletion';

/** Writes `input` as a new block under `parentDir`; returns its ULID. See block.ts for the input contract. */
export function writeBlock(parentDir: string, input: BlockInput, options: WriteBlockOptions = {}): string {
  const ulid = options.ulid ?? newUlid();
  const tmp = join(parentDir, ulid + TMP_FOR_CREATION);
  const final = join(parentDir, ulid);
  mkdirSync(tmp, { recursive: true });
  const chunkWriter = new ChunkSegmentWriter(tmp, options.segmentSize ?? DEFAULT_SEGMENT_SIZE);
  try {
    const series: IndexSeries[] = [];
    let numSamples = 0;
    let numChunks = 0;
    let sorted = true;
    for (const s of input.series) {
      if (s.chunks.length === 0) continue;
      const metas: ChunkMeta[] = [];
      let prevMaxt = -Infinity;
      for (const c of s.chunks) {
        if (c.mint < input.mint || c.maxt >= input.maxt || c.maxt < c.mint || c.mint <= prevMaxt) {
          throw new StorageError(
            'out_of_bounds',
            `block ${ulid}: chunk [${c.mint}, ${c.maxt}] of ${s.labels.toString()} is outside [${input.mint}, ${input.maxt}) or overlaps the previous one`,
          );
        }
        prevMaxt = c.maxt;
        const ref = chunkWriter.write(c.encoding ?? 1, c.bytes);
        metas.push({ mint: c.mint, maxt: c.maxt, ref });
        numSamples += c.bytes.length >= 2 ? ((c.bytes[0] as number) << 8) | (c.bytes[1] as number) : 0;
        numChunks++;
      }
      const prev = series[series.length - 1];
      if (prev !== undefined && compareLabels(prev.labels, s.labels) >= 0) sorted = false;
      series.push({ labels: s.labels, chunks: metas });
    }
    chunkWriter.close();
    if (!sorted) series.sort((a, b) => compareLabels(a.labels, b.labels));
    writeIndex(join(tmp, 'index'), series);
    new Tombstones().write(tmp);
    const meta: BlockMeta = {
      ulid,
      minTime: input.mint,
      maxTime: input.maxt,
      stats: { numSamples, numSeries: series.length, numChunks, numTombstones: 0 },
      compaction: options.compaction ?? { level: 1, sources: [ulid] },
      version: 1,
    };
    writeBlockMeta(tmp, meta);
    syncDir(join(tmp, 'chunks'));
    syncDir(tmp);
    renameSync(tmp, final);
    syncDir(parentDir);
    return ulid;
  } catch (err) {
    chunkWriter.abandon();
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** fsync of a directory, so renames and new entries in it are durable. */
export function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
