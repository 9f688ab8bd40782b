// Reads one series' samples from a storage iterator into buffers shared by a whole query (no object per series).

import { isStaleNaN } from '../model/stale-nan.js';
import type { SampleIterator } from '../storage/queryable.js';

/** The buffers every storage read of one query (and its subqueries) fills, grown as needed. */
export interface SampleBuffers {
  ts: Float64Array;
  vs: Float64Array;
  sts?: Float64Array;
}

/**
 * Reads time ranges of one series after another: `start` a series, `read` one or more ranges in time order,
 * then the samples are `ts`/`vs`[0, n) of the buffers. Staleness markers are noted in `staleAt`.
 */
export class SampleReader {
  n = 0;
  /** Indexes of staleness markers among the samples read, or undefined when there are none. */
  staleAt: number[] | undefined;
  /** True when some sample read had a start timestamp. */
  anyST = false;
  private it: SampleIterator | undefined;
  private readST = false;

  constructor(readonly buffers: SampleBuffers) {}

  /** Starts reading the series behind `it`; start timestamps too when `withST` and the iterator has them. */
  start(it: SampleIterator, withST: boolean): void {
    this.it = it;
    this.n = 0;
    this.staleAt = undefined;
    this.anyST = false;
    this.readST = withST && it.atST !== undefined;
    if (this.readST && (this.buffers.sts === undefined || this.buffers.sts.length < this.buffers.ts.length)) {
      const sts = new Float64Array(this.buffers.ts.length);
      if (this.buffers.sts !== undefined) sts.set(this.buffers.sts);
      this.buffers.sts = sts;
    }
  }

  /** Start timestamps were read for this series (the buffer holds them). */
  get readsST(): boolean {
    return this.readST;
  }

  /** Appends the samples in [from, to] from the iterator's position on; false when the series is exhausted. */
  read(from: number, to: number): boolean {
    const it = this.it as SampleIterator;
    if (!it.seek(from)) return false;
    const b = this.buffers;
    let ts = b.ts;
    let vs = b.vs;
    let n = this.n;
    do {
      const t = it.atT();
      if (t > to) {
        this.n = n;
        return true;
      }
      const v = it.atV();
      if (n === ts.length) {
        this.grow(n * 2);
        ts = b.ts;
        vs = b.vs;
      }
      if (v !== v && isStaleNaN(v)) (this.staleAt ??= []).push(n);
      ts[n] = t;
      vs[n] = v;
      if (this.readST) {
        const st = (it.atST as () => number).call(it);
        (b.sts as Float64Array)[n] = st;
        if (st === st) this.anyST = true;
      }
      n++;
    } while (it.next());
    this.n = n;
    return false;
  }

  private grow(size: number): void {
    const b = this.buffers;
    const grow = (a: Float64Array): Float64Array => {
      const g = new Float64Array(size);
      g.set(a);
      return g;
    };
    b.ts = grow(b.ts);
    b.vs = grow(b.vs);
    if (b.sts !== undefined) b.sts = grow(b.sts);
  }
}
