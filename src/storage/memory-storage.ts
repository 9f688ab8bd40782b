// A simple, correct in-memory storage: the reference Appendable + Queryable that tests and the PromQL runner use.

import { compareLabels, type Labels } from '../model/labels.js';
import type { Matcher } from '../model/matcher.js';
import { STALE_NAN, isStaleNaN } from '../model/stale-nan.js';
import type { Appendable, Appender, SeriesRef } from './appendable.js';
import type { Querier, Queryable, SampleIterator, Series, SeriesSet, SelectHints } from './queryable.js';
import { StorageError } from './storage-error.js';

/** One series' samples in two growable typed arrays. Arrays are replaced (never shrunk in place) when they grow. */
interface StoredSeries {
  readonly ref: SeriesRef;
  readonly labels: Labels;
  ts: Float64Array;
  vs: Float64Array;
  count: number;
  /** True once the series has a committed sample (only then do queriers see it). */
  visible: boolean;
}

/**
 * Contract: appends are invisible until `commit` resolves; a commit applies all its samples or none.
 * Samples of a series must come in increasing time order (out-of-order window 0): an older timestamp is
 * refused with `out_of_order_sample`, the same timestamp with another value with `duplicate_sample_for_timestamp`
 * (the same value is accepted and ignored). Queriers see the samples committed before each iterator is created.
 */
export class MemoryStorage implements Appendable, Queryable {
  private readonly byRef = new Map<SeriesRef, StoredSeries>();
  private readonly byHash = new Map<number, StoredSeries[]>();
  /** Visible series sorted by labels. */
  private sorted: StoredSeries[] = [];
  private nextRef = 1;
  private closed = false;

  appender(): Appender {
    return new MemoryAppender(this);
  }

  querier(mint: number, maxt: number): Querier {
    if (this.closed) throw new StorageError('closed', 'storage is closed');
    return new MemoryQuerier(this.sorted, mint, maxt);
  }

  /** Drops every series (promqltest `clear`). */
  clear(): void {
    this.byRef.clear();
    this.byHash.clear();
    this.sorted = [];
  }

  close(): void {
    this.closed = true;
  }

  /** Number of visible series. */
  get seriesCount(): number {
    return this.sorted.length;
  }

  /** @internal */
  seriesFor(ref: SeriesRef, labels: Labels): StoredSeries {
    if (this.closed) throw new StorageError('closed', 'storage is closed');
    if (ref !== 0) {
      const s = this.byRef.get(ref);
      if (s !== undefined && s.labels.equals(labels)) return s;
    }
    const h = labels.hash();
    const bucket = this.byHash.get(h);
    if (bucket !== undefined) {
      for (const s of bucket) if (s.labels.equals(labels)) return s;
    }
    validateLabels(labels);
    const s: StoredSeries = { ref: this.nextRef++, labels, ts: new Float64Array(4), vs: new Float64Array(4), count: 0, visible: false };
    this.byRef.set(s.ref, s);
    if (bucket === undefined) this.byHash.set(h, [s]);
    else bucket.push(s);
    return s;
  }

  /** @internal Applies validated samples; all or nothing. */
  apply(pending: readonly Pending[]): void {
    // Validate the whole batch against the current state first, so a concurrent commit cannot half-apply this one.
    const lastT = new Map<StoredSeries, number>();
    for (const p of pending) {
      const prev = lastT.get(p.series) ?? (p.series.count > 0 ? (p.series.ts[p.series.count - 1] as number) : -Infinity);
      if (p.t < prev) throw outOfOrder(p.series, p.t);
      lastT.set(p.series, Math.max(prev, p.t));
    }
    const added: StoredSeries[] = [];
    for (const p of pending) {
      const s = p.series;
      if (s.count > 0 && (s.ts[s.count - 1] as number) === p.t) continue; // accepted duplicate
      if (s.count === s.ts.length) {
        const ts = new Float64Array(s.ts.length * 2);
        const vs = new Float64Array(s.vs.length * 2);
        ts.set(s.ts);
        vs.set(s.vs);
        s.ts = ts;
        s.vs = vs;
      }
      s.ts[s.count] = p.t;
      s.vs[s.count] = p.stale ? STALE_NAN : p.v;
      s.count++;
      if (!s.visible) {
        s.visible = true;
        added.push(s);
      }
    }
    if (added.length > 0) {
      // Copy-on-write so open queriers keep their snapshot of the series list.
      const next = this.sorted.concat(added);
      next.sort((a, b) => compareLabels(a.labels, b.labels));
      this.sorted = next;
    }
  }
}

/** @internal */
interface Pending {
  series: StoredSeries;
  t: number;
  v: number;
  /** V8 may canonicalise NaN payloads in object fields and arrays, so the marker travels as a flag. */
  stale: boolean;
}

function validateLabels(labels: Labels): void {
  const f = labels.flat;
  if (f.length === 0) throw new StorageError('bad_labels', 'empty label set');
  for (let i = 0; i < f.length; i += 2) {
    if (f[i] === '') throw new StorageError('bad_labels', `empty label name in ${labels.toString()}`);
    if (i > 0 && f[i] === f[i - 2]) throw new StorageError('bad_labels', `duplicate label name ${f[i]} in ${labels.toString()}`);
  }
}

