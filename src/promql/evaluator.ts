// Evaluates a PromQL syntax tree over a whole range of steps at once (an instant query is a range of one step).
//
// Every instant-vector node evaluates to series whose points sit on the step timestamps; selectors read each
// series once for all steps, and range functions slide a window over typed arrays without an object per sample.

import { formatGoFloatG } from '../model/go-float-format.js';
import { Labels, LabelsBuilder, METRIC_NAME, compareLabels } from '../model/labels.js';
import { Matcher } from '../model/matcher.js';
import { AnchoredRegex } from '../model/regex.js';
import { isStaleNaN } from '../model/stale-nan.js';
import type { Queryable, SampleIterator } from '../storage/queryable.js';
import type {
  AggregateExpr,
  BinaryExpr,
  Call,
  DurationExpr,
  Expr,
  MatrixSelector,
  StartOrEnd,
  SubqueryExpr,
  VectorMatching,
  VectorSelector,
} from './ast.js';
import { Annotations } from './annotations.js';
import { SERIES_AGGREGATIONS, SeriesAggregator, TopkAggregator, aggregate } from './aggregate.js';
import { BinopCache, vectorBinop, vectorBinopSeries, vectorScalarBinop, scalarBinop } from './binary-op.js';
import { bucketFraction, bucketQuantile, type Bucket } from './bucket-quantile.js';
import { DATE_FUNCTIONS, MATH_FUNCTIONS, dateValue, naturalCompare, roundTo } from './instant-functions.js';
import { QueryError, execError } from './query-error.js';
import { anchoredValue, checkExtendedFunction, smoothedValue } from './extended-range.js';
import { KEEPS_NAME, RANGE_FUNCTIONS, type RangeWindow } from './range-functions.js';
import { SampleReader, type SampleBuffers } from './sample-reader.js';
import type { Sample, Series } from './value.js';

/** The limits and switches an evaluation runs with. */
export interface EvalOptions {
  lookbackDelta: number;
  defaultSubqueryStep: number;
  maxSamples: number;
  enableDelayedNameRemoval: boolean;
  /** Read start timestamps from the storage for rate/increase/irate/resets (EngineOptions.useStartTimestamps). */
  useStartTimestamps?: boolean;
  /** Throws when the query must stop (timeout, cancel). Called often enough to keep a stop prompt. */
  checkInterrupt: () => void;
  /** A promise to await before the next node when the query should let the event loop run; else undefined. */
  yieldToEventLoop?: () => Promise<void> | undefined;
}

/** What a node evaluated to, over all steps. */
export type Evaluated =
  | { kind: 'vector'; series: Series[] }
  | { kind: 'scalar'; vals: Float64Array }
  | { kind: 'string'; s: string }
  | { kind: 'matrix'; series: Series[] };

/** A series read from storage (or produced by a subquery): raw samples with staleness markers removed or flagged. */
interface RawSeries {
  metric: Labels;
  ts: Float64Array;
  vs: Float64Array;
  /** 1 where the sample is a staleness marker; undefined when there are none. */
  stale: Uint8Array | undefined;
  /** Start timestamps (NaN: none) when the engine uses them and the series has any; else undefined. */
  sts?: Float64Array | undefined;
}

/** Where a range function reads its series from: streamed from storage, or a subquery's materialised result. */
interface RawSource {
  forEach(fn: (s: RawSeries) => void): Promise<void>;
  refs: Float64Array;
  range: number;
  selector?: VectorSelector;
  /** For a selector: filled in by forEach before the first series. */
  probe?: MetadataProbe;
}

/** What the storage says about metadata labels, asked once per selection instead of reading each series' labels. */
interface MetadataProbe {
  /** No series in the storage has a `__type__` or `__unit__` label: a series' metadata is its name alone. */
  noTypeOrUnit: boolean;
}

/** Classic buckets of one histogram (series equal but for `le`) at one step. */
interface BucketGroup {
  metric: Labels;
  dropName: boolean;
  buckets: Bucket[];
  /** Metric name of the bucket series, for annotations. */
  name: string;
}

/** What a query did, for the API and benchmarks. */
export interface QueryStats {
  /** Samples read from storage (including staleness markers). */
  samplesRead: number;
  /**
   * Prometheus's totalQueryableSamples: the samples the query's selectors yielded, summed over steps — one per
   * series and step an instant selector selects a point for, and every point of each range window (of a range
   * selector or of a subquery's result). The selectors inside a subquery are not counted, as in Prometheus.
   */
  totalQueryableSamples: number;
  /** The most samples one node of the evaluation held at once (Prometheus's peakSamples counts all nodes alive at once). */
  peakSamples: number;
}

/** The label set without the name and its metadata labels (what dropping the name removes). */
export function dropMetricName(l: Labels): Labels {
  const f = l.flat;
  let found = 0;
  for (let i = 0; i < f.length; i += 2) if (isMetadata(f[i] as string)) found++;
  if (found === 0) return l;
  const out = new Array<string>(f.length - 2 * found);
  let o = 0;
  for (let k = 0; k < f.length; k += 2) {
    const n = f[k] as string;
    if (isMetadata(n)) continue;
    out[o++] = n;
    out[o++] = f[k + 1] as string;
  }
  return Labels.fromSortedFlat(out);
}

/**
 * True when sum/avg/.../topk/bottomk of `e` group and output the same whether or not the name (and its metadata
 * labels) of their input series are dropped first: `without` leaves them out of groups anyway, `by` unless it lists
 * one of them. (topk/bottomk output their input series: the caller drops the name there.)
 */
function pendingNameDropOk(e: AggregateExpr): boolean {
  return e.without || !e.grouping.some((n) => n === '__name__' || n === '__type__' || n === '__unit__');
}

/** True when `a` and `b` have the same name and metadata labels (what dropping the name removes). */
function sameMetadata(a: Labels, b: Labels): boolean {
  const fa = a.flat;
  const fb = b.flat;
  // Labels are sorted by name: the metadata labels are among the first, the scan ends after the last of them.
  let i = 0;
  let j = 0;
  for (;;) {
    while (i < fa.length && !isMetadata(fa[i] as string) && (fa[i] as string) < '__unit__') i += 2;
    while (j < fb.length && !isMetadata(fb[j] as string) && (fb[j] as string) < '__unit__') j += 2;
    const ma = i < fa.length && isMetadata(fa[i] as string);
    const mb = j < fb.length && isMetadata(fb[j] as string);
    if (!ma || !mb) return ma === mb;
    if (fa[i] !== fb[j] || fa[i + 1] !== fb[j + 1]) return false;
    i += 2;
    j += 2;
  }
}

function isMetadata(n: string): boolean {
  return n === '__name__' || n === '__type__' || n === '__unit__';
}

export class Evaluator {
  readonly annotations: Annotations;
  readonly stats: QueryStats;
  /** Sample buffers reused by every storage read of this query. */
  private readonly buffers: SampleBuffers;

  constructor(
    private readonly queryable: Queryable,
    readonly start: number,
    readonly end: number,
    readonly interval: number,
    private readonly opts: EvalOptions,
    /** The query's own start and end, for `@ start()` / `@ end()`, and for `step()`/`range()` durations. */
    private readonly query: { start: number; end: number; step: number },
    annotations?: Annotations,
    shared?: { stats: QueryStats; buffers: SampleBuffers },
  ) {
    this.annotations = annotations ?? new Annotations();
    this.stats = shared?.stats ?? { samplesRead: 0, totalQueryableSamples: 0, peakSamples: 0 };
    this.buffers = shared?.buffers ?? { ts: new Float64Array(1024), vs: new Float64Array(1024) };
  }

  get steps(): number {
    return Math.floor((this.end - this.start) / this.interval) + 1;
  }

  stepTime(i: number): number {
    return this.start + i * this.interval;
  }

  /** The step index of a step timestamp. */
  stepOf(t: number): number {
    return Math.round((t - this.start) / this.interval);
  }

  private withSteps(start: number, end: number, interval: number): Evaluator {
    // Every step holds at least one value: more steps than the sample limit can never be evaluated.
    if ((end - start) / interval + 1 > this.opts.maxSamples) {
      throw new QueryError('too_many_samples', 'query processing would load too many samples into memory in query execution');
    }
    const ev = new Evaluator(this.queryable, start, end, interval, this.opts, this.query, this.annotations, { stats: this.stats, buffers: this.buffers });
    return ev;
  }

