// WAL checkpoints: the still-needed records of a run of segments rewritten into `checkpoint.N` (Prometheus's layout).

import { renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Labels } from '../model/labels.js';
import { syncDir } from './block-writer.js';
import { ByteWriter } from './byte-writer.js';
import { decodeRecord, encodeSamples, encodeSeries, encodeTombstones, type Tombstone } from './wal-records.js';
import { readSegment } from './wal-reader.js';
import { checkpointName, listCheckpoints, listSegments, segmentName } from './wal-segments.js';
import { WalWriter } from './wal-writer.js';

export interface CheckpointOptions {
  /** Whether the series with this ref is still needed. */
  keep: (ref: number) => boolean;
  /** Samples older than this are dropped; tombstones ending before it too. */
  mint: number;
  compress?: boolean;
}

export interface CheckpointResult {
  index: number;
  series: number;
  samples: number;
}

/**
 * Writes `checkpoint.<to>` from the newest earlier checkpoint plus segments `from … to`, keeping series for which
 * `keep` is true and samples/tombstones at or after `mint`. Written as `.tmp`, fsynced, then renamed. Does not
 * delete anything: the caller truncates segments ≤ `to` and older checkpoints afterwards.
 */
export function createCheckpoint(walDir: string, from: number, to: number, options: CheckpointOptions): CheckpointResult {
  const { keep, mint } = options;
  const tmp = join(walDir, `${checkpointName(to)}.tmp`);
  rmSync(tmp, { recursive: true, force: true });
  const writer = new WalWriter(tmp, 0, { compress: options.compress ?? true });
  const out = new ByteWriter(1 << 16);
  let seriesRefs: number[] = [];
  let seriesLabels: Labels[] = [];
  let refs: number[] = [];
  let ts: number[] = [];
  let vs = new Float64Array(1024);
  let stones: Tombstone[] = [];
  let nSeries = 0;
  let nSamples = 0;
  const flush = (): void => {
    const recs: Uint8Array[] = [];
    if (seriesRefs.length > 0) {
      encodeSeries(out.reset(), seriesRefs, seriesLabels);
      recs.push(out.toBytes());
    }
    if (refs.length > 0) {
      encodeSamples(out.reset(), refs, ts, vs, 0, refs.length);
      recs.push(out.toBytes());
    }
    if (stones.length > 0) {
      encodeTombstones(out.reset(), stones);
      recs.push(out.toBytes());
    }
    if (recs.length > 0) writer.log(recs);
    seriesRefs = [];
    seriesLabels = [];
    refs = [];
    ts = [];
    stones = [];
  };
  const visitor = {
    series(ref: number, labels: Labels): void {
      if (!keep(ref)) return;
      seriesRefs.push(ref);
      seriesLabels.push(labels);
      nSeries++;
    },
    sample(ref: number, t: number, v: number): void {
      if (t < mint || !keep(ref)) return;
      if (refs.length === vs.length) {
        const g = new Float64Array(vs.length * 2);
        g.set(vs);
        vs = g;
      }
      vs[refs.length] = v;
      refs.push(ref);
      ts.push(t);
      nSamples++;
    },
    tombstone(ref: number, tmin: number, tmax: number): void {
      if (tmax >= mint && keep(ref)) stones.push({ ref, mint: tmin, maxt: tmax });
    },
  };
  const readAll = (dir: string, segs: number[]): void => {
    for (const s of segs) {
      readSegment(dir, s, (rec, offset) => {
        decodeRecord(rec, visitor, `${join(dir, segmentName(s))} record at offset ${offset}`);
        // Keep output records bounded (series before the samples that use them: flush both together).
        if (refs.length + seriesRefs.length >= 50_000) flush();
      });
    }
  };
  try {
    const previous = listCheckpoints(walDir).filter((c) => c < to);
    if (previous.length > 0) {
      const pdir = join(walDir, checkpointName(previous[previous.length - 1] as number));
      readAll(pdir, listSegments(pdir));
    }
    readAll(walDir, listSegments(walDir).filter((s) => s >= from && s <= to));
    flush();
    writer.close();
  } catch (err) {
    try {
      writer.close();
    } catch {
      // Already failing; the tmp directory is removed below.
    }
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  renameSync(tmp, join(walDir, checkpointName(to)));
  syncDir(walDir);
  return { index: to, series: nSeries, samples: nSamples };
}

/** Deletes the segments numbered below `before`; returns their numbers. */
export function truncateWal(walDir: string, before: number): number[] {
  const removed: number[] = [];
  for (const s of listSegments(walDir)) {
    if (s < before) {
      rmSync(join(walDir, segmentName(s)), { force: true });
      removed.push(s);
    }
  }
  return removed;
}

/** Deletes checkpoints older than `keep`. Returns how many. */
export function deleteCheckpointsBefore(walDir: string, keep: number): number {
  let n = 0;
  for (const c of listCheckpoints(walDir)) {
    if (c < keep) {
      rmSync(join(walDir, checkpointName(c)), { recursive: true, force: true });
      n++;
    }
  }
  return n;
}
