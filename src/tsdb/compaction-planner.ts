// Which blocks to compact next, with Prometheus's leveled plan: overlapping blocks first, then the first
// time range (2h·3^k) whose blocks fill it, then a large block with many tombstones.

import type { BlockMeta } from './block-meta.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** `steps` ranges starting at `min`, each `stepSize` times the previous: (2h, 10, 3) → 2h, 6h, 18h, 54h, … */
export function exponentialBlockRanges(min: number, steps: number, stepSize: number): number[] {
  const out: number[] = [];
  let r = min;
  for (let i = 0; i < steps; i++) {
    out.push(r);
    r *= stepSize;
  }
  return out;
}

/**
 * The server's compaction ranges: 2h·3^k for k < 10, without those above the largest block duration,
 * which is `maxBlockDuration` when given, else 10% of the retention capped at 31 days (31 days without retention).
 */
export function blockRanges(retentionMs = 0, maxBlockDuration?: number): number[] {
  const limit = maxBlockDuration ?? (retentionMs > 0 ? Math.min(31 * DAY, retentionMs / 10) : 31 * DAY);
  const all = exponentialBlockRanges(2 * HOUR, 10, 3);
  const out = all.filter((r) => r <= limit);
  return out.length > 0 ? out : [2 * HOUR];
}

export interface PlannedBlock {
  dir: string;
  meta: BlockMeta;
}

/**
 * The dirs of the blocks to compact together next, or [] when nothing is due. `blocks` in any order.
 * The newest block (greatest minTime) is left alone unless it overlaps another, so a freshly cut block
 * stays as it is for a while (backups see it whole). Blocks marked `compaction.failed` are never chosen.
 */
export function planCompaction(blocks: readonly PlannedBlock[], ranges: readonly number[]): string[] {
  const sorted = [...blocks].sort((a, b) => a.meta.minTime - b.meta.minTime);
  // Blocks whose compaction failed (corrupt data) are not chosen again, overlapping or not.
  const overlapping = selectOverlapping(sorted.filter((b) => b.meta.compaction.failed !== true));
  if (overlapping.length > 0) return overlapping.map((b) => b.dir);
  const candidates = sorted.slice(0, -1);
  const byRange = selectByRange(candidates, ranges);
  if (byRange.length > 0) return byRange.map((b) => b.dir);
  // A block spanning at least the middle range whose tombstones exceed 5% of its series is rewritten alone.
  const mid = ranges[ranges.length >> 1] ?? Infinity;
  for (let i = candidates.length - 1; i >= 0; i--) {
    const m = (candidates[i] as PlannedBlock).meta;
    if (m.maxTime - m.minTime < mid) break;
    if (m.stats.numTombstones / (m.stats.numSeries + 1) > 0.05) return [(candidates[i] as PlannedBlock).dir];
  }
  return [];
}

/** The first run of blocks (sorted by minTime) that overlap in time. */
function selectOverlapping(sorted: readonly PlannedBlock[]): PlannedBlock[] {
  if (sorted.length < 2) return [];
  const out: PlannedBlock[] = [];
  let maxt = (sorted[0] as PlannedBlock).meta.maxTime;
  for (let i = 1; i < sorted.length; i++) {
    const b = sorted[i] as PlannedBlock;
    if (b.meta.minTime < maxt) {
      if (out.length === 0) out.push(sorted[i - 1] as PlannedBlock);
      out.push(b);
    } else if (out.length > 0) {
      break;
    }
    maxt = Math.max(maxt, b.meta.maxTime);
  }
  return out;
}

/**
 * For each range above the smallest: split the blocks into aligned windows of that range and return the
 * first window with more than one block that is either full (spans the whole range) or lies entirely before
 * the newest candidate's start. Blocks already larger than a window are skipped. Failed compactions excluded.
 */
function selectByRange(sorted: readonly PlannedBlock[], ranges: readonly number[]): PlannedBlock[] {
  if (ranges.length < 2 || sorted.length < 1) return [];
  const highTime = (sorted[sorted.length - 1] as PlannedBlock).meta.minTime;
  for (const range of ranges.slice(1)) {
    for (const group of splitByRange(sorted, range)) {
      if (group.some((b) => b.meta.compaction.failed === true)) continue;
      const mint = (group[0] as PlannedBlock).meta.minTime;
      const maxt = (group[group.length - 1] as PlannedBlock).meta.maxTime;
      if ((maxt - mint === range || maxt <= highTime) && group.length > 1) return group;
    }
  }
  return [];
}

/** Groups of consecutive blocks that fall into the same aligned window [t0, t0 + range]. */
export function splitByRange(sorted: readonly PlannedBlock[], range: number): PlannedBlock[][] {
  const groups: PlannedBlock[][] = [];
  let i = 0;
  while (i < sorted.length) {
    const m = (sorted[i] as PlannedBlock).meta;
    const t0 = Math.floor(m.minTime / range) * range;
    if (m.maxTime > t0 + range) {
      i++;
      continue;
    }
    const group: PlannedBlock[] = [];
    for (; i < sorted.length; i++) {
      if ((sorted[i] as PlannedBlock).meta.maxTime > t0 + range) break;
      group.push(sorted[i] as PlannedBlock);
    }
    if (group.length > 0) groups.push(group);
  }
  return groups;
}
