// The PromQL engine: instant and range queries over any Queryable, with limits on samples, time and concurrency.

import { Labels, compareLabels } from '../model/labels.js';
import type { Queryable } from '../storage/queryable.js';
import type { Expr } from './ast.js';
import type { Annotations } from './annotations.js';
import { Evaluator, dropMetricName, type Evaluated, type QueryStats } from './evaluator.js';
import { QueryError, execError } from './query-error.js';
import type { QueryValue, Sample, Series } from './value.js';

export interface EngineOptions {
  /** How far back an instant selector looks for a sample (ms). Default 5m. */
  lookbackDelta?: number;
  /**
   * Sample limit (Prometheus's `query.max-samples`), checked per node: the points one node produces, the
   * samples all windows of one step hold, and the number of steps. Default 50,000,000.
   */
  maxSamples?: number;
  /** Longest a query may run (ms). Default 2m. */
  timeout?: number;
  /** Most queries evaluated at once; further queries wait for a slot. Default 20. */
  maxConcurrent?: number;
  /** Step of subqueries written without one (`x[5m:]`), in ms. Default 1m. */
  defaultSubqueryStep?: number;
  /** Keep `__name__` until the end of evaluation (Prometheus's `promql-delayed-name-removal`). Default off. */
  enableDelayedNameRemoval?: boolean;
  /**
   * Use the start timestamps (ST) a storage keeps in rate/increase/irate/resets (Prometheus's experimental
   * `use-start-timestamps`): ST-based counter resets, a zero at the ST instead of extrapolating left, and a warning
   * on overlapping start times. Default off.
   */
  useStartTimestamps?: boolean;
  /** Clock for timeouts; tests inject their own. */
  now?: () => number;
}

/** Where a query's time went, in seconds (Prometheus's query timers, as `stats=all` reports them). */
export interface QueryTimings {
  /** Waiting for a query slot (--query.max-concurrency). */
  execQueueTime: number;
  /** Setting up the evaluation before the first node runs. */
  queryPreparationTime: number;
  /** Evaluating the expression tree, storage reads included. */
  innerEvalTime: number;
  /** Turning the evaluated value into the result (name removal, sorting a range result's series). */
  resultSortTime: number;
  /** Preparation, evaluation and result sorting together. */
  evalTotalTime: number;
  /** The whole query, queue time included. */
  execTotalTime: number;
}

export interface QueryResult {
  value: QueryValue;
  annotations: Annotations;
  stats: QueryStats;
  timings: QueryTimings;
}

export interface QueryOptions {
  signal?: AbortSignal;
  /** This query's lookback delta in ms (the HTTP API's `lookback_delta`); the engine's when absent or 0. */
  lookbackDelta?: number;
}

/** A counting semaphore whose waiters give up when their signal aborts. */
class Gate {
  private active = 0;
  private readonly waiters: Array<() => void> = [];
  constructor(private readonly max: number) {}

  async enter(signal: AbortSignal | undefined): Promise<void> {
    if (this.active < this.max) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const i = this.waiters.indexOf(go);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new QueryError('query_canceled', 'query was canceled while waiting for a query slot'));
      };
      const go = (): void => {
        signal?.removeEventListener('abort', onAbort);
        this.active++;
        resolve();
      };
      if (signal?.aborted === true) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(go);
    });
  }

  leave(): void {
    this.active--;
    const next = this.waiters.shift();
    if (next !== undefined) next();
  }
}

export class Engine {
  readonly lookbackDelta: number;
  readonly maxSamples: number;
  readonly timeout: number;
  readonly defaultSubqueryStep: number;
  readonly enableDelayedNameRemoval: boolean;
  readonly useStartTimestamps: boolean;
  private readonly now: () => number;
  private readonly gate: Gate;

  constructor(options: EngineOptions = {}) {
    this.lookbackDelta = options.lookbackDelta ?? 5 * 60_000;
    this.maxSamples = options.maxSamples ?? 50_000_000;
    this.timeout = options.timeout ?? 120_000;
    this.defaultSubqueryStep = options.defaultSubqueryStep ?? 60_000;
    this.enableDelayedNameRemoval = options.enableDelayedNameRemoval ?? false;
    this.useStartTimestamps = options.useStartTimestamps ?? false;
    this.now = options.now ?? Date.now;
    this.gate = new Gate(options.maxConcurrent ?? 20);
  }

  /** Evaluates `expr` at time `t` (ms). */
  instantQuery(queryable: Queryable, expr: Expr, t: number, options: QueryOptions = {}): Promise<QueryResult> {
    return this.run(queryable, expr, t, t, 0, options);
  }

  /** Evaluates `expr` at every `step` from `start` to `end` (ms, inclusive). */
  rangeQuery(queryable: Queryable, expr: Expr, start: number, end: number, step: number, options: QueryOptions = {}): Promise<QueryResult> {
    if (!(step > 0)) return Promise.reject(execError('zero or negative query resolution step widths are not accepted'));
    if (end < start) return Promise.reject(execError('end timestamp must not be before start time'));
    return this.run(queryable, expr, start, end, step, options);
  }