  /** Checks that one node's samples (held in memory together) stay within the limit. */
  private account(n: number): void {
    if (n > this.stats.peakSamples) this.stats.peakSamples = n;
    if (n > this.opts.maxSamples) {
      throw new QueryError('too_many_samples', 'query processing would load too many samples into memory in query execution');
    }
  }

  async eval(e: Expr): Promise<Evaluated> {
    const pause = this.opts.yieldToEventLoop?.();
    if (pause !== undefined) await pause;
    this.opts.checkInterrupt();
    switch (e.type) {
      case 'NumberLiteral':
        return { kind: 'scalar', vals: new Float64Array(this.steps).fill(e.val) };
      case 'StringLiteral':
        return { kind: 'string', s: e.val };
      case 'ParenExpr':
      case 'StepInvariantExpr':
        return await this.eval(e.expr);
      case 'UnaryExpr': {
        const v = await this.eval(e.expr);
        if (e.op === '+') return v;
        if (v.kind === 'scalar') return { kind: 'scalar', vals: v.vals.map((x) => -x) };
        if (v.kind === 'vector') {
          for (const s of v.series) {
            s.fs = s.fs.map((x) => -x);
            this.dropName(s);
          }
          return v;
        }
        throw execError(`unary minus is not defined on ${v.kind}`);
      }
      case 'VectorSelector':
        return { kind: 'vector', series: await this.evalVectorSelector(e) };
      case 'MatrixSelector':
        return { kind: 'matrix', series: await this.evalMatrixTopLevel(e) };
      case 'SubqueryExpr':
        return { kind: 'matrix', series: await this.evalSubqueryTopLevel(e) };
      case 'Call':
        return await this.evalCall(e);
      case 'AggregateExpr':
        return await this.evalAggregate(e);
      case 'BinaryExpr':
        return await this.evalBinary(e);
    }
  }

  // ---- names

  /** Marks the series' name as dropped (delayed name removal) or drops it now. */
  private dropName(s: { metric: Labels; dropName: boolean }): void {
    if (this.opts.enableDelayedNameRemoval) s.dropName = true;
    else s.metric = dropMetricName(s.metric);
  }

  // ---- time helpers

  /** Evaluates a duration expression to milliseconds. */
  durationMs(d: DurationExpr): number {
    return Math.round(this.durationSeconds(d) * 1000);
  }

  private durationSeconds(d: DurationExpr | { type: 'NumberLiteral'; val: number }): number {
    if (d.type === 'NumberLiteral') return d.val;
    const l = d.lhs === undefined ? NaN : this.durationSeconds(d.lhs);
    const r = d.rhs === undefined ? NaN : this.durationSeconds(d.rhs);
    switch (d.op) {
      case 'step':
        return this.query.step / 1000;
      case 'range':
        return (this.query.end - this.query.start) / 1000;
      case 'min_of':
        return Math.min(l, r);
      case 'max_of':
        return Math.max(l, r);
      case '+':
        return d.lhs === undefined ? r : l + r;
      case '-':
        return d.lhs === undefined ? -r : l - r;
      case '*':
        return l * r;
      case '/':
        return l / r;
      case '%':
        return l % r;
      case '^':
        return Math.pow(l, r);
    }
  }

  private offsetOf(e: VectorSelector | SubqueryExpr): number {
    return e.offsetExpr !== undefined ? this.durationMs(e.offsetExpr) : e.offset;
  }

  private atOf(timestamp: number | undefined, startOrEnd: StartOrEnd | undefined): number | undefined {
    if (startOrEnd === 'start') return this.query.start;
    if (startOrEnd === 'end') return this.query.end;
    return timestamp;
  }

  /** Reference time per step for a selector: its `@` time or the step time, minus its offset. */
  private refTimes(at: number | undefined, offset: number): Float64Array {
    const n = this.steps;
    const refs = new Float64Array(n);
    for (let i = 0; i < n; i++) refs[i] = (at ?? this.stepTime(i)) - offset;
    return refs;
  }

  // ---- storage reads

  /**
   * Streams the series that match, with their samples in [mint, maxt], to `fn` one at a time, in label order.
   * The sample arrays are reused for the next series: `fn` must copy what it keeps.
   */
  private async forEachFetched(
    matchers: readonly Matcher[],
    mint: number,
    maxt: number,
    fn: (s: RawSeries) => void,
    /** Step reference times and window width; only samples inside some (ref - width, ref] are needed. */
    needed?: { refs: Float64Array; width: number },
    /** Also read start timestamps (when the storage keeps them). */
    withST = this.opts.useStartTimestamps === true,
    /** Only the newest sample at or before this time is needed (an instant vector selector): storages may say it cheaply. */
    lastAt?: number,
    /** Filled in before the first series. */
    probe?: MetadataProbe,
  ): Promise<void> {
    this.opts.checkInterrupt();
    const windows = needed !== undefined && Evaluator.disjoint(needed.refs, needed.width) ? needed : undefined;
    const q = this.queryable.querier(mint, maxt);
    try {
      if (probe !== undefined) probe.noTypeOrUnit = q.labelValues('__type__').length === 0 && q.labelValues('__unit__').length === 0;
      // Each series is read to its end before the loop can yield (below, before the next series' iterator).
      const set = q.select(matchers, { sorted: true, hints: { start: mint, end: maxt, readsAtOnce: true } });
      const reader = new SampleReader(this.buffers);
      const last = { t: 0, v: 0 };
      // Views [0, n) of the shared buffers, made once per length (series mostly have the same few lengths).
      let viewsOf = this.buffers.ts;
      let tsViews: Float64Array[] = [];
      let vsViews: Float64Array[] = [];
      const views = (n: number): void => {
        const b = this.buffers;
        if (b.ts !== viewsOf) {
          viewsOf = b.ts;
          tsViews = [];
          vsViews = [];
        }
        if (tsViews[n] === undefined || (vsViews[n] as Float64Array).buffer !== b.vs.buffer) {
          tsViews[n] = b.ts.subarray(0, n);
          vsViews[n] = b.vs.subarray(0, n);
        }
      };
      let it: SampleIterator | undefined;
      let read = 0;
      let count = 0;
      while (set.next()) {
        if ((++count & 63) === 0) {
          this.opts.checkInterrupt();
          if ((count & 255) === 0) {
            const pause = this.opts.yieldToEventLoop?.();
            if (pause !== undefined) await pause;
          }
        }
        const s = set.at();
        if (lastAt !== undefined && s.lastSample !== undefined) {
          const found = s.lastSample(lastAt, last);
          if (found === false) continue;
          if (found === true) {
            const b = this.buffers;
            b.ts[0] = last.t;
            b.vs[0] = last.v;
            read++;
            const v = last.v;
            views(1);
            fn({ metric: s.labels, ts: tsViews[1] as Float64Array, vs: vsViews[1] as Float64Array, stale: v !== v && isStaleNaN(v) ? Uint8Array.of(1) : undefined });
            continue;
          }
        }
        // The previous series' iterator is done with: the storage may reset it for this one.
        it = s.iterator(it);
        // Start timestamps are read only when the engine uses them and the storage keeps them for this series.
        reader.start(it, withST);
        if (windows === undefined) reader.read(mint, maxt);
        else {
          // Disjoint windows (step wider than the range): read only (ref - width, ref] of each step.
          for (let i = 0; i < windows.refs.length; i++) {
            const ref = windows.refs[i] as number;
            if (!reader.read(ref - windows.width + 1, ref)) break;
          }
        }
        const err = it.err();
        if (err !== undefined) throw err;
        const n = reader.n;
        if (n === 0) continue;
        read += n;
        let stale: Uint8Array | undefined;
        if (reader.staleAt !== undefined) {
          stale = new Uint8Array(n);
          for (const i of reader.staleAt) stale[i] = 1;
        }
        const b = this.buffers;
        views(n);
        fn({ metric: s.labels, ts: tsViews[n] as Float64Array, vs: vsViews[n] as Float64Array, stale, sts: reader.anyST ? b.sts?.subarray(0, n) : undefined });
      }
      this.stats.samplesRead += read;
      const err = set.err();
      if (err !== undefined) throw err;
      for (const w of set.warnings()) this.annotations.addStorageWarning(w);
    } finally {
      q.close();
    }
  }

  /** True when the windows (ref - width, ref] of consecutive steps do not overlap, so reading them one by one skips samples. */
  private static disjoint(refs: Float64Array, width: number): boolean {
    if (refs.length < 2) return false;
    for (let i = 1; i < refs.length; i++) if ((refs[i] as number) - (refs[i - 1] as number) < width) return false;
    return true;
  }

