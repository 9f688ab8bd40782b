// Progress of the WAL replay at startup, in Prometheus's terms (/api/v1/status/walreplay): first, last and current segment.

/** A read-only view of the replay's progress. */
export interface WalReplayStatus {
  /** The first segment replayed: the one after the newest checkpoint, else the oldest segment (0 for an empty WAL). */
  readonly min: number;
  /**
   * The last segment of the replay. As in Prometheus, whose WAL starts its new segment before replaying, this is
   * the segment the opened database writes to, so a finished replay reports `current === max`.
   */
  readonly max: number;
  /** The segment being read; `max` once the replay is done. */
  readonly current: number;
}

/** Written by the replay (single writer), read by anyone through `WalReplayStatus`. All 0 before the replay starts. */
export class WalReplayProgress implements WalReplayStatus {
  min = 0;
  max = 0;
  current = 0;

  /** The replay will read segments `min` to `max` (max being the segment written to after it). */
  start(min: number, max: number): void {
    this.min = min;
    this.max = max;
    this.current = min;
  }

  read(segment: number): void {
    this.current = segment;
  }

  /** The replay is over and new records go to `segment`. */
  finish(segment: number): void {
    this.max = segment;
    this.current = segment;
  }

  snapshot(): WalReplayStatus {
    return { min: this.min, max: this.max, current: this.current };
  }
}
