// Reads the head: postings narrow the series, iterators decode snapshots of their XOR chunks.

import { compareStrings, type Labels } from '../model/labels.js';
import type { Matcher } from '../model/matcher.js';
import type { Querier, SampleIterator, Series, SeriesSet, SelectHints } from '../storage/queryable.js';
import { DeletedFilterIterator } from './deleted-filter-iterator.js';
import { coveredBy } from './tombstones.js';
import type { ChunkSnapshot, Head } from './head.js';
import { XorIterator } from './xor-chunk.js';

export class HeadQuerier implements Querier {
  constructor(
    private readonly head: Head,
    private readonly mint: number,
    private readonly maxt: number,
  ) {}

  /** Visible refs matching `matchers` (all visible series when none), optionally limited to the querier's range. */
  private matching(matchers: readonly Matcher[] | undefined, inRange: boolean): number[] {
    const head = this.head;
    const refs = matchers === undefined || matchers.length === 0 ? head.postings.allRefs() : head.postingsFor(matchers);
    const out: number[] = [];
    for (let i = 0; i < refs.length; i++) {
      const ref = refs[i] as number;
      const slot = head.slotOf(ref);
      if (slot === 0) continue;
      const maxT = head.sMaxT[slot] as number;
      const minT = head.sMinT[slot] as number;
      if (maxT === -Infinity) continue; // no committed sample yet
      if (inRange && (maxT < this.mint || minT > this.maxt)) continue;
      const stones = head.tombstones.size > 0 ? head.tombstones.get(ref) : undefined;
      if (stones !== undefined && coveredBy(stones, Math.max(minT, inRange ? this.mint : -Infinity), Math.min(maxT, inRange ? this.maxt : Infinity))) continue;
      out.push(ref);
    }
    return out;
  }

  select(matchers: readonly Matcher[], options?: { sorted?: boolean; hints?: SelectHints }): SeriesSet {
    const inPlace = options?.hints?.readsAtOnce === true;
    if (this.mint > this.maxt) return new HeadSeriesSet(this.head, [], this.mint, this.maxt, inPlace);
    const refs = this.matching(matchers, true);
    if (options?.sorted === true) this.head.order.sort(refs);
    return new HeadSeriesSet(this.head, refs, this.mint, this.maxt, inPlace);
  }

  labelNames(matchers?: readonly Matcher[]): string[] {
    const head = this.head;
    const names = new Set<string>();
    if ((matchers === undefined || matchers.length === 0) && !head.hasInvisible) {
      for (const n of head.postings.names()) names.add(n);
    } else {
      for (const ref of this.matching(matchers, false)) (head.labelsOf(ref) as Labels).forEach((n) => names.add(n));
    }
    return [...names].sort(compareStrings);
  }

  labelValues(name: string, matchers?: readonly Matcher[]): string[] {
    const head = this.head;
    const values = new Set<string>();
    if (matchers === undefined || matchers.length === 0) {
      for (const v of head.postings.values(name)) {
        if (!head.hasInvisible) values.add(v);
        else {
          const refs = head.postings.get(name, v);
          for (let i = 0; i < refs.length; i++) {
            if (head.visible(refs[i] as number)) {
              values.add(v);
              break;
            }
          }
        }
      }
    } else {
      for (const ref of this.matching(matchers, false)) {
        const v = (head.labelsOf(ref) as Labels).get(name);
        if (v !== '') values.add(v);
      }
    }
    return [...values].sort(compareStrings);
  }

  close(): void {}
}

class HeadSeriesSet implements SeriesSet {
  private i = -1;
  private cur: Series | undefined;

  constructor(
    private readonly head: Head,
    private readonly refs: number[],
    private readonly mint: number,
    private readonly maxt: number,
    /** The caller reads each series at once (SelectHints.readsAtOnce): open chunks are read in place. */
    private readonly inPlace: boolean,
  ) {}

  next(): boolean {
    while (++this.i < this.refs.length) {
      const ref = this.refs[this.i] as number;
      const labels = this.head.labelsOf(ref);
      if (labels === undefined) continue; // removed by truncation since select
      this.cur = new HeadSeries(this.head, ref, labels, this.mint, this.maxt, this.inPlace);
      return true;
    }
    return false;
  }

  at(): Series {
    return this.cur as Series;
  }

