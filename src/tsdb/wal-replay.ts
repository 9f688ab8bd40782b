// Rebuilds state from a WAL directory: newest checkpoint, then the segments after it; repairs a corrupt tail.

import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { TsdbLogger } from './tsdb-logger.js';
import type { TsdbStats } from './tsdb-stats.js';
import type { WalReplayProgress } from './wal-replay-progress.js';
import { decodeRecord, type RecordVisitor } from './wal-records.js';
import { readSegment, repairWal, WalCorruptionError } from './wal-reader.js';
import { checkpointName, listCheckpoints, listSegments, segmentName } from './wal-segments.js';

export interface ReplayResult {
  /** Highest segment number left in the WAL, or the checkpoint's number when no segment follows it; -1 if empty. */
  lastSegment: number;
  checkpoint: number | undefined;
  records: number;
  /** Description of the corruption that was repaired, if any. */
  corruption: string | undefined;
}

export interface ReplayOptions {
  stats: TsdbStats;
  logger: TsdbLogger;
  /** Told which segments the replay covers and which one it reads. */
  progress?: WalReplayProgress;
}

/** Removes `checkpoint.N.tmp` directories left by an interrupted checkpoint. */
export function removeTmpCheckpoints(walDir: string): void {
  let names: string[] = [];
  try {
    names = readdirSync(walDir);
  } catch {
    return;
  }
  for (const n of names) if (/^checkpoint\.\d+\.tmp$/.test(n)) rmSync(join(walDir, n), { recursive: true, force: true });
}

/** The segments a replay reads, in order: the newest checkpoint's, then the WAL's run that continues it. */
export interface ReplayPlan {
  checkpoint: number | undefined;
  /** The checkpoint's directory and segments (none without a checkpoint). */
  cpDir: string;
  cpSegments: number[];
  walDir: string;
  segments: number[];
  /** What `lastSegment` is when no corruption cuts the WAL short. */
  last: number;
}

/** Lists what to replay (removing leftover temporary checkpoints); logs a gap in the segment numbers. */
export function planReplay(walDir: string, logger: TsdbLogger): ReplayPlan {
  removeTmpCheckpoints(walDir);
  const cps = listCheckpoints(walDir);
  const cp = cps.length > 0 ? (cps[cps.length - 1] as number) : undefined;
  const cpDir = cp === undefined ? '' : join(walDir, checkpointName(cp));
  const cpSegments = cp === undefined ? [] : listSegments(cpDir);
  let segments = listSegments(walDir).filter((s) => cp === undefined || s > cp);
  // Segments must follow each other without gaps; replay the run that continues the checkpoint.
  for (let i = 1; i < segments.length; i++) {
    if (segments[i] !== (segments[i - 1] as number) + 1) {
      logger('warn', 'WAL segments are not sequential; replaying up to the gap', { before: segmentName(segments[i - 1] as number), after: segmentName(segments[i] as number) });
      segments = segments.slice(0, i);
      break;
    }
  }
  const last = segments.length > 0 ? (segments[segments.length - 1] as number) : (cp ?? -1);
  return { checkpoint: cp, cpDir, cpSegments, walDir, segments, last };
}

/** The segment after the plan's last one is where writing continues; Prometheus counts it into the replay's range. */
export function startProgress(plan: ReplayPlan, options: ReplayOptions): void {
  options.progress?.start(plan.checkpoint !== undefined ? plan.checkpoint + 1 : (plan.segments[0] ?? 0), plan.last + 1);
}

/** Bytes of every file a plan reads. */
export function planBytes(plan: ReplayPlan): number {
  let n = 0;
  for (const s of plan.cpSegments) n += statSync(join(plan.cpDir, segmentName(s))).size;
  for (const s of plan.segments) n += statSync(join(plan.walDir, segmentName(s))).size;
  return n;
}

/** A corrupt checkpoint: counted and logged; the records before the corruption stay loaded, the WAL follows. */
export function checkpointCorrupted(err: WalCorruptionError, options: ReplayOptions): void {
  options.stats.walCorruptionsTotal++;
  options.logger('error', 'checkpoint is corrupt; the records before the corruption were loaded, the rest of the checkpoint is skipped', { err: err.message });
}

/** A corrupt WAL segment: repaired (truncated there, later segments deleted), counted and logged. */
export function walCorrupted(err: WalCorruptionError, walDir: string, options: ReplayOptions): void {
  const { stats, logger } = options;
  stats.walCorruptionsTotal++;
  const repaired = repairWal(err, listSegments(walDir));
  stats.walRecordsRepairedBytes += repaired.truncatedBytes;
  logger('warn', 'WAL corruption repaired: truncated to the last good record; data after it is lost', {
    err: err.message,
    segment: segmentName(err.segment),
    offset: err.offset,
    truncated_bytes: repaired.truncatedBytes,
    deleted_segments: repaired.deletedSegments.length,
  });
}

/** Replays on the calling thread (see replayWalInWorker for large WALs). */
export function replayWal(walDir: string, visit: RecordVisitor, options: ReplayOptions): ReplayResult {
  return replayPlan(planReplay(walDir, options.logger), visit, options);
}

export function replayPlan(plan: ReplayPlan, visit: RecordVisitor, options: ReplayOptions): ReplayResult {
  let records = 0;
  let corruption: string | undefined;
  const { cpDir, walDir } = plan;
  try {
    for (const s of plan.cpSegments) {
      const path = join(cpDir, segmentName(s));
      readSegment(cpDir, s, (rec, offset) => {
        decodeRecord(rec, visit, `${path} record at offset ${offset}`);
        records++;
      });
    }
  } catch (err) {
    if (!(err instanceof WalCorruptionError)) throw err;
    checkpointCorrupted(err, options);
    corruption = err.message;
  }
  startProgress(plan, options);
  let last = plan.last;
  for (const s of plan.segments) {
    options.progress?.read(s);
    try {
      const path = join(walDir, segmentName(s));
      readSegment(walDir, s, (rec, offset) => {
        decodeRecord(rec, visit, `${path} record at offset ${offset}`);
        records++;
      });
    } catch (err) {
      if (!(err instanceof WalCorruptionError)) throw err;
      walCorrupted(err, walDir, options);
      corruption = err.message;
      last = err.segment;
      break;
    }
  }
  return { lastSegment: last, checkpoint: plan.checkpoint, records, corruption };
}