  /** Drops staleness markers from raw series (range selections never include them). */
  private static withoutStale(s: RawSeries): RawSeries {
    if (s.stale === undefined) return s;
    let n = 0;
    const ts = new Float64Array(s.ts.length);
    const vs = new Float64Array(s.vs.length);
    const sts = s.sts === undefined ? undefined : new Float64Array(s.sts.length);
    for (let i = 0; i < s.ts.length; i++) {
      if (s.stale[i] === 1) continue;
      ts[n] = s.ts[i] as number;
      vs[n] = s.vs[i] as number;
      if (sts !== undefined) sts[n] = (s.sts as Float64Array)[i] as number;
      n++;
    }
    return { metric: s.metric, ts: ts.subarray(0, n), vs: vs.subarray(0, n), stale: undefined, sts: sts?.subarray(0, n) };
  }

  // ---- selectors

  /** `valueOf`: the sample's value, its time (`timestamp()`), or its start time, 0 when it has none (`start_timestamp()`). */
  private async evalVectorSelector(
    e: VectorSelector,
    valueOf: 'value' | 'time' | 'start' = 'value',
    /** Takes each series as it is read instead of the result keeping it (then the result is empty). */
    sink?: (s: Series) => void,
  ): Promise<Series[]> {
    const refs = this.refTimes(this.atOf(e.timestamp, e.startOrEnd), this.offsetOf(e));
    const lookback = this.opts.lookbackDelta;
    const minRef = Math.min(refs[0] as number, refs[refs.length - 1] as number);
    const maxRef = Math.max(refs[0] as number, refs[refs.length - 1] as number);
    const out: Series[] = [];
    const n = this.steps;
    let points = 0;
    const needed = e.smoothed ? undefined : { refs, width: lookback };
    const withST = valueOf === 'start' || this.opts.useStartTimestamps === true;
    // One step, not smoothed, no start timestamps wanted: only each series' newest sample at or before the step counts.
    const lastOnly = n === 1 && !e.smoothed && valueOf !== 'start';
    await this.forEachFetched(e.matchers, minRef - lookback + 1, maxRef + (e.smoothed ? lookback : 0), (s) => {
      // Made with the first point (an instant query's only one): no array grown from empty per series.
      let ts: number[] | undefined;
      let fs: number[] | undefined;
      let j = -1;
      for (let i = 0; i < n; i++) {
        const ref = refs[i] as number;
        if (j >= 0 && (s.ts[j] as number) > ref) j = -1; // refs went backwards (cannot happen today; be safe)
        while (j + 1 < s.ts.length && (s.ts[j + 1] as number) <= ref) j++;
        if (j < 0) continue;
        const t = s.ts[j] as number;
        if (t <= ref - lookback) continue;
        if (s.stale !== undefined && s.stale[j] === 1) continue;
        let v = s.vs[j] as number;
        // smoothed: interpolate towards the next sample when it lies within the lookback after ref.
        if (e.smoothed && t < ref && j + 1 < s.ts.length && (s.ts[j + 1] as number) <= ref + lookback && (s.stale === undefined || s.stale[j + 1] !== 1)) {
          const t2 = s.ts[j + 1] as number;
          v += (((s.vs[j + 1] as number) - v) * (ref - t)) / (t2 - t);
        }
        let f: number;
        if (valueOf === 'value') f = v;
        else if (valueOf === 'time') f = t / 1000;
        else {
          const st = s.sts === undefined ? NaN : (s.sts[j] as number);
          f = st === st ? st / 1000 : 0;
        }
        if (ts === undefined || fs === undefined) {
          ts = [this.stepTime(i)];
          fs = [f];
        } else {
          ts.push(this.stepTime(i));
          fs.push(f);
        }
      }
      if (ts !== undefined && fs !== undefined) {
        points += ts.length;
        const series: Series = { metric: s.metric, ts, fs, dropName: false };
        if (sink === undefined) out.push(series);
        else sink(series);
      }
    }, needed, withST, lastOnly ? (refs[0] as number) : undefined);
    this.account(points);
    this.stats.totalQueryableSamples += points;
    return out;
  }

  private rangeOf(e: MatrixSelector | SubqueryExpr): number {
    return e.rangeExpr !== undefined ? this.durationMs(e.rangeExpr) : e.range;
  }

  /** The raw series and per-step windows behind a range-vector argument (matrix selector or subquery). */
  private async rangeSource(e: Expr): Promise<RawSource> {
    while (e.type === 'ParenExpr' || e.type === 'StepInvariantExpr') e = e.expr;
    if (e.type === 'MatrixSelector') {
      const vs = e.vectorSelector;
      const range = this.rangeOf(e);
      const refs = this.refTimes(this.atOf(vs.timestamp, vs.startOrEnd), this.offsetOf(vs));
      const minRef = Math.min(refs[0] as number, refs[refs.length - 1] as number);
      const maxRef = Math.max(refs[0] as number, refs[refs.length - 1] as number);
      // Extended selectors also read a neighbour before the window (and after it, when smoothed).
      const extra = vs.anchored || vs.smoothed ? this.opts.lookbackDelta : 0;
      const after = vs.smoothed ? this.opts.lookbackDelta : 0;
      const mint = minRef - range - extra + 1;
      const maxt = maxRef + after;
      const needed = vs.anchored || vs.smoothed ? undefined : { refs, width: range };
      const probe: MetadataProbe = { noTypeOrUnit: false };
      return {
        forEach: async (fn) => this.forEachFetched(vs.matchers, mint, maxt, (s) => fn(Evaluator.withoutStale(s)), needed, undefined, undefined, probe),
        refs,
        range,
        selector: vs,
        probe,
      };
    }
    if (e.type === 'SubqueryExpr') return await this.subquerySource(e);
    throw execError(`expected a range vector, got ${e.type}`);
  }

  private async subquerySource(e: SubqueryExpr): Promise<RawSource> {
    const range = this.rangeOf(e);
    const offset = this.offsetOf(e);
    let step = e.stepExpr !== undefined ? this.durationMs(e.stepExpr) : e.step;
    if (step <= 0) step = this.opts.defaultSubqueryStep;
    const refs = this.refTimes(this.atOf(e.timestamp, e.startOrEnd), offset);
    const minRef = Math.min(refs[0] as number, refs[refs.length - 1] as number);
    const maxRef = Math.max(refs[0] as number, refs[refs.length - 1] as number);
    const from = minRef - range;
    let start = step * Math.trunc(from / step);
    if (start <= from) start += step;
    if (start > maxRef) return { forEach: async () => undefined, refs, range };
    const inner = this.withSteps(start, maxRef, step);
    // Prometheus counts the windows over a subquery's result, not the samples its inner selectors yield.
    const queryableBefore = this.stats.totalQueryableSamples;
    const v = await inner.eval(e.expr);
    this.stats.totalQueryableSamples = queryableBefore;
    const series: RawSeries[] = [];
    if (v.kind === 'vector') {
      for (const s of v.series) {
        // Subquery results keep pending name drops applied, as Prometheus's do when it materialises them.
        const metric = s.dropName ? dropMetricName(s.metric) : s.metric;
        series.push({ metric, ts: Float64Array.from(s.ts), vs: Float64Array.from(s.fs), stale: undefined });
      }
    } else if (v.kind === 'scalar') {
      const ts: number[] = [];
      for (let i = 0; i < inner.steps; i++) ts.push(inner.stepTime(i));
      series.push({ metric: Labels.EMPTY, ts: Float64Array.from(ts), vs: Float64Array.from(v.vals), stale: undefined });
    } else {
      throw execError('subquery is only allowed on instant vector');
    }
    return {
      forEach: async (fn) => {
        for (const x of series) fn(x);
      },
      refs,
      range,
    };
  }

  /** Windows (ref - range, ref] of each series at each step. Calls fn(series, step, lo, hi); `series` arrays are only valid during the call. */
  private async windows(src: RawSource, fn: (s: RawSeries, step: number, lo: number, hi: number) => void): Promise<void> {
    const n = this.steps;
    let count = 0;
    let queryable = 0;
    await src.forEach((s) => {
      if ((++count & 255) === 0) this.opts.checkInterrupt();
      let lo = 0;
      let hi = 0;
      for (let i = 0; i < n; i++) {
        const ref = src.refs[i] as number;
        const from = ref - src.range;
        if (i > 0 && ref < (src.refs[i - 1] as number)) {
          lo = 0;
          hi = 0;
        }
        while (lo < s.ts.length && (s.ts[lo] as number) <= from) lo++;
        if (hi < lo) hi = lo;
        while (hi < s.ts.length && (s.ts[hi] as number) <= ref) hi++;
        if (hi > lo) queryable += hi - lo;
        fn(s, i, lo, hi);
      }
    });
    this.stats.totalQueryableSamples += queryable;
  }

