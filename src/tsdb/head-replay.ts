// Feeds WAL records into the head on start: series keep their WAL refs, samples go straight into chunks.

import type { Labels } from '../model/labels.js';
import { ByteStrings } from './byte-strings.js';
import type { Head } from './head.js';
import type { PackedChunks } from './series-chunks.js';
import type { RecordVisitor } from './wal-records.js';
import type { ShardOptions, ShardTarget } from './wal-replay-shard.js';

/**
 * Replay rules (Prometheus's): a series record whose labels are already known under another ref makes that ref
 * an alias; samples for unknown refs, older than the head's minimum valid time, or not after the series' newest
 * sample are dropped and counted. Tombstones go to the head (hiding the deleted samples) unless `onTombstone` is given.
 */
export class HeadReplayer implements RecordVisitor, ShardTarget {
  private readonly aliases = new Map<number, number>();
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
    if (slot === 0 || t < head.minValidTime || t <= (head.sMaxT[slot] as number)) {
      this.dropped++;
      head.stats.walReplaySamplesDroppedTotal++;
      return;
    }
    head.appendCommitted(slot, t, v);
    this.samples++;
  }

  sampleRun(refs: Float64Array, ts: Float64Array, vs: Float64Array, from: number, to: number): void {
    const head = this.head;
    const maxT = head.sMaxT;
    const minValid = head.minValidTime;
    const aliased = this.aliases.size > 0;
    let dropped = 0;
    for (let i = from; i < to; i++) {
      const ref = refs[i] as number;
      const t = ts[i] as number;
      const r = aliased ? (this.aliases.get(ref) ?? ref) : ref;
      const slot = r === 0 ? 0 : head.slotOf(r);
      if (slot === 0 || t < minValid || t <= (maxT[slot] as number)) dropped++;
      else head.appendCommitted(slot, t, vs[i] as number);
    }
    this.samples += to - from - dropped;
    this.dropped += dropped;
    head.stats.walReplaySamplesDroppedTotal += dropped;
  }

  get shardOptions(): ShardOptions {
    const head = this.head;
    return { minValidTime: head.minValidTime, chunkRange: head.chunkRange, samplesPerChunk: head.samplesPerChunk };
  }

  /** The chunks a replay thread built for its share of the series (by the same rules), and its counts. */
  installShard(packed: PackedChunks, samples: number, dropped: number): void {
    this.head.installReplayed(packed);
    this.samples += samples;
    this.dropped += dropped;
    this.head.stats.walReplaySamplesDroppedTotal += dropped;
  }

  tombstone(ref: number, mint: number, maxt: number): void {
    const r = this.aliases.get(ref) ?? ref;
    this.tombstones++;
    if (this.onTombstone !== undefined) this.onTombstone(r, mint, maxt);
    else this.head.addTombstone(r, mint, maxt);
  }
}
