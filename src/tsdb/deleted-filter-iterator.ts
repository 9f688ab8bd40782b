// Hides samples that fall in deleted intervals (tombstones) from an underlying sample iterator.

import type { SampleIterator } from '../storage/queryable.js';
import { isDeleted } from './tombstones.js';

/** `intervals` is flat `[mint0, maxt0, mint1, maxt1, …]`, inclusive; any order, may overlap. */
export class DeletedFilterIterator implements SampleIterator {
  constructor(
    private readonly inner: SampleIterator,
    private readonly intervals: readonly number[],
  ) {}

  private deleted(t: number): boolean {
    return isDeleted(this.intervals, t);
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

  atST(): number {
    return this.inner.atST?.() ?? NaN;
  }

  err(): Error | undefined {
    return this.inner.err();
  }
}