function outOfOrder(s: StoredSeries, t: number): StorageError {
  return new StorageError('out_of_order_sample', `out of order sample at ${t} for series ${s.labels.toString()}`);
}

function sameValue(a: number, aStale: boolean, b: number): boolean {
  if (a !== a && b !== b) return aStale === isStaleNaN(b);
  return Object.is(a, b);
}

class MemoryAppender implements Appender {
  private readonly pending: Pending[] = [];
  /** Latest timestamp and value per series in this transaction (committed or pending). */
  private readonly last = new Map<StoredSeries, { t: number; v: number; stale: boolean }>();
  private done = false;

  constructor(private readonly storage: MemoryStorage) {}

  append(ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef {
    if (this.done) throw new StorageError('closed', 'appender already committed or rolled back');
    if (!Number.isFinite(t)) throw new StorageError('out_of_bounds', `timestamp ${t} is not finite`);
    const s = this.storage.seriesFor(ref, labels);
    let last = this.last.get(s);
    if (last === undefined && s.count > 0) {
      const lv = s.vs[s.count - 1] as number;
      last = { t: s.ts[s.count - 1] as number, v: lv, stale: isStaleNaN(lv) };
    }
    if (last !== undefined) {
      if (t < last.t) throw outOfOrder(s, t);
      if (t === last.t) {
        if (!sameValue(last.v, last.stale, v)) {
          throw new StorageError('duplicate_sample_for_timestamp', `duplicate sample for timestamp ${t} with another value for series ${labels.toString()}`);
        }
        return s.ref;
      }
    }
    this.last.set(s, { t, v, stale: isStaleNaN(v) });
    this.pending.push({ series: s, t, v, stale: isStaleNaN(v) });
    return s.ref;
  }

  commit(): Promise<void> {
    if (this.done) return Promise.reject(new StorageError('closed', 'appender already committed or rolled back'));
    this.done = true;
    try {
      this.storage.apply(this.pending);
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  rollback(): void {
    this.done = true;
    this.pending.length = 0;
  }
}

class MemoryQuerier implements Querier {
  constructor(
    private readonly all: readonly StoredSeries[],
    private readonly mint: number,
    private readonly maxt: number,
  ) {}

  private matching(matchers: readonly Matcher[] | undefined): StoredSeries[] {
    const out: StoredSeries[] = [];
    outer: for (const s of this.all) {
      if (matchers !== undefined) {
        for (const m of matchers) if (!m.matches(s.labels.get(m.name))) continue outer;
      }
      out.push(s);
    }
    return out;
  }

  select(matchers: readonly Matcher[], _options?: { sorted?: boolean; hints?: SelectHints }): SeriesSet {
    const res: Series[] = [];
    for (const s of this.matching(matchers)) {
      // Snapshot: the arrays and count now; later appends replace or extend past `count` only.
      const ts = s.ts;
      const vs = s.vs;
      const n = s.count;
      const lo = lowerBound(ts, n, this.mint);
      const hi = upperBound(ts, n, this.maxt);
      if (hi <= lo) continue;
      res.push({ labels: s.labels, iterator: () => new ArrayIterator(ts, vs, lo, hi) });
    }
    return new ArraySeriesSet(res);
  }

  labelNames(matchers?: readonly Matcher[]): string[] {
    const names = new Set<string>();
    for (const s of this.matching(matchers)) s.labels.forEach((n) => names.add(n));
    return [...names].sort();
  }

  labelValues(name: string, matchers?: readonly Matcher[]): string[] {
    const values = new Set<string>();
    for (const s of this.matching(matchers)) {
      const v = s.labels.get(name);
      if (v !== '') values.add(v);
    }
    return [...values].sort();
  }

  close(): void {}
}

/** First index in ts[0..n) with ts[i] > t. */
function upperBound(ts: Float64Array, n: number, t: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((ts[mid] as number) <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index in ts[0..n) with ts[i] >= t. */
function lowerBound(ts: Float64Array, n: number, t: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((ts[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

class ArraySeriesSet implements SeriesSet {
  private i = -1;
  constructor(private readonly series: readonly Series[]) {}
  next(): boolean {
    return ++this.i < this.series.length;
  }
  at(): Series {
    return this.series[this.i] as Series;
  }
  err(): Error | undefined {
    return undefined;
  }
  warnings(): readonly string[] {
    return [];
  }
}

/** Iterates ts/vs[lo..hi). */
export class ArrayIterator implements SampleIterator {
  private i: number;
  constructor(
    private readonly ts: Float64Array,
    private readonly vs: Float64Array,
    private readonly lo: number,
    private readonly hi: number,
  ) {
    this.i = lo - 1;
  }
  next(): boolean {
    if (this.i < this.hi) this.i++;
    return this.i < this.hi;
  }
  seek(t: number): boolean {
    if (this.i < this.lo) this.i = this.lo;
    while (this.i < this.hi && (this.ts[this.i] as number) < t) this.i++;
    return this.i < this.hi;
  }
  atT(): number {
    return this.ts[this.i] as number;
  }
  atV(): number {
    return this.vs[this.i] as number;
  }
  err(): Error | undefined {
    return undefined;
  }
}
