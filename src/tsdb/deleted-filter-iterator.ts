// Hides samples that fall in deleted intervals (tombstones) from an underlying sample iterator.

import type { SampleIterator } from '../storage/queryable.js';

/** `intervals` is flat `[mint0, maxt0, mint1, maxt1, …]`, inclusive; any order, may overlap. */
export class DeletedFilterIterator implements SampleIterator {
  constructor(
    private readonly inner: SampleIterator,
    private readonly intervals: readonly number[],
  ) {}

  private deleted(t: number): boolean {
    const iv = this.intervals;
    for (let i = 0; i < iv.length; i += 2) if (t >= (iv[i] as number) && t <= (iv[i + 1] as number)) return true;
    return false;
  }

  next(): boolean {
    while (this.inner.next()) if (!this.deleted(this.inner.atT())) return true;
    return false;
  }

  seek(t: number): boolean {
    if (!this.inner.seek(t)) return false;
    if (!this.deleted(this.inner.atT())) return true;
    return this.next();
  }

  atT(): number {
    return this.inner.atT();
  }

  atV(): number {
    return this.inner.atV();
  }

  err(): Error | undefined {
    return this.inner.err();
  }
}

/** True when [lo, hi] lies entirely within the union of the intervals. */
export function coveredBy(intervals: readonly number[], lo: number, hi: number): boolean {
  let from = lo;
  // Repeatedly extend coverage from `from` until past `hi` or stuck.
  for (;;) {
    let next = from;
    for (let i = 0; i < intervals.length; i += 2) {
      const a = intervals[i] as number;
      const b = intervals[i + 1] as number;
      if (a <= from && b >= from && b + 1 > next) next = b + 1;
    }
    if (next > hi) return true;
    if (next === from) return false;
    from = next;
  }
}