  private async evalMatrixTopLevel(e: MatrixSelector): Promise<Series[]> {
    return await this.rawWindowAtFirstStep(await this.rangeSource(e));
  }

  private async evalSubqueryTopLevel(e: SubqueryExpr): Promise<Series[]> {
    return await this.rawWindowAtFirstStep(await this.subquerySource(e));
  }

  /** A range vector as a value (instant queries only): the raw samples of the window at the first step. */
  private async rawWindowAtFirstStep(src: RawSource): Promise<Series[]> {
    const out: Series[] = [];
    const ref = src.refs[0] as number;
    let points = 0;
    await src.forEach((s) => {
      const ts: number[] = [];
      const fs: number[] = [];
      for (let i = 0; i < s.ts.length; i++) {
        const t = s.ts[i] as number;
        if (t > ref - src.range && t <= ref) {
          ts.push(t);
          fs.push(s.vs[i] as number);
        }
      }
      if (ts.length > 0) {
        points += ts.length;
        out.push({ metric: s.metric, ts, fs, dropName: false });
      }
    });
    this.account(points);
    this.stats.totalQueryableSamples += points;
    return out;
  }

  // ---- per-step helpers

  /** Splits step-aligned series into one vector per step. */
  stepVectors(series: Series[]): Sample[][] {
    const n = this.steps;
    const out: Sample[][] = Array.from({ length: n }, () => []);
    for (const s of series) {
      for (let k = 0; k < s.ts.length; k++) {
        const t = s.ts[k] as number;
        const i = Math.round((t - this.start) / this.interval);
        (out[i] as Sample[]).push({ metric: s.metric, t, f: s.fs[k] as number, dropName: s.dropName });
      }
    }
    return out;
  }

  /** Joins per-step vectors back into series, keyed by label set; two samples with one label set in a step fail. */
  collect(perStep: Sample[][]): Series[] {
    const bySig = new Map<number, Series[]>();
    const out: Series[] = [];
    const delayed = this.opts.enableDelayedNameRemoval;
    const dropped = new Map<Labels, Labels>();
    const keyOf = (l: Labels): Labels => {
      let k = dropped.get(l);
      if (k === undefined) {
        k = dropMetricName(l);
        dropped.set(l, k);
      }
      return k;
    };
    for (let i = 0; i < perStep.length; i++) {
      const t = this.stepTime(i);
      for (const smp of perStep[i] as Sample[]) {
        const key = delayed && smp.dropName ? keyOf(smp.metric) : smp.metric;
        const h = key.hash();
        let bucket = bySig.get(h);
        if (bucket === undefined) {
          bucket = [];
          bySig.set(h, bucket);
        }
        let series: Series | undefined;
        for (const s of bucket) {
          const sk = delayed && s.dropName ? keyOf(s.metric) : s.metric;
          if (sk.equals(key)) {
            series = s;
            break;
          }
        }
        if (series === undefined) {
          series = { metric: smp.metric, ts: [], fs: [], dropName: smp.dropName };
          bucket.push(series);
          out.push(series);
        } else if (series.ts.length > 0 && series.ts[series.ts.length - 1] === t) {
          throw execError('vector cannot contain metrics with the same labelset');
        }
        series.ts.push(t);
        series.fs.push(smp.f);
      }
    }
    return out;
  }

  // ---- calls

  private async evalCall(e: Call): Promise<Evaluated> {
    const name = e.func.name;
    const args = e.args;
    switch (name) {
      case 'time':
        return this.scalarPerStep((t) => t / 1000);
      case 'pi':
        return this.scalarPerStep(() => Math.PI);
      case 'min_of':
      case 'max_of': {
        const a = await this.evalScalar(args[0] as Expr);
        const b = await this.evalScalar(args[1] as Expr);
        const pick = name === 'min_of' ? Math.min : Math.max;
        return { kind: 'scalar', vals: a.map((x, i) => pick(x, b[i] as number)) };
      }
      case 'start':
        return this.scalarPerStep(() => this.query.start / 1000);
      case 'end':
        return this.scalarPerStep(() => this.query.end / 1000);
      case 'step':
        return this.scalarPerStep(() => this.query.step / 1000);
      case 'range':
        return this.scalarPerStep(() => (this.query.end - this.query.start) / 1000);
      case 'timestamp':
        return await this.evalTimestamp(args[0] as Expr);
      case 'start_timestamp':
        return await this.evalStartTimestamp(args[0] as Expr);
      case 'absent':
        return await this.evalAbsent(args[0] as Expr);
      case 'absent_over_time':
        return await this.evalAbsentOverTime(args[0] as Expr);
      case 'label_replace':
        return await this.evalLabelReplace(e);
      case 'label_join':
        return await this.evalLabelJoin(e);
      case 'vector': {
        const v = await this.evalScalar(args[0] as Expr);
        const ts: number[] = [];
        for (let i = 0; i < this.steps; i++) ts.push(this.stepTime(i));
        return { kind: 'vector', series: [{ metric: Labels.EMPTY, ts, fs: Array.from(v), dropName: false }] };
      }
      case 'scalar': {
        const per = this.stepVectors(await this.evalVector(args[0] as Expr));
        return { kind: 'scalar', vals: Float64Array.from(per, (v) => (v.length === 1 ? (v[0] as Sample).f : NaN)) };
      }
      case 'sort':
      case 'sort_desc':
      case 'sort_by_label':
      case 'sort_by_label_desc':
        return await this.evalSort(e);
      case 'histogram_quantile':
        return await this.evalHistogramQuantile(e);
      case 'histogram_quantiles':
        return await this.evalHistogramQuantiles(e);
      case 'histogram_fraction':
        return await this.evalHistogramFraction(e);
      case 'info':
        return await this.evalInfo(e);
    }
    const rangeFn = RANGE_FUNCTIONS.get(name);
    if (rangeFn !== undefined) return await this.evalRangeFunction(e, rangeFn);
    const math = MATH_FUNCTIONS.get(name);
    if (math !== undefined) return await this.mapVector(args[0] as Expr, (v) => math(v));
    const date = DATE_FUNCTIONS.get(name);
    if (date !== undefined) {
      if (args.length === 0) {
        const ts: number[] = [];
        const fs: number[] = [];
        for (let i = 0; i < this.steps; i++) {
          ts.push(this.stepTime(i));
          fs.push(dateValue(date, this.stepTime(i) / 1000));
        }
        return { kind: 'vector', series: [{ metric: Labels.EMPTY, ts, fs, dropName: false }] };
      }
      return await this.mapVector(args[0] as Expr, (v) => dateValue(date, v));
    }
    switch (name) {
      case 'round': {
        const to = args[1] === undefined ? undefined : await this.evalScalar(args[1]);
        return await this.mapVector(args[0] as Expr, (v, i) => roundTo(v, to === undefined ? 1 : (to[i] as number)));
      }
      case 'clamp': {
        const lo = await this.evalScalar(args[1] as Expr);
        const hi = await this.evalScalar(args[2] as Expr);
        return await this.mapVector(args[0] as Expr, (v, i) => {
          const min = lo[i] as number;
          const max = hi[i] as number;
          if (max < min) return undefined;
          return Math.max(min, Math.min(max, v));
        });
      }
      case 'clamp_min': {
        const lo = await this.evalScalar(args[1] as Expr);
        return await this.mapVector(args[0] as Expr, (v, i) => Math.max(lo[i] as number, v));
      }
      case 'clamp_max': {
        const hi = await this.evalScalar(args[1] as Expr);
        return await this.mapVector(args[0] as Expr, (v, i) => Math.min(hi[i] as number, v));
      }
    }
    throw execError(`function ${JSON.stringify(name)} is not supported for float samples`);
  }

  private scalarPerStep(fn: (t: number) => number): Evaluated {
    const vals = new Float64Array(this.steps);
    for (let i = 0; i < vals.length; i++) vals[i] = fn(this.stepTime(i));
    return { kind: 'scalar', vals };
  }

  async evalScalar(e: Expr): Promise<Float64Array> {
    const v = await this.eval(e);
    if (v.kind !== 'scalar') throw execError(`expected scalar, got ${v.kind}`);
    return v.vals;
  }