  private async run(queryable: Queryable, expr: Expr, start: number, end: number, step: number, options: QueryOptions): Promise<QueryResult> {
    const signal = options.signal;
    if (step > 0 && (end - start) / step + 1 > this.maxSamples) {
      throw new QueryError('too_many_samples', 'query processing would load too many samples into memory in query execution');
    }
    const queued = performance.now();
    await this.gate.enter(signal);
    const prepared = performance.now();
    try {
      const deadline = this.now() + this.timeout;
      // Called per node, per series and per batch of steps (never per sample), so reading the clock each time is cheap.
      const checkInterrupt = (): void => {
        if (signal?.aborted === true) throw new QueryError('query_canceled', 'query was canceled');
        if (this.now() > deadline) throw new QueryError('query_timeout', `query timed out after ${this.timeout}ms`);
      };
      // Evaluation gives the event loop a turn every ~50ms (at node boundaries), so an abort raised by another
      // event (a client that went away) is seen while the query runs, and other work is not starved. Not more often:
      // each turn lets the scrapes that arrived meanwhile be appended first, and the query waits for them.
      let lastYield = performance.now();
      const yieldToEventLoop = (): Promise<void> | undefined => {
        const t = performance.now();
        if (t - lastYield < 50) return undefined;
        lastYield = t;
        return new Promise((resolve) => setImmediate(resolve));
      };
      const ev = new Evaluator(
        queryable,
        start,
        end,
        step === 0 ? 1 : step,
        {
          lookbackDelta: options.lookbackDelta !== undefined && options.lookbackDelta > 0 ? options.lookbackDelta : this.lookbackDelta,
          defaultSubqueryStep: this.defaultSubqueryStep,
          maxSamples: this.maxSamples,
          enableDelayedNameRemoval: this.enableDelayedNameRemoval,
          useStartTimestamps: this.useStartTimestamps,
          checkInterrupt,
          yieldToEventLoop,
        },
        { start, end, step },
      );
      // Yield once so a query never runs synchronously inside its caller's tick.
      await Promise.resolve();
      const evaluating = performance.now();
      let v: Evaluated;
      try {
        v = await ev.eval(expr);
      } catch (err) {
        if (err instanceof RangeError) {
          // Stack overflow on a deeply nested query, or an allocation too large for the process.
          const nested = /call stack/i.test(err.message);
          throw new QueryError('query_too_complex', nested ? 'query is too deeply nested to evaluate' : `query needs more memory than one query may use: ${err.message}`, { cause: err });
        }
        throw err;
      }
      const sorting = performance.now();
      const value = this.finish(v, step === 0, ev);
      const done = performance.now();
      const timings: QueryTimings = {
        execQueueTime: (prepared - queued) / 1000,
        queryPreparationTime: (evaluating - prepared) / 1000,
        innerEvalTime: (sorting - evaluating) / 1000,
        resultSortTime: (done - sorting) / 1000,
        evalTotalTime: (done - prepared) / 1000,
        execTotalTime: (done - queued) / 1000,
      };
      return { value, annotations: ev.annotations, stats: ev.stats, timings };
    } finally {
      this.gate.leave();
    }
  }

  private finish(v: Evaluated, instant: boolean, ev: Evaluator): QueryValue {
    switch (v.kind) {
      case 'string':
        return { type: 'string', t: ev.start, v: v.s };
      case 'scalar':
        if (instant) return { type: 'scalar', t: ev.start, v: v.vals[0] as number };
        return {
          type: 'matrix',
          series: [{ metric: Labels.EMPTY, ts: Array.from({ length: ev.steps }, (_, i) => ev.stepTime(i)), fs: Array.from(v.vals), dropName: false }],
        };
      case 'matrix':
        if (!instant) throw execError('invalid expression type "range vector" for range query, must be Scalar or instant Vector');
        return { type: 'matrix', series: this.cleanup(v.series) };
      case 'vector': {
        const series = this.cleanup(v.series);
        if (instant) {
          const samples: Sample[] = series.map((s) => ({ metric: s.metric, t: ev.start, f: s.fs[0] as number, dropName: false }));
          return { type: 'vector', samples };
        }
        return { type: 'matrix', series: series.sort((a, b) => compareLabels(a.metric, b.metric)) };
      }
    }
  }

  /**
   * Applies pending name drops. Series left with one label set are merged when their points do not share a
   * timestamp; sharing one is an error, as in Prometheus.
   */
  private cleanup(series: Series[]): Series[] {
    let changed = false;
    for (const s of series) {
      if (s.dropName) {
        s.metric = dropMetricName(s.metric);
        s.dropName = false;
        changed = true;
      }
    }
    if (!changed) return series;
    const byKey = new Map<string, Series[]>();
    for (const s of series) {
      const key = s.metric.flat.join('\xff');
      const g = byKey.get(key);
      if (g === undefined) byKey.set(key, [s]);
      else g.push(s);
    }
    if (byKey.size === series.length) return series;
    const out: Series[] = [];
    for (const group of byKey.values()) {
      if (group.length === 1) {
        out.push(group[0] as Series);
        continue;
      }
      const points: Array<[number, number]> = [];
      for (const s of group) for (let k = 0; k < s.ts.length; k++) points.push([s.ts[k] as number, s.fs[k] as number]);
      points.sort((a, b) => a[0] - b[0]);
      for (let k = 1; k < points.length; k++) {
        if ((points[k] as [number, number])[0] === (points[k - 1] as [number, number])[0]) throw execError('vector cannot contain metrics with the same labelset');
      }
      out.push({ metric: (group[0] as Series).metric, ts: points.map((p) => p[0]), fs: points.map((p) => p[1]), dropName: false });
    }
    return out;
  }
}