  err(): Error | undefined {
    return undefined;
  }

  warnings(): readonly string[] {
    return [];
  }
}

class HeadSeries implements Series {
  constructor(
    private readonly head: Head,
    private readonly ref: number,
    readonly labels: Labels,
    private readonly mint: number,
    private readonly maxt: number,
    private readonly inPlace: boolean,
  ) {}

  iterator(reuse?: SampleIterator): SampleIterator {
    const slot = this.head.slotOf(this.ref);
    const stones = this.head.tombstones.size > 0 ? this.head.tombstones.get(this.ref) : undefined;
    const sts = slot === 0 ? undefined : this.head.startTimestampsOf(slot);
    const it = stones === undefined && sts === undefined && reuse instanceof ChunkListIterator ? reuse : new ChunkListIterator();
    it.load(this.head, slot, this.mint, this.maxt, this.inPlace);
    const filtered = stones === undefined ? it : new DeletedFilterIterator(it, [...stones]);
    return sts === undefined ? filtered : sts.wrap(filtered);
  }

  /** The head keeps each series' newest committed sample beside its chunks: a query at or after it reads no chunk. */
  lastSample(t: number, out: { t: number; v: number }): boolean | undefined {
    const head = this.head;
    if (head.tombstones.size > 0 && head.tombstones.has(this.ref)) return undefined;
    const slot = head.slotOf(this.ref);
    if (slot === 0) return false;
    const maxT = head.sMaxT[slot] as number;
    if (maxT > t || maxT > this.maxt) return undefined;
    if (maxT < this.mint) return false;
    out.t = maxT;
    out.v = head.lastValue(slot);
    return true;
  }
}

/** Iterates a series' chunks in order, each through one reused XorIterator; reusable for another series (`load`). */
export class ChunkListIterator implements SampleIterator {
  private readonly it = new XorIterator();
  private readonly snap: ChunkSnapshot = { n: 0, bufs: [], starts: [], ends: [], minTs: [], maxTs: [], scratch: new Uint8Array(256) };
  private c = -1;
  private error: Error | undefined;
  private mint = -Infinity;
  private maxt = Infinity;

  /**
   * Points the iterator at the chunks of the series in `slot` (none when 0) overlapping [mint, maxt]; with
   * `inPlace`, its open chunk is read where it is (only while no append can come in between).
   */
  load(head: Head, slot: number, mint: number, maxt: number, inPlace = false): void {
    this.snap.n = 0;
    this.snap.inPlace = inPlace;
    if (slot !== 0) head.snapshotChunks(slot, mint, maxt, this.snap);
    this.c = -1;
    this.error = undefined;
    this.mint = mint;
    this.maxt = maxt;
  }

  private open(c: number): void {
    this.c = c;
    this.it.reset(this.snap.bufs[c] as Uint8Array, this.snap.starts[c] as number, this.snap.ends[c] as number, this.mint, this.maxt);
  }

  next(): boolean {
    if (this.error !== undefined) return false;
    const n = this.snap.n;
    if (this.c < 0) {
      if (n === 0) return false;
      this.open(0);
    }
    while (true) {
      if (this.it.next()) return true;
      const e = this.it.err();
      if (e !== undefined) {
        this.error = e;
        return false;
      }
      if (this.c + 1 >= n) return false;
      this.open(this.c + 1);
    }
  }

  seek(t: number): boolean {
    if (this.error !== undefined) return false;
    const n = this.snap.n;
    if (this.c >= 0 && this.c < n) {
      // Stay put when the current sample already qualifies.
      if (this.it.seek(t)) return true;
      if (this.it.err() !== undefined) {
        this.error = this.it.err();
        return false;
      }
    }
    let c = Math.max(this.c + 1, 0);
    while (c < n && (this.snap.maxTs[c] as number) < t) c++;
    if (c >= n) {
      this.c = n;
      return false;
    }
    this.open(c);
    while (true) {
      if (this.it.seek(t)) return true;
      if (this.it.err() !== undefined) {
        this.error = this.it.err();
        return false;
      }
      if (this.c + 1 >= n) return false;
      this.open(this.c + 1);
    }
  }

  atT(): number {
    return this.it.atT();
  }

  atV(): number {
    return this.it.atV();
  }

  err(): Error | undefined {
    return this.error;
  }
}