  async evalVector(e: Expr): Promise<Series[]> {
    const v = await this.eval(e);
    if (v.kind !== 'vector') throw execError(`expected instant vector, got ${v.kind}`);
    return v.series;
  }

  private async evalString(e: Expr): Promise<string> {
    const v = await this.eval(e);
    if (v.kind !== 'string') throw execError(`expected string, got ${v.kind}`);
    return v.s;
  }

  /** Applies fn to every point (undefined drops it); the metric name is dropped. */
  private async mapVector(arg: Expr, fn: (v: number, step: number) => number | undefined): Promise<Evaluated> {
    const series = await this.evalVector(arg);
    const out: Series[] = [];
    for (const s of series) {
      const ts: number[] = [];
      const fs: number[] = [];
      for (let k = 0; k < s.ts.length; k++) {
        const t = s.ts[k] as number;
        const r = fn(s.fs[k] as number, Math.round((t - this.start) / this.interval));
        if (r === undefined) continue;
        ts.push(t);
        fs.push(r);
      }
      if (ts.length === 0) continue;
      const ns: Series = { metric: s.metric, ts, fs, dropName: s.dropName };
      this.dropName(ns);
      out.push(ns);
    }
    return { kind: 'vector', series: this.mergeAfterNameDrop(out) };
  }

  /**
   * Merges series that share a label set (after pending name drops, which Prometheus keys output by), keeping
   * points in time order; two points at one step is Prometheus's "same labelset" error.
   */
  mergeSameLabels(series: Series[]): Series[] {
    const delayed = this.opts.enableDelayedNameRemoval;
    const byKey = new Map<number, Series[]>();
    const out: Series[] = [];
    let merged = false;
    for (const s of series) {
      const key = delayed && s.dropName ? dropMetricName(s.metric) : s.metric;
      const h = key.hash();
      let bucket = byKey.get(h);
      if (bucket === undefined) {
        bucket = [];
        byKey.set(h, bucket);
      }
      const same = bucket.find((x) => (delayed && x.dropName ? dropMetricName(x.metric) : x.metric).equals(key));
      if (same === undefined) {
        const copy = { metric: s.metric, ts: s.ts, fs: s.fs, dropName: s.dropName };
        bucket.push(copy);
        out.push(copy);
        continue;
      }
      merged = true;
      same.ts = same.ts.concat(s.ts);
      same.fs = same.fs.concat(s.fs);
    }
    if (!merged) return out;
    for (const s of out) {
      if (s.ts.length < 2) continue;
      const idx = s.ts.map((_, k) => k).sort((a, b) => (s.ts[a] as number) - (s.ts[b] as number));
      const ts = idx.map((k) => s.ts[k] as number);
      for (let k = 1; k < ts.length; k++) if (ts[k] === ts[k - 1]) throw execError('vector cannot contain metrics with the same labelset');
      s.fs = idx.map((k) => s.fs[k] as number);
      s.ts = ts;
    }
    return out;
  }

  /** After dropping names eagerly, two series may share labels: merge them unless they overlap in a step. */
  private mergeAfterNameDrop(series: Series[]): Series[] {
    if (this.opts.enableDelayedNameRemoval) return series;
    const seen = new Map<number, Series[]>();
    let dup = false;
    for (const s of series) {
      const h = s.metric.hash();
      const b = seen.get(h);
      if (b === undefined) seen.set(h, [s]);
      else {
        b.push(s);
        dup = true;
      }
    }
    if (!dup) return series;
    return this.collect(this.stepVectors(series));
  }

  private async evalTimestamp(arg: Expr): Promise<Evaluated> {
    let inner = arg;
    while (inner.type === 'ParenExpr' || inner.type === 'StepInvariantExpr') inner = inner.expr;
    if (inner.type === 'VectorSelector') {
      const series = await this.evalVectorSelector(inner, 'time');
      for (const s of series) this.dropName(s);
      return { kind: 'vector', series: this.mergeAfterNameDrop(series) };
    }
    return await this.mapVectorWithTime(arg, (_v, t) => t / 1000);
  }

  /** start_timestamp(): the start time of each selected sample; an expression's results have none, so no output. */
  private async evalStartTimestamp(arg: Expr): Promise<Evaluated> {
    let inner = arg;
    while (inner.type === 'ParenExpr' || inner.type === 'StepInvariantExpr') inner = inner.expr;
    if (inner.type !== 'VectorSelector') {
      await this.evalVector(arg);
      return { kind: 'vector', series: [] };
    }
    const series = await this.evalVectorSelector(inner, 'start');
    for (const s of series) this.dropName(s);
    return { kind: 'vector', series: this.mergeAfterNameDrop(series) };
  }

  private async mapVectorWithTime(arg: Expr, fn: (v: number, t: number) => number): Promise<Evaluated> {
    const series = await this.evalVector(arg);
    for (const s of series) {
      s.fs = s.fs.map((v, k) => fn(v, s.ts[k] as number));
      this.dropName(s);
    }
    return { kind: 'vector', series: this.mergeAfterNameDrop(series) };
  }

  private absentLabels(e: Expr): Labels {
    let inner = e;
    while (inner.type === 'ParenExpr' || inner.type === 'StepInvariantExpr') inner = inner.expr;
    let matchers: readonly Matcher[] = [];
    if (inner.type === 'VectorSelector') matchers = inner.matchers;
    else if (inner.type === 'MatrixSelector') matchers = inner.vectorSelector.matchers;
    else if (inner.type === 'SubqueryExpr') {
      let sq = inner.expr;
      while (sq.type === 'ParenExpr' || sq.type === 'StepInvariantExpr') sq = sq.expr;
      if (sq.type === 'VectorSelector') matchers = sq.matchers;
    }
    const b = new LabelsBuilder();
    const has = new Set<string>();
    for (const m of matchers) {
      if (m.name === METRIC_NAME) continue;
      if (m.type === '=' && !has.has(m.name)) {
        b.set(m.name, m.value);
        has.add(m.name);
      } else {
        b.del(m.name);
      }
    }
    return b.labels();
  }

  private async evalAbsent(arg: Expr): Promise<Evaluated> {
    const per = this.stepVectors(await this.evalVector(arg));
    const metric = this.absentLabels(arg);
    const ts: number[] = [];
    const fs: number[] = [];
    for (let i = 0; i < per.length; i++) {
      if ((per[i] as Sample[]).length === 0) {
        ts.push(this.stepTime(i));
        fs.push(1);
      }
    }
    return { kind: 'vector', series: ts.length === 0 ? [] : [{ metric, ts, fs, dropName: false }] };
  }

  private async evalAbsentOverTime(arg: Expr): Promise<Evaluated> {
    const src = await this.rangeSource(arg);
    const present = new Uint8Array(this.steps);
    await this.windows(src, (_s, i, lo, hi) => {
      if (hi > lo) present[i] = 1;
    });
    const ts: number[] = [];
    const fs: number[] = [];
    for (let i = 0; i < present.length; i++) {
      if (present[i] === 0) {
        ts.push(this.stepTime(i));
        fs.push(1);
      }
    }
    return { kind: 'vector', series: ts.length === 0 ? [] : [{ metric: this.absentLabels(arg), ts, fs, dropName: false }] };
  }

