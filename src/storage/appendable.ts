// The write seam: every producer (scrape, rules, push gateway, remote-write receiver) appends through it.

import type { Labels } from '../model/labels.js';

/** A series as the storage knows it: a positive integer. 0 means "not known yet". */
export type SeriesRef = number;

export interface Appendable {
  /** A new transaction. */
  appender(): Appender;
}

/**
 * One transaction, single use. `append` buffers a sample; nothing is visible to queriers until `commit`
 * resolves. After `commit` or `rollback` the appender must not be used again.
 */
export interface Appender {
  /**
   * Buffers sample (t, v) for the series. Pass the ref a previous append returned for the same labels to
   * skip the label lookup, or 0. Returns the series' ref. Timestamps are milliseconds since the epoch.
   * Throws a StorageError (out of order, duplicate sample, too old, bad labels) for a sample it refuses;
   * the transaction stays usable for the other samples.
   */
  append(ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef;
  /**
   * Optional: `append` with the sample's start timestamp `st` (ms; Prometheus's ST, formerly "created timestamp"):
   * the time the counter (cumulative) or the interval (delta) began. Stored as given, not validated; a
   * non-finite `st` means "none", like `append`. A storage without it drops start timestamps.
   */
  appendST?(ref: SeriesRef, labels: Labels, t: number, st: number, v: number): SeriesRef;
  /**
   * Optional: the storage's own labels of series `ref` (shared and immutable; undefined when it does not know the
   * ref), so a caller that remembers series, like the scrape cache, can keep that copy instead of a second one.
   */
  labelsOf?(ref: SeriesRef): Labels | undefined;
  /** Makes every buffered sample durable (WAL first) and then visible, all or nothing. */
  commit(): Promise<void>;
  /** Drops every buffered sample. */
  rollback(): void;
}
