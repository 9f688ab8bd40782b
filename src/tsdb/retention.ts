// Which blocks retention removes: by time (relative to the newest block's end) and by total size, oldest first.

import type { BlockMeta } from './block-meta.js';
import { deleteBlockDir } from './block-dir.js';
import type { BlockReader } from './block-reader.js';

export interface RetainedBlock {
  meta: BlockMeta;
  size(): number;
}

export interface RetentionOptions {
  /** Keep blocks whose end is within this many ms of the newest block's end; 0 or absent: no time limit. */
  retentionMs?: number;
  /** Most bytes the blocks (plus `extraBytes`) may take; 0 or absent: no size limit. */
  maxBytes?: number;
  /** Bytes counted before the blocks (the DB passes its WAL and head chunk files). */
  extraBytes?: number;
}

/** The ULIDs of blocks to delete, oldest last; each block is reported once with the first reason that applies. */
export function blocksBeyondRetention(blocks: readonly RetainedBlock[], options: RetentionOptions): Map<string, 'time' | 'size'> {
  const out = new Map<string, 'time' | 'size'>();
  const newestFirst = [...blocks].sort((a, b) => b.meta.maxTime - a.meta.maxTime);
  const newest = newestFirst[0];
  if (newest === undefined) return out;
  const retention = options.retentionMs ?? 0;
  if (retention > 0) {
    for (let i = 1; i < newestFirst.length; i++) {
      if (newest.meta.maxTime - (newestFirst[i] as RetainedBlock).meta.maxTime > retention) {
        for (const b of newestFirst.slice(i)) out.set(b.meta.ulid, 'time');
        break;
      }
    }
  }
  const maxBytes = options.maxBytes ?? 0;
  if (maxBytes > 0) {
    let total = options.extraBytes ?? 0;
    for (let i = 0; i < newestFirst.length; i++) {
      total += (newestFirst[i] as RetainedBlock).size();
      if (total > maxBytes) {
        for (const b of newestFirst.slice(i)) if (!out.has(b.meta.ulid)) out.set(b.meta.ulid, 'size');
        break;
      }
    }
  }
  return out;
}

/** Closes and deletes the blocks retention removes; `blocks` is updated in place. Returns the deleted ULIDs with their reason. */
export function applyRetention(blocks: BlockReader[], options: RetentionOptions): Map<string, 'time' | 'size'> {
  const doomed = blocksBeyondRetention(blocks, options);
  for (const ulid of doomed.keys()) {
    const i = blocks.findIndex((b) => b.meta.ulid === ulid);
    const b = blocks[i] as BlockReader;
    b.close();
    deleteBlockDir(b.dir);
    blocks.splice(i, 1);
  }
  return doomed;
}
