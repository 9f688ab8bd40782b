// Start timestamps (ST) kept beside a series' samples, for the series that have any: a sorted list of
// (sample time, start time) pairs, and an iterator wrapper that adds `atST()` to a sample iterator.

import type { SampleIterator } from './queryable.js';

/**
 * The start timestamps of one series' samples, in sample-time order. Samples without one are not listed.
 * Appends write past the end or into fresh arrays and `dropBefore` copies, so a `snapshot()` stays valid.
 */
export class StartTimestamps {
  private ts = new Float64Array(4);
  private sts = new Float64Array(4);
  private n = 0;

  get size(): number {
    return this.n;
  }

  /** Records `st` for the sample at `t`; `t` must be newer than every recorded sample time. */
  add(t: number, st: number): void {
    if (this.n === this.ts.length) {
      const ts = new Float64Array(this.n * 2);
      const sts = new Float64Array(this.n * 2);
      ts.set(this.ts);
      sts.set(this.sts);
      this.ts = ts;
      this.sts = sts;
    }
    this.ts[this.n] = t;
    this.sts[this.n] = st;
    this.n++;
  }

  /** Forgets the entries of samples older than `mint`. */
  dropBefore(mint: number): void {
    let k = 0;
    while (k < this.n && (this.ts[k] as number) < mint) k++;
    if (k === 0) return;
    this.ts = this.ts.slice(k, Math.max(this.n, k + 4));
    this.sts = this.sts.slice(k, Math.max(this.n, k + 4));
    this.n -= k;
  }

  /** Wraps `inner` (an iterator over the same series) so it also answers `atST()`. */
  wrap(inner: SampleIterator): SampleIterator {
    return new StartTimestampIterator(inner, this.ts, this.sts, this.n);
  }
}

/** Adds `atST()` to a sample iterator by walking the sorted (time, ST) list alongside it. */
export class StartTimestampIterator implements SampleIterator {
  /** Index of the first entry whose time is >= the last time asked about. */
  private j = 0;

  constructor(
    private readonly inner: SampleIterator,
    private readonly ts: Float64Array,
    private readonly sts: Float64Array,
    private readonly n: number,
  ) {}

  next(): boolean {
    return this.inner.next();
  }

  seek(t: number): boolean {
    return this.inner.seek(t);
  }

  atT(): number {
    return this.inner.atT();
  }

  atV(): number {
    return this.inner.atV();
  }

  atST(): number {
    const t = this.inner.atT();
    let j = this.j;
    if (j > 0 && (this.ts[j - 1] as number) >= t) j = 0; // iterators only move forward; guard anyway
    while (j < this.n && (this.ts[j] as number) < t) j++;
    this.j = j;
    return j < this.n && this.ts[j] === t ? (this.sts[j] as number) : NaN;
  }

  err(): Error | undefined {
    return this.inner.err();
  }
}
