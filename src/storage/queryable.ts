// The read seam: PromQL, federation and the API read every storage through it.

import type { Labels } from '../model/labels.js';
import type { Matcher } from '../model/matcher.js';

export interface Queryable {
  /** A reader over samples with mint <= t <= maxt (milliseconds, both inclusive). */
  querier(mint: number, maxt: number): Querier;
}

/** What the caller will do with a select, so a storage can read less. All times are milliseconds. */
export interface SelectHints {
  start: number;
  end: number;
  /** Query step, 0 for instant queries. */
  step?: number;
  /** Surrounding function, e.g. 'rate'; 'series' when only labels are wanted. */
  func?: string;
  /** Range of the surrounding matrix selector. */
  range?: number;
  /** Grouping of the surrounding aggregation. */
  grouping?: string[];
  by?: boolean;
  /**
   * The caller reads each series' samples to the end right after it takes the series' iterator, without yielding
   * to the event loop in between: a storage may then read samples in place, without copying what later appends
   * would change.
   */
  readsAtOnce?: boolean;
}

export interface Querier {
  /**
   * The series that match every matcher, sorted by labels (compareLabels) when `sorted` is true.
   * A query with only matchers that match the empty string is refused by callers, not here.
   */
  select(matchers: readonly Matcher[], options?: { sorted?: boolean; hints?: SelectHints }): SeriesSet;
  /** Sorted, distinct label names of the series that match (all series when no matchers). */
  labelNames(matchers?: readonly Matcher[]): string[];
  /** Sorted, distinct values of `name` among the series that match. */
  labelValues(name: string, matchers?: readonly Matcher[]): string[];
  close(): void;
}

/** A cursor over series. Call `next()` before the first `at()`. */
export interface SeriesSet {
  next(): boolean;
  at(): Series;
  /** The error that ended iteration early, if any. */
  err(): Error | undefined;
  /** Problems that did not stop the read (e.g. a secondary storage failed). */
  warnings(): readonly string[];
}

export interface Series {
  readonly labels: Labels;
  /**
   * An iterator over the series' samples in time order, within the querier's range. `reuse`, an iterator a series
   * of the same querier returned before and that the caller no longer reads, may be reset and returned instead of
   * allocating a new one (storages are free to ignore it).
   */
  iterator(reuse?: SampleIterator): SampleIterator;
  /**
   * Optional: the newest sample with timestamp <= t within the querier's range, written to `out`, when the storage
   * can tell without reading the series' chunks. True: `out` holds it; false: there is none; undefined: it cannot
   * tell cheaply, read the iterator instead. A staleness marker counts as a sample.
   */
  lastSample?(t: number, out: { t: number; v: number }): boolean | undefined;
}

/**
 * A cursor over one series' samples in increasing time order. Reading a sample allocates nothing:
 * `atT()` and `atV()` return the current timestamp and value. Values may be staleness markers (isStaleNaN).
 */
export interface SampleIterator {
  /** Advances to the next sample; false at the end. */
  next(): boolean;
  /** Advances to the first sample with timestamp >= t (staying put if already there); false if none. */
  seek(t: number): boolean;
  atT(): number;
  atV(): number;
  /**
   * Optional: the current sample's start timestamp (ms), NaN when it has none. Storages that keep start
   * timestamps implement it; readers treat a missing method as "no start timestamps".
   */
  atST?(): number;
  /** The error that ended iteration early, if any. */
  err(): Error | undefined;
}
