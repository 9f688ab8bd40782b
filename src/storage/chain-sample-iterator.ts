// Merges several sample iterators of one series into one stream in time order, dropping duplicate timestamps.

import type { SampleIterator } from './queryable.js';

/**
 * On equal timestamps the iterator listed first wins (so a primary storage's value beats a secondary's) and the
 * others are skipped. Each input must itself be in increasing time order.
 */
export class ChainSampleIterator implements SampleIterator {
  private readonly valid: Uint8Array;
  private cur = -1;
  private started = false;
  private error: Error | undefined;

  constructor(private readonly its: readonly SampleIterator[]) {
    this.valid = new Uint8Array(its.length);
  }

  private pick(): boolean {
    let best = -1;
    let bestT = Infinity;
    for (let i = 0; i < this.its.length; i++) {
      if (this.valid[i] === 0) continue;
      const t = (this.its[i] as SampleIterator).atT();
      if (best < 0 || t < bestT) {
        best = i;
        bestT = t;
      }
    }
    this.cur = best;
    return best >= 0;
  }

  private check(i: number, ok: boolean): void {
    this.valid[i] = ok ? 1 : 0;
    if (!ok) {
      const e = (this.its[i] as SampleIterator).err();
      if (e !== undefined && this.error === undefined) this.error = e;
    }
  }

  next(): boolean {
    if (!this.started) {
      this.started = true;
      for (let i = 0; i < this.its.length; i++) this.check(i, (this.its[i] as SampleIterator).next());
      return this.pick();
    }
    if (this.cur < 0) return false;
    const t = (this.its[this.cur] as SampleIterator).atT();
    for (let i = 0; i < this.its.length; i++) {
      if (this.valid[i] === 1 && (this.its[i] as SampleIterator).atT() === t) this.check(i, (this.its[i] as SampleIterator).next());
    }
    return this.pick();
  }

  seek(t: number): boolean {
    if (this.started && this.cur >= 0 && (this.its[this.cur] as SampleIterator).atT() >= t) return true;
    if (this.started && this.cur < 0) return false;
    const first = !this.started;
    this.started = true;
    for (let i = 0; i < this.its.length; i++) {
      if (first || this.valid[i] === 1) this.check(i, (this.its[i] as SampleIterator).seek(t));
    }
    return this.pick();
  }

  atT(): number {
    return (this.its[this.cur] as SampleIterator).atT();
  }

  atV(): number {
    return (this.its[this.cur] as SampleIterator).atV();
  }

  err(): Error | undefined {
    return this.error;
  }
}
