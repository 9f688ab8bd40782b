// Merges series of several sorted SeriesSets (e.g. one per block) into one, merging samples of equal series.
//
// Samples of a series present in several sets are merged by time; at equal timestamps the first set's
// sample wins (blocks are passed oldest first, as Prometheus deduplicates overlapping blocks).

import { compareLabels } from '../model/labels.js';
import type { Labels } from '../model/labels.js';
import type { SampleIterator, Series, SeriesSet } from '../storage/queryable.js';

export class MergeSeriesSet implements SeriesSet {
  private readonly sets: SeriesSet[];
  /** Whether sets[i] has a current series. */
  private readonly live: boolean[];
  private cur: Series | undefined;
  private error: Error | undefined;
  private started = false;

  constructor(sets: SeriesSet[]) {
    this.sets = sets;
    this.live = sets.map(() => false);
  }

  next(): boolean {
    if (this.error !== undefined) return false;
    if (!this.started) {
      this.started = true;
      for (let i = 0; i < this.sets.length; i++) this.live[i] = this.advance(i);
    }
    if (this.error !== undefined) return false;
    let min: Labels | undefined;
    for (let i = 0; i < this.sets.length; i++) {
      if (!this.live[i]) continue;
      const l = (this.sets[i] as SeriesSet).at().labels;
      if (min === undefined || compareLabels(l, min) < 0) min = l;
    }
    if (min === undefined) return false;
    const parts: Series[] = [];
    for (let i = 0; i < this.sets.length; i++) {
      if (!this.live[i]) continue;
      const s = (this.sets[i] as SeriesSet).at();
      if (compareLabels(s.labels, min) === 0) {
        parts.push(s);
        this.live[i] = this.advance(i);
      }
    }
    if (this.error !== undefined) return false;
    this.cur = parts.length === 1 ? (parts[0] as Series) : new MergedSeries(min, parts);
    return true;
  }

  private advance(i: number): boolean {
    const s = this.sets[i] as SeriesSet;
    if (s.next()) return true;
    const e = s.err();
    if (e !== undefined && this.error === undefined) this.error = e;
    return false;
  }

  at(): Series {
    return this.cur as Series;
  }

  err(): Error | undefined {
    return this.error;
  }

  warnings(): readonly string[] {
    return this.sets.flatMap((s) => s.warnings());
  }
}

class MergedSeries implements Series {
  readonly labels: Labels;
  private readonly parts: Series[];

  constructor(labels: Labels, parts: Series[]) {
    this.labels = labels;
    this.parts = parts;
  }

  iterator(): SampleIterator {
    return new MergeSampleIterator(this.parts.map((p) => p.iterator()));
  }
}

/** Merges sample iterators by time; at equal timestamps the earliest iterator's sample wins. */
export class MergeSampleIterator implements SampleIterator {
  private readonly its: SampleIterator[];
  private readonly live: Uint8Array;
  private cur = -1;
  private started = false;
  private error: Error | undefined;

  constructor(its: SampleIterator[]) {
    this.its = its;
    this.live = new Uint8Array(its.length);
  }

  next(): boolean {
    if (!this.started) {
      this.started = true;
      for (let i = 0; i < this.its.length; i++) this.live[i] = this.step(i, (this.its[i] as SampleIterator).next());
    } else if (this.cur >= 0) {
      // Advance every iterator that sits on the current timestamp.
      const t = (this.its[this.cur] as SampleIterator).atT();
      for (let i = 0; i < this.its.length; i++) {
        const it = this.its[i] as SampleIterator;
        if (this.live[i] && it.atT() === t) this.live[i] = this.step(i, it.next());
      }
    }
    return this.pick();
  }

  seek(t: number): boolean {
    if (this.started && this.cur >= 0 && (this.its[this.cur] as SampleIterator).atT() >= t) return true;
    this.started = true;
    for (let i = 0; i < this.its.length; i++) {
      const it = this.its[i] as SampleIterator;
      if (this.live[i] || this.cur < 0) this.live[i] = this.step(i, it.seek(t));
    }
    return this.pick();
  }

  private step(i: number, ok: boolean): number {
    if (!ok) {
      const e = (this.its[i] as SampleIterator).err();
      if (e !== undefined && this.error === undefined) this.error = e;
    }
    return ok ? 1 : 0;
  }

  private pick(): boolean {
    this.cur = -1;
    if (this.error !== undefined) return false;
    let best = Infinity;
    for (let i = 0; i < this.its.length; i++) {
      if (!this.live[i]) continue;
      const t = (this.its[i] as SampleIterator).atT();
      if (t < best) {
        best = t;
        this.cur = i;
      }
    }
    return this.cur >= 0;
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
