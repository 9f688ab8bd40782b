// Feeds WAL records into the head on start: series keep their WAL refs, samples go straight into chunks.

import type { Labels } from '../model/labels.js';
import { ByteStrings } from './byte-strings.js';
import type { Head } from './head.js';
import type { PackedChunks } from './series-chunks.js';
import { SeriesRuns, type RunSink } from './series-runs.js';
import type { RecordVisitor } from './wal-records.js';
import type { ShardOptions, ShardTarget } from './wal-replay-shard.js';

/**
 * Replay rules (Prometheus's): a series record whose labels are already known under another ref makes that ref
 * an alias; samples for unknown refs, older than the head's minimum valid time, or not after the series' newest
 * sample are dropped and counted. Tombstones go to the head (hiding the deleted samples) unless `onTombstone` is given.
 * Samples are held back per series and appended in runs (SeriesRuns): `finish` appends what is still held, and must
 * be called before the head's chunks are read; `samples` and `dropped` are final after it.
 */
export class HeadReplayer implements RecordVisitor, ShardTarget, RunSink {
  private readonly aliases = new Map<number, number>();
  private readonly runs = new SeriesRuns(this);
  samples = 0;
  dropped = 0;
  tombstones = 0;
  readonly strings = new ByteStrings();

  constructor(
    private readonly head: Head,
    private readonly onTombstone?: (ref: number, mint: number, maxt: number) => void,
  ) {}

  series(ref: number, labels: Labels): void {
    const head = this.head;
    const existing = head.lookup(labels);
    if (existing !== 0) {
      if (existing !== ref) this.aliases.set(ref, existing);
      return;
    }
    if (head.exists(ref)) {
      // The ref was reused for other labels (should not happen): keep the first, drop this one's samples.
      this.aliases.set(ref, 0);
      return;
    }
    const got = head.create(labels, ref);
    head.takeUnlogged(head.slotOf(got));
  }

  sample(ref: number, t: number, v: number): void {
    const head = this.head;
    const r = this.aliases.size === 0 ? ref : (this.aliases.get(ref) ?? ref);
    const slot = r === 0 ? 0 : head.slotOf(r);
    if (slot === 0 || t < head.minValidTime) this.drop(1);
    else this.runs.add(slot, t, v);
  }

  sampleRun(refs: Float64Array, ts: Float64Array, vs: Float64Array, from: number, to: number): void {
    const head = this.head;
    const runs = this.runs;
    const minValid = head.minValidTime;
    const aliased = this.aliases.size > 0;
    let dropped = 0;
    for (let i = from; i < to; i++) {
      const ref = refs[i] as number;
      const t = ts[i] as number;
      const r = aliased ? (this.aliases.get(ref) ?? ref) : ref;
      const slot = r === 0 ? 0 : head.slotOf(r);
      if (slot === 0 || t < minValid) dropped++;
      else runs.add(slot, t, vs[i] as number);
    }
    if (dropped > 0) this.drop(dropped);
  }

  /** A series' held-back samples: each is appended unless it is not after the series' newest sample. */
  appendRun(slot: number, tv: Float64Array, from: number, n: number): void {
    const dropped = this.head.appendRunCommitted(slot, tv, from, n);
    this.samples += n - dropped;
    if (dropped > 0) this.drop(dropped);
  }

  /** Appends every held-back sample. */
  finish(): void {
    this.runs.flush();
  }

  private drop(n: number): void {
    this.dropped += n;
    this.head.stats.walReplaySamplesDroppedTotal += n;
  }

  get shardOptions(): ShardOptions {
    const head = this.head;
    return { minValidTime: head.minValidTime, chunkRange: head.chunkRange, samplesPerChunk: head.samplesPerChunk };
  }

  /** The chunks a replay thread built for its share of the series (by the same rules), and its counts. */
  installShard(packed: PackedChunks, samples: number, dropped: number): void {
    this.head.installReplayed(packed);
    this.samples += samples;
    this.drop(dropped);
  }

  tombstone(ref: number, mint: number, maxt: number): void {
    const r = this.aliases.get(ref) ?? ref;
    this.tombstones++;
    if (this.onTombstone !== undefined) this.onTombstone(r, mint, maxt);
    else this.head.addTombstone(r, mint, maxt);
  }
}
