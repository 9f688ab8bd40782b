// Reads several queriers as one: series merged by labels, their samples chained by time without duplicates.

import { compareLabels, compareStrings, type Labels } from '../model/labels.js';
import type { Matcher } from '../model/matcher.js';
import { ChainSampleIterator } from './chain-sample-iterator.js';
import type { Querier, SampleIterator, Series, SeriesSet, SelectHints } from './queryable.js';

export interface MergeQuerierOptions {
  /** How many of the queriers (from the front) are primaries: their errors fail the read. The rest only warn. */
  primaries?: number;
}

/**
 * Contract: `select` asks every querier for sorted series (merging needs them) and returns sorted series.
 * On equal timestamps the querier listed first wins. A secondary's failure becomes a warning on the result.
 */
export class MergeQuerier implements Querier {
  private readonly primaries: number;
  /** Warnings from label queries of secondaries (select reports its own through the series set). */
  readonly warnings: string[] = [];

  constructor(
    private readonly queriers: readonly Querier[],
    options: MergeQuerierOptions = {},
  ) {
    this.primaries = options.primaries ?? queriers.length;
  }

  select(matchers: readonly Matcher[], options?: { sorted?: boolean; hints?: SelectHints }): SeriesSet {
    if (this.queriers.length === 1) return (this.queriers[0] as Querier).select(matchers, options);
    const sets: SeriesSet[] = [];
    const warnings: string[] = [];
    for (let i = 0; i < this.queriers.length; i++) {
      const q = this.queriers[i] as Querier;
      try {
        sets.push(q.select(matchers, { ...options, sorted: true }));
      } catch (err) {
        if (i < this.primaries) return new ErrorSeriesSet(asError(err));
        warnings.push(`secondary storage select failed: ${asError(err).message}`);
      }
    }
    return new MergeSeriesSet(sets, this.primaries, warnings);
  }

  labelNames(matchers?: readonly Matcher[]): string[] {
    return this.mergeStrings((q) => q.labelNames(matchers));
  }

  labelValues(name: string, matchers?: readonly Matcher[]): string[] {
    return this.mergeStrings((q) => q.labelValues(name, matchers));
  }

  private mergeStrings(get: (q: Querier) => string[]): string[] {
    const all = new Set<string>();
    for (let i = 0; i < this.queriers.length; i++) {
      try {
        for (const s of get(this.queriers[i] as Querier)) all.add(s);
      } catch (err) {
        if (i < this.primaries) throw err;
        this.warnings.push(`secondary storage label query failed: ${asError(err).message}`);
      }
    }
    return [...all].sort(compareStrings);
  }

  close(): void {
    for (const q of this.queriers) q.close();
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

class ErrorSeriesSet implements SeriesSet {
  constructor(private readonly error: Error) {}
  next(): boolean {
    return false;
  }
  at(): Series {
    throw this.error;
  }
  err(): Error {
    return this.error;
  }
  warnings(): readonly string[] {
    return [];
  }
}

/** K-way merge of sorted series sets; series with equal labels from several sets become one chained series. */
export class MergeSeriesSet implements SeriesSet {
  private readonly heads: (Series | undefined)[];
  private cur: Series | undefined;
  private error: Error | undefined;
  private started = false;

  constructor(
    private readonly sets: readonly SeriesSet[],
    private readonly primaries: number,
    private readonly warns: string[] = [],
  ) {
    this.heads = new Array<Series | undefined>(sets.length).fill(undefined);
  }

  private advance(i: number): void {
    const set = this.sets[i] as SeriesSet;
    if (set.next()) {
      this.heads[i] = set.at();
      return;
    }
    this.heads[i] = undefined;
    const e = set.err();
    if (e === undefined) return;
    if (i < this.primaries) this.error ??= e;
    else this.warns.push(`secondary storage read failed: ${e.message}`);
  }

  next(): boolean {
    if (this.error !== undefined) return false;
    if (!this.started) {
      this.started = true;
      for (let i = 0; i < this.sets.length; i++) this.advance(i);
    }
    let min: Labels | undefined;
    for (const h of this.heads) if (h !== undefined && (min === undefined || compareLabels(h.labels, min) < 0)) min = h.labels;
    if (min === undefined || this.error !== undefined) return false;
    const parts: Series[] = [];
    for (let i = 0; i < this.heads.length; i++) {
      const h = this.heads[i];
      if (h !== undefined && compareLabels(h.labels, min) === 0) {
        parts.push(h);
        this.advance(i);
      }
    }
    this.cur = parts.length === 1 ? parts[0] : new ChainedSeries(min, parts);
    return this.error === undefined;
  }

  at(): Series {
    return this.cur as Series;
  }

  err(): Error | undefined {
    return this.error;
  }

  warnings(): readonly string[] {
    const all = [...this.warns];
    for (let i = 0; i < this.sets.length; i++) all.push(...(this.sets[i] as SeriesSet).warnings());
    return all;
  }
}

class ChainedSeries implements Series {
  constructor(
    readonly labels: Labels,
    private readonly parts: readonly Series[],
  ) {}

  iterator(): SampleIterator {
    return new ChainSampleIterator(this.parts.map((p) => p.iterator()));
  }
}