  /**
   * `pendingNameDrop`: when the function drops the name and the series are sure to stay distinct without it, only
   * mark them (`dropName`) and leave the dropping to the caller (an aggregation; see evalAggregate). `sink` (with
   * `pendingNameDrop`): when that is sure before the first series, each series goes to it as it is computed and the
   * result is empty; the series object is reused, the sink must not keep it or its arrays.
   */
  private async evalRangeFunction(
    e: Call,
    fn: (w: RangeWindow) => number | undefined,
    pendingNameDrop = false,
    sink?: (s: Series) => void,
  ): Promise<{ kind: 'vector'; series: Series[] }> {
    const name = e.func.name;
    const argTypes = e.func.argTypes;
    let matrixIdx = argTypes.indexOf('matrix');
    if (matrixIdx < 0) matrixIdx = 0;
    const params: Float64Array[] = [];
    for (let a = 0; a < e.args.length; a++) {
      if (a === matrixIdx) continue;
      params.push(await this.evalScalar(e.args[a] as Expr));
    }
    const src = await this.rangeSource(e.args[matrixIdx] as Expr);
    const anchored = src.selector?.anchored === true;
    const smoothed = src.selector?.smoothed === true;
    if (anchored || smoothed) {
      checkExtendedFunction(name, anchored, smoothed);
      const ext = anchored ? anchoredValue : smoothedValue;
      const lookback = this.opts.lookbackDelta;
      fn = (win) => ext(name, win.ts, win.vs, win.lo, win.hi, win.rangeStart, win.rangeEnd, lookback);
    }
    const keepName = KEEPS_NAME.has(name);
    const w: RangeWindow = {
      ts: new Float64Array(0),
      vs: new Float64Array(0),
      sts: undefined,
      lo: 0,
      hi: 0,
      rangeStart: 0,
      rangeEnd: 0,
      evalTime: 0,
      params: params.map(() => 0),
      metric: Labels.EMPTY,
      annotations: this.annotations,
    };
    const outs: Series[] = [];
    let current: RawSeries | undefined;
    let currentOut: Series | undefined;
    const counterCheck = name === 'rate' || name === 'increase';
    const counterNames = new Map<string, boolean>();
    // Series of a selector are distinct; when they also share the labels dropping the name removes, dropping it
    // cannot make two of them equal, and the merge check below is skipped.
    let firstMetric: Labels | undefined;
    let sameMeta = src.selector !== undefined;
    // A selector of one name over a storage without type and unit labels: every series has the same metadata, and
    // no series' labels need reading here (reading them costs more than the rate: they lie all over the heap).
    const fixedName = src.selector?.matchers.find((m) => m.name === '__name__' && m.type === '=')?.value;
    const uniformMeta = (): boolean => fixedName !== undefined && src.probe?.noTypeOrUnit === true;
    let points = 0;
    const perStepPoints = new Float64Array(this.steps);
    // Streaming to the sink is decided at the first series (the metadata probe is in by then).
    let streaming: boolean | undefined;
    const oneStep = this.steps === 1;
    const reused: Series = { metric: Labels.EMPTY, ts: [0], fs: [0], dropName: !keepName };
    await this.windows(src, (s, i, lo, hi) => {
      if (s !== current) {
        if (streaming === true && !oneStep && currentOut !== undefined) (sink as (s: Series) => void)(currentOut);
        current = s;
        currentOut = undefined;
        w.metric = s.metric;
      }
      if (hi <= lo && !smoothed) return;
      perStepPoints[i] = (perStepPoints[i] as number) + (hi - lo);
      w.ts = s.ts;
      w.vs = s.vs;
      w.sts = s.sts;
      w.lo = lo;
      w.hi = hi;
      w.rangeEnd = src.refs[i] as number;
      w.rangeStart = w.rangeEnd - src.range;
      w.evalTime = this.stepTime(i);
      for (let p = 0; p < params.length; p++) w.params[p] = (params[p] as Float64Array)[i] as number;
      const r = fn(w);
      if (r === undefined) return;
      if (currentOut === undefined) {
        // The series' first value: the counter-name check needs doing once per series, not per step.
        if (counterCheck) {
          const mn = fixedName ?? s.metric.metricName;
          if (!counterNames.has(mn)) {
            const looksLikeCounter = mn === '' || /_(total|sum|count|bucket)$/.test(mn);
            counterNames.set(mn, looksLikeCounter);
            if (!looksLikeCounter) this.annotations.info(`metric might not be a counter, name does not end in _total/_sum/_count/_bucket: ${JSON.stringify(mn)}`);
          }
        }
        if (firstMetric === undefined) firstMetric = s.metric;
        else if (sameMeta && !uniformMeta() && !sameMetadata(firstMetric, s.metric)) sameMeta = false;
        streaming ??= sink !== undefined && pendingNameDrop && (keepName || uniformMeta());
        if (streaming && oneStep) {
          // No object per series: the sink reads the one point during the call.
          reused.metric = s.metric;
          (reused.ts as number[])[0] = this.stepTime(i);
          (reused.fs as number[])[0] = r;
          (sink as (s: Series) => void)(reused);
          points++;
          return;
        }
        // Made with the first point (an instant query's only one): no array grown from empty per series.
        currentOut = { metric: s.metric, ts: [this.stepTime(i)], fs: [r], dropName: streaming && !keepName };
        if (!streaming) outs.push(currentOut);
      } else {
        currentOut.ts.push(this.stepTime(i));
        currentOut.fs.push(r);
      }
      points++;
    });
    if (streaming === true && !oneStep && currentOut !== undefined) (sink as (s: Series) => void)(currentOut);
    let maxPerStep = 0;
    for (const p of perStepPoints) maxPerStep = Math.max(maxPerStep, p);
    this.account(maxPerStep);
    this.account(points);
    const res = outs.filter((o) => o.ts.length > 0);
    if (!keepName) {
      if (pendingNameDrop && sameMeta) {
        for (const o of res) o.dropName = true;
        return { kind: 'vector', series: res };
      }
      for (const o of res) this.dropName(o);
    }
    return { kind: 'vector', series: keepName || sameMeta ? res : this.mergeAfterNameDrop(res) };
  }

  private async evalLabelReplace(e: Call): Promise<Evaluated> {
    const series = await this.evalVector(e.args[0] as Expr);
    const dst = await this.evalString(e.args[1] as Expr);
    const repl = await this.evalString(e.args[2] as Expr);
    const src = await this.evalString(e.args[3] as Expr);
    const regexText = await this.evalString(e.args[4] as Expr);
    let re: AnchoredRegex;
    try {
      re = new AnchoredRegex(regexText);
    } catch {
      throw execError(`invalid regular expression in label_replace(): ${regexText}`);
    }
    if (!isValidLabelName(dst)) throw execError(`invalid destination label name in label_replace(): ${dst}`);
    const names = re.namedGroups();
    for (const s of series) {
      const m = re.exec(s.metric.get(src));
      if (m === null) continue;
      const value = expandReplacement(repl, m, names);
      s.metric = s.metric.with(dst, value);
      if (dst === METRIC_NAME) s.dropName = false;
    }
    return { kind: 'vector', series: this.checkedRelabel(series) };
  }

  private async evalLabelJoin(e: Call): Promise<Evaluated> {
    const series = await this.evalVector(e.args[0] as Expr);
    const dst = await this.evalString(e.args[1] as Expr);
    const sep = await this.evalString(e.args[2] as Expr);
    const srcs: string[] = [];
    for (let a = 3; a < e.args.length; a++) srcs.push(await this.evalString(e.args[a] as Expr));
    if (!isValidLabelName(dst)) throw execError(`invalid destination label name in label_join(): ${dst}`);
    for (const s of series) {
      const value = srcs.map((n) => s.metric.get(n)).join(sep);
      s.metric = s.metric.with(dst, value);
      if (dst === METRIC_NAME) s.dropName = false;
    }
    return { kind: 'vector', series: this.checkedRelabel(series) };
  }

  /** Relabelled series may collide: merge them, failing when two share a step. */
  private checkedRelabel(series: Series[]): Series[] {
    return this.mergeSameLabels(series);
  }

  private async evalSort(e: Call): Promise<Evaluated> {
    const name = e.func.name;
    const series = await this.evalVector(e.args[0] as Expr);
    if (this.steps > 1) {
      this.annotations.warn(`sort is ineffective for range queries since results are always ordered by labels`);
      return { kind: 'vector', series };
    }
    if (name === 'sort' || name === 'sort_desc') {
      const desc = name === 'sort_desc';
      series.sort((a, b) => {
        const x = a.fs[0] as number;
        const y = b.fs[0] as number;
        if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : 1;
        if (Number.isNaN(y)) return -1;
        return desc ? y - x : x - y;
      });
    } else {
      const labels: string[] = [];
      for (let a = 1; a < e.args.length; a++) labels.push(await this.evalString(e.args[a] as Expr));
      const desc = name === 'sort_by_label_desc';
      series.sort((a, b) => {
        for (const l of labels) {
          const c = naturalCompare(a.metric.get(l), b.metric.get(l));
          if (c !== 0) return desc ? -c : c;
        }
        const c = compareLabels(a.metric, b.metric);
        return desc ? -c : c;
      });
    }
    return { kind: 'vector', series };
  }

  /** Groups classic bucket samples of one step by their labels without `le`. */
  /** Parsed `le` and group of each bucket series' label set, reused across the steps of one query. */
  private readonly bucketInfo = new Map<Labels, { le: number | undefined; metric: Labels; key: string }>();

