// The blocks of a data directory: finding and opening them (setting corrupt ones aside), querying them
// together, and removing blocks safely.

import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Matcher } from '../model/matcher.js';
import { compareStrings } from '../model/labels.js';
import type { Querier, SeriesSet } from '../storage/queryable.js';
import { StorageError } from '../storage/storage-error.js';
import type { OpenBlockOptions } from './block-reader.js';
import { BlockReader } from './block-reader.js';
import { TMP_FOR_CREATION, TMP_FOR_DELETION } from './block-writer.js';
import { MergeSeriesSet } from './merge-series-set.js';
import { isUlid } from './ulid.js';

export interface CorruptBlock {
  dir: string;
  error: StorageError;
}

export interface OpenBlocksOptions extends OpenBlockOptions {
  /** Where to say that a block was set aside (one line per block). Default: nowhere. */
  log?: (line: string) => void;
  /** Remove leftover `<ULID>.tmp-for-creation` / `.tmp-for-deletion` directories (default true). */
  cleanup?: boolean;
}

/** Counts of what `openBlocks` found, for metrics. Process-wide, monotonic. */
export const blockDirCounters = { corruptedBlocks: 0 };

/** ULID-named block directories of `dataDir` (unsorted). */
export function blockDirs(dataDir: string): string[] {
  if (!existsSync(dataDir)) return [];
  return readdirSync(dataDir)
    .filter((n) => isUlid(n) && statSync(join(dataDir, n)).isDirectory())
    .map((n) => join(dataDir, n));
}

/**
 * Opens every block of `dataDir`, sorted by minTime. A block that fails to open (bad meta.json, index or
 * chunk files) is set aside: it is reported in `corrupted`, logged and counted, and the others are served.
 */
export function openBlocks(dataDir: string, options: OpenBlocksOptions = {}): { blocks: BlockReader[]; corrupted: CorruptBlock[] } {
  if (options.cleanup !== false && existsSync(dataDir)) removeLeftovers(dataDir);
  const blocks: BlockReader[] = [];
  const corrupted: CorruptBlock[] = [];
  for (const dir of blockDirs(dataDir)) {
    try {
      blocks.push(new BlockReader(dir, options));
    } catch (err) {
      const error = err instanceof StorageError ? err : new StorageError('corruption', `${dir}: ${(err as Error).message}`, { cause: err });
      corrupted.push({ dir, error });
      blockDirCounters.corruptedBlocks++;
      options.log?.(`level=error component=tsdb msg="block set aside" block=${dir} code=${error.code} err=${JSON.stringify(error.message)}`);
    }
  }
  blocks.sort((a, b) => a.meta.minTime - b.meta.minTime || compareStrings(a.meta.ulid, b.meta.ulid));
  return { blocks, corrupted };
}

/** Removes `<ULID>.tmp-for-creation` and `<ULID>.tmp-for-deletion` directories left by an interrupted run. */
export function removeLeftovers(dataDir: string): void {
  for (const n of readdirSync(dataDir)) {
    for (const ext of [TMP_FOR_CREATION, TMP_FOR_DELETION, '.tmp']) {
      if (n.endsWith(ext) && isUlid(n.slice(0, -ext.length))) rmSync(join(dataDir, n), { recursive: true, force: true });
    }
  }
}

/** Deletes a block directory: first renamed to `.tmp-for-deletion` (so a crash never leaves half a block), then removed. */
export function deleteBlockDir(dir: string): void {
  const tmp = dir + TMP_FOR_DELETION;
  renameSync(dir, tmp);
  rmSync(tmp, { recursive: true, force: true });
}

/** One querier over several blocks (any order, may overlap), series merged by labels. */
export function blocksQuerier(blocks: readonly BlockReader[], mint: number, maxt: number): Querier {
  const chosen = blocks.filter((b) => b.meta.minTime <= maxt && b.meta.maxTime > mint).sort((a, b) => a.meta.minTime - b.meta.minTime);
  const queriers = chosen.map((b) => b.querier(mint, maxt));
  return {
    select(matchers: readonly Matcher[]): SeriesSet {
      return new MergeSeriesSet(queriers.map((q) => q.select(matchers)));
    },
    labelNames(matchers?: readonly Matcher[]): string[] {
      return mergeSorted(queriers.map((q) => q.labelNames(matchers)));
    },
    labelValues(name: string, matchers?: readonly Matcher[]): string[] {
      return mergeSorted(queriers.map((q) => q.labelValues(name, matchers)));
    },
    close(): void {
      for (const q of queriers) q.close();
    },
  };
}

function mergeSorted(lists: string[][]): string[] {
  const set = new Set<string>();
  for (const l of lists) for (const s of l) set.add(s);
  return [...set].sort(compareStrings);
}
