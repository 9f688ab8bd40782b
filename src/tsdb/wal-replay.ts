// Rebuilds state from a WAL directory: newest checkpoint, then the segments after it; repairs a corrupt tail.

import { readdirSync, rmSync } from 'node:fs';
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

export function replayWal(walDir: string, visit: RecordVisitor, options: ReplayOptions): ReplayResult {
  const { stats, logger } = options;
  removeTmpCheckpoints(walDir);
  let records = 0;
  let corruption: string | undefined;
  const cps = listCheckpoints(walDir);
  const cp = cps.length > 0 ? (cps[cps.length - 1] as number) : undefined;
  if (cp !== undefined) {
    const cpDir = join(walDir, checkpointName(cp));
    try {
      for (const s of listSegments(cpDir)) {
        readSegment(cpDir, s, (rec, offset) => {
          decodeRecord(rec, visit, `${join(cpDir, segmentName(s))} record at offset ${offset}`);
          records++;
        });
      }
    } catch (err) {
      if (!(err instanceof WalCorruptionError)) throw err;
      stats.walCorruptionsTotal++;
      corruption = err.message;
      logger('error', 'checkpoint is corrupt; the records before the corruption were loaded, the rest of the checkpoint is skipped', { err: err.message });
    }
  }
  let segments = listSegments(walDir).filter((s) => cp === undefined || s > cp);
  // Segments must follow each other without gaps; replay the run that continues the checkpoint.
  for (let i = 1; i < segments.length; i++) {
    if (segments[i] !== (segments[i - 1] as number) + 1) {
      logger('warn', 'WAL segments are not sequential; replaying up to the gap', { before: segmentName(segments[i - 1] as number), after: segmentName(segments[i] as number) });
      segments = segments.slice(0, i);
      break;
    }
  }
  let last = segments.length > 0 ? (segments[segments.length - 1] as number) : (cp ?? -1);
  // The segment after the last one is where writing continues; Prometheus counts it into the replay's range.
  options.progress?.start(cp !== undefined ? cp + 1 : (segments[0] ?? 0), last + 1);
  for (const s of segments) {
    options.progress?.read(s);
    try {
      readSegment(walDir, s, (rec, offset) => {
        decodeRecord(rec, visit, `${join(walDir, segmentName(s))} record at offset ${offset}`);
        records++;
      });
    } catch (err) {
      if (!(err instanceof WalCorruptionError)) throw err;
      stats.walCorruptionsTotal++;
      const all = listSegments(walDir);
      const repaired = repairWal(err, all);
      stats.walRecordsRepairedBytes += repaired.truncatedBytes;
      corruption = err.message;
      logger('warn', 'WAL corruption repaired: truncated to the last good record; data after it is lost', {
        err: err.message,
        segment: segmentName(err.segment),
        offset: err.offset,
        truncated_bytes: repaired.truncatedBytes,
        deleted_segments: repaired.deletedSegments.length,
      });
      last = err.segment;
      break;
    }
  }
  return { lastSegment: last, checkpoint: cp, records, corruption };
}