  /**
   * The bucket groups of every step, built straight from the series (no object per sample besides its bucket).
   * Per step, buckets arrive in series order, as the per-step vector would list them.
   */
  private bucketGroupsBySteps(series: Series[]): Array<Map<string, BucketGroup>> {
    const per = Array.from({ length: this.steps }, () => new Map<string, BucketGroup>());
    for (const s of series) {
      let info = this.bucketInfo.get(s.metric);
      if (info === undefined) {
        let metric = s.metric.without('le');
        if (!this.opts.enableDelayedNameRemoval) metric = dropMetricName(metric);
        info = { le: parseLe(s.metric.get('le')), metric, key: metric.flat.join('\xff') };
        this.bucketInfo.set(s.metric, info);
      }
      const le = info.le;
      if (le === undefined) {
        this.annotations.warn(`bucket label "le" is missing or has a malformed value of ${JSON.stringify(s.metric.get('le'))} for metric name ${JSON.stringify(s.metric.metricName)}`);
        continue;
      }
      const dropName = this.opts.enableDelayedNameRemoval ? true : s.dropName;
      for (let k = 0; k < s.ts.length; k++) {
        const groups = per[this.stepOf(s.ts[k] as number)] as Map<string, BucketGroup>;
        let g = groups.get(info.key);
        if (g === undefined) {
          g = { metric: info.metric, dropName, buckets: [], name: s.metric.metricName };
          groups.set(info.key, g);
        }
        g.buckets.push({ upperBound: le, count: s.fs[k] as number });
      }
    }
    return per;
  }

  private async evalHistogramQuantile(e: Call): Promise<Evaluated> {
    const q = await this.evalScalar(e.args[0] as Expr);
    const per = this.bucketGroupsBySteps(await this.evalVector(e.args[1] as Expr));
    const out: Sample[][] = per.map(() => []);
    for (let i = 0; i < per.length; i++) {
      const qi = q[i] as number;
      if (Number.isNaN(qi) || qi < 0 || qi > 1) this.annotations.warn(`quantile value should be between 0 and 1, got ${formatGoFloatG(qi)}`);
      for (const g of (per[i] as Map<string, BucketGroup>).values()) {
        const r = bucketQuantile(qi, g.buckets);
        if (r.forcedMonotonic) {
          this.annotations.info(
            `input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile) for metric name ${JSON.stringify(g.name)}`,
          );
        }
        (out[i] as Sample[]).push({ metric: g.metric, t: this.stepTime(i), f: r.value, dropName: g.dropName });
      }
    }
    return { kind: 'vector', series: this.collect(out) };
  }

  /** `histogram_quantiles(v, "label", q1, q2, ...)`: one output series per quantile, told apart by the label. */
  private async evalHistogramQuantiles(e: Call): Promise<Evaluated> {
    const per = this.bucketGroupsBySteps(await this.evalVector(e.args[0] as Expr));
    const label = await this.evalString(e.args[1] as Expr);
    const qs: Float64Array[] = [];
    for (let a = 2; a < e.args.length; a++) qs.push(await this.evalScalar(e.args[a] as Expr));
    const out: Sample[][] = per.map(() => []);
    for (let i = 0; i < per.length; i++) {
      const groups = [...(per[i] as Map<string, BucketGroup>).values()];
      for (const q of qs) {
        const qi = q[i] as number;
        if (Number.isNaN(qi) || qi < 0 || qi > 1) this.annotations.warn(`quantile value should be between 0 and 1, got ${formatGoFloatG(qi)}`);
        for (const g of groups) {
          const r = bucketQuantile(qi, g.buckets.map((b) => ({ ...b })));
          if (r.forcedMonotonic) {
            this.annotations.info(
              `input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile) for metric name ${JSON.stringify(g.name)}`,
            );
          }
          (out[i] as Sample[]).push({ metric: g.metric.with(label, formatOpenMetricsFloat(qi)), t: this.stepTime(i), f: r.value, dropName: g.dropName });
        }
      }
    }
    return { kind: 'vector', series: this.collect(out) };
  }

  private async evalHistogramFraction(e: Call): Promise<Evaluated> {
    const lower = await this.evalScalar(e.args[0] as Expr);
    const upper = await this.evalScalar(e.args[1] as Expr);
    const per = this.bucketGroupsBySteps(await this.evalVector(e.args[2] as Expr));
    const out: Sample[][] = per.map(() => []);
    for (let i = 0; i < per.length; i++) {
      for (const g of (per[i] as Map<string, BucketGroup>).values()) {
        const f = bucketFraction(lower[i] as number, upper[i] as number, g.buckets);
        (out[i] as Sample[]).push({ metric: g.metric, t: this.stepTime(i), f, dropName: g.dropName });
      }
    }
    return { kind: 'vector', series: this.collect(out) };
  }

  /** `info(v, selector)`: adds the data labels of matching info series (default `target_info`) joined on instance/job. */
  private async evalInfo(e: Call): Promise<Evaluated> {
    const base = this.stepVectors(await this.evalVector(e.args[0] as Expr));
    let nameMatchers: Matcher[] = [];
    let dataMatchers: Matcher[] = [];
    const sel = e.args[1];
    if (sel !== undefined) {
      let inner = sel;
      while (inner.type === 'ParenExpr') inner = inner.expr;
      if (inner.type !== 'VectorSelector') throw execError('info() second argument must be a vector selector');
      nameMatchers = inner.matchers.filter((m) => m.name === METRIC_NAME);
      dataMatchers = inner.matchers.filter((m) => m.name !== METRIC_NAME);
    }
    // No name matcher selects target_info; only negative ones select among the other `*_info` metrics.
    const hasPositiveName = nameMatchers.some((m) => m.type === '=' || m.type === '=~');
    if (nameMatchers.length === 0) nameMatchers = [new Matcher('=', METRIC_NAME, 'target_info')];
    else if (!hasPositiveName) nameMatchers.push(new Matcher('=~', METRIC_NAME, '.+_info'));
    const identifying = ['instance', 'job'];
    let baseSel: Expr = e.args[0] as Expr;
    while (baseSel.type === 'ParenExpr') baseSel = baseSel.expr;
    const infoSel: VectorSelector = {
      type: 'VectorSelector',
      name: '',
      matchers: [...nameMatchers, ...dataMatchers],
      offset: baseSel.type === 'VectorSelector' ? baseSel.offset : 0,
      ...(baseSel.type === 'VectorSelector' && baseSel.offsetExpr !== undefined ? { offsetExpr: baseSel.offsetExpr } : {}),
      ...(baseSel.type === 'VectorSelector' && baseSel.timestamp !== undefined ? { timestamp: baseSel.timestamp } : {}),
      ...(baseSel.type === 'VectorSelector' && baseSel.startOrEnd !== undefined ? { startOrEnd: baseSel.startOrEnd } : {}),
      anchored: false,
      smoothed: false,
      bypassEmptyMatcherCheck: true,
      pos: e.pos,
    };
    const infoPer = this.stepVectors(await this.evalVectorSelector(infoSel));
    const infoTimes = this.stepVectors(await this.evalVectorSelector(infoSel, 'time'));
    const wanted = dataMatchers.length > 0 ? new Set(dataMatchers.map((m) => m.name)) : undefined;
    const out: Sample[][] = base.map(() => []);
    for (let i = 0; i < base.length; i++) {
      const infos = infoPer[i] as Sample[];
      for (const s of base[i] as Sample[]) {
        // A base series that is itself a selected info series is returned as it is.
        if (hasPositiveName && nameMatchers.every((m) => m.matches(s.metric.metricName))) {
          (out[i] as Sample[]).push(s);
          continue;
        }
        const added = new Map<string, string>();
        let matchedAny = false;
        // Per info metric name, the series with the newest sample wins (an info series that changed labels).
        const newest = new Map<string, { metric: Labels; t: number }>();
        const times = infoTimes[i] as Sample[];
        infos.forEach((inf, k) => {
          if (!identifying.every((l) => inf.metric.get(l) === s.metric.get(l))) return;
          const t = (times[k] as Sample).f;
          const name = inf.metric.metricName;
          const prev = newest.get(name);
          if (prev === undefined || t > prev.t) newest.set(name, { metric: inf.metric, t });
        });
        for (const { metric: infMetric } of newest.values()) {
          const inf = { metric: infMetric };
          matchedAny = true;
          inf.metric.forEach((n, v) => {
            if (n === METRIC_NAME || identifying.includes(n)) return;
            if (wanted !== undefined && !wanted.has(n)) return;
            if (s.metric.has(n)) return;
            const prev = added.get(n);
            if (prev !== undefined && prev !== v) throw execError(`conflicting label: ${n} has values ${JSON.stringify(prev)} and ${JSON.stringify(v)} in info series`);
            added.set(n, v);
          });
        }
        if (!matchedAny && !dataMatchers.every((m) => m.matchesEmpty())) continue;
        const b = new LabelsBuilder(s.metric);
        for (const [n, v] of added) b.set(n, v);
        (out[i] as Sample[]).push({ metric: b.labels(), t: s.t, f: s.f, dropName: s.dropName });
      }
    }
    return { kind: 'vector', series: this.collect(out) };
  }

  // ---- aggregation and binary operators

  private async evalAggregate(e: AggregateExpr): Promise<Evaluated> {
    let param: Float64Array | string | undefined;
    if (e.param !== undefined) {
      const p = await this.eval(e.param);
      if (p.kind === 'scalar') param = p.vals;
      else if (p.kind === 'string') param = p.s;
      else throw execError('aggregation parameter must be a scalar or string');
    }
    let inner = e.expr;
    while (inner.type === 'ParenExpr') inner = inner.expr;
    const topk = (e.op === 'topk' || e.op === 'bottomk') && param instanceof Float64Array;
    // A range function right under sum/topk/... by labels other than the name may leave its name drop pending: these
    // aggregations never look at the name (see pendingNameDropOk), so the name is dropped only from the series that
    // come out of a topk, not from each of the many that go in.
    const pending =
      !this.opts.enableDelayedNameRemoval && (topk || SERIES_AGGREGATIONS.has(e.op)) && inner.type === 'Call' && RANGE_FUNCTIONS.has(inner.func.name) && pendingNameDropOk(e);
    /** Feeds the input to `add`, streaming it when it can (a pending range function's series are made one by one). */
    const feed = async (add: (s: Series) => void): Promise<void> => {
      if (!pending) {
        for (const s of await this.evalVector(e.expr)) add(s);
        return;
      }
      this.opts.checkInterrupt();
      const call = inner as Call;
      const left = await this.evalRangeFunction(call, RANGE_FUNCTIONS.get(call.func.name) as (w: RangeWindow) => number | undefined, true, add);
      for (const s of left.series) add(s);
    };
    if (SERIES_AGGREGATIONS.has(e.op)) {
      const acc = new SeriesAggregator(e, this.steps, (t) => this.stepOf(t));
      // A selector's series stream into the aggregation: none is kept (a count over every series keeps no 100k).
      if (inner.type === 'VectorSelector') await this.evalVectorSelector(inner, 'value', (s) => acc.add(s));
      else await feed((s) => acc.add(s));
      return { kind: 'vector', series: acc.finish((i) => this.stepTime(i)) };
    }
    if (topk) {
      const acc = new TopkAggregator(e, param as Float64Array, this.steps, (t) => this.stepOf(t));
      await feed((s) => acc.add(s));
      const out = acc.finish((i) => this.stepTime(i));
      if (pending) for (const s of out) if (s.dropName) this.dropName(s);
      return { kind: 'vector', series: out };
    }
    const input = await this.evalVector(e.expr);
    const per = this.stepVectors(input);
    const out: Sample[][] = [];
    const groupCache = new Map<Labels, { metric: Labels; key: string }>();
    for (let i = 0; i < per.length; i++) {
      if ((i & 63) === 0) this.opts.checkInterrupt();
      const p = typeof param === 'string' || param === undefined ? param : (param[i] as number);
      out.push(aggregate(e, per[i] as Sample[], p, this.stepTime(i), this.annotations, this.opts.enableDelayedNameRemoval, groupCache));
    }
    if (e.op === 'topk' || e.op === 'bottomk' || e.op === 'limitk' || e.op === 'limit_ratio') {
      if (this.steps === 1) return { kind: 'vector', series: (out[0] as Sample[]).map((s) => ({ metric: s.metric, ts: [s.t], fs: [s.f], dropName: s.dropName })) };
    }
    return { kind: 'vector', series: this.collect(out) };
  }

  private async evalBinary(e: BinaryExpr): Promise<Evaluated> {
    const l = await this.eval(e.lhs);
    const r = await this.eval(e.rhs);
    if (l.kind === 'scalar' && r.kind === 'scalar') {
      const vals = new Float64Array(this.steps);
      for (let i = 0; i < vals.length; i++) vals[i] = scalarBinop(e.op, l.vals[i] as number, r.vals[i] as number);
      return { kind: 'scalar', vals };
    }
    if (l.kind === 'vector' && r.kind === 'scalar') return this.vectorScalar(e, l.series, r.vals, false);
    if (l.kind === 'scalar' && r.kind === 'vector') return this.vectorScalar(e, r.series, l.vals, true);
    if (l.kind === 'vector' && r.kind === 'vector') {
      const matching: VectorMatching = e.matching ?? { card: e.op === 'and' || e.op === 'or' || e.op === 'unless' ? 'many-to-many' : 'one-to-one', matchingLabels: [], on: false, include: [], fillValues: {} };
      const fill = matching.fillValues.lhs !== undefined || matching.fillValues.rhs !== undefined;
      if (!fill) {
        const res = vectorBinopSeries(e.op, l.series, r.series, matching, e.returnBool, this.opts.enableDelayedNameRemoval, this.steps, (t) => this.stepOf(t));
        return { kind: 'vector', series: this.mergeSameLabels(res) };
      }
      const lp = this.stepVectors(l.series);
      const rp = this.stepVectors(r.series);
      const out: Sample[][] = [];
      const cache = new BinopCache();
      for (let i = 0; i < lp.length; i++) {
        if ((i & 63) === 0) this.opts.checkInterrupt();
        out.push(vectorBinop(e.op, lp[i] as Sample[], rp[i] as Sample[], matching, e.returnBool, this.opts.enableDelayedNameRemoval, cache));
      }
      return { kind: 'vector', series: this.collect(out) };
    }
    throw execError(`binary operator ${e.op} is not defined between ${l.kind} and ${r.kind}`);
  }

  private vectorScalar(e: BinaryExpr, series: Series[], scalar: Float64Array, swap: boolean): Evaluated {
    const out: Series[] = [];
    for (const s of series) {
      const res = vectorScalarBinop(e.op, s, scalar, (t) => Math.round((t - this.start) / this.interval), swap, e.returnBool);
      if (res === undefined) continue;
      if (res.dropName) this.dropName(res);
      out.push(res);
    }
    return { kind: 'vector', series: this.mergeAfterNameDrop(out) };
  }
}

/** Go's FormatOpenMetricsFloat: %g's shortest form (`1e+06`), with `.0` added to integers; both zeros are `0.0`. */
function formatOpenMetricsFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return '0.0';
  const s = formatGoFloatG(v);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

function isValidLabelName(n: string): boolean {
  return n.length > 0 && Buffer.from(n, 'utf8').toString('utf8') === n && !n.includes('\uFFFD');
}

/** Parses an `le` value as Go's strconv.ParseFloat would; undefined when malformed. */
function parseLe(s: string): number | undefined {
  const t = s.trim();
  if (t === '' || t !== s) return undefined;
  if (/^[+-]?(inf|infinity)$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(t)) return NaN;
  if (!/^[+-]?(\d+(_\d+)*\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|0[xX][0-9a-fA-F.]+([pP][+-]?\d+)?)$/.test(t)) return undefined;
  const v = Number(t.replace(/_/g, ''));
  return Number.isNaN(v) ? undefined : v;
}

/** Expands `$1`, `${1}`, `$name`, `${name}` in a label_replace replacement, as Go's Regexp.Expand does. */
function expandReplacement(tpl: string, groups: (string | undefined)[], names: Record<string, number>): string {
  let out = '';
  for (let i = 0; i < tpl.length; i++) {
    const c = tpl[i];
    if (c !== '$' || i + 1 >= tpl.length) {
      out += c;
      continue;
    }
    const next = tpl[i + 1] as string;
    if (next === '$') {
      out += '$';
      i++;
      continue;
    }
    let name: string;
    let end: number;
    if (next === '{') {
      const close = tpl.indexOf('}', i + 2);
      if (close < 0) {
        out += c;
        continue;
      }
      name = tpl.slice(i + 2, close);
      end = close + 1;
      if (!/^[A-Za-z0-9_]+$/.test(name)) {
        out += c;
        continue;
      }
    } else {
      const m = /^[A-Za-z0-9_]+/.exec(tpl.slice(i + 1));
      if (m === null) {
        out += c;
        continue;
      }
      name = m[0];
      end = i + 1 + name.length;
    }
    let idx: number | undefined;
    if (/^\d+$/.test(name)) idx = Number(name);
    else idx = names[name];
    if (idx !== undefined && idx < groups.length) out += groups[idx] ?? '';
    i = end - 1;
  }
  return out;
}
