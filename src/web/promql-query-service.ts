// The API's QueryService over the PromQL engine: parsing, per-query timeout and lookback, and error types.

import { VigilError } from '../model/errors.js';
import { Engine } from '../promql/engine.js';
import { formatQuery } from '../promql/format-query.js';
import { parseExpr, parseMetricSelector } from '../promql/parser.js';
import type { Expr } from '../promql/ast.js';
import { QueryError } from '../promql/query-error.js';
import type { QueryValue } from '../promql/value.js';
import type { Queryable } from '../storage/queryable.js';
import { ApiError } from './api-error.js';
import type { Matcher } from '../model/matcher.js';
import type { QueryAnswer, QueryOptions, QueryService } from './query-service.js';

export interface PromqlQueryServiceOptions {
  readonly queryable: Queryable;
  /** ms */
  readonly timeout: number;
  readonly lookbackDelta: number;
  readonly maxSamples: number;
  readonly maxConcurrency: number;
  readonly now?: () => number;
}

/**
 * One engine serves queries with the server's settings; a query asking for a shorter timeout or another lookback
 * delta runs on an engine made for those settings (kept for reuse; each has its own concurrency limit).
 */
export class PromqlQueryService implements QueryService {
  private readonly engines = new Map<string, Engine>();

  constructor(private readonly o: PromqlQueryServiceOptions) {}

  async instant(query: string, time: number, options: QueryOptions): Promise<QueryAnswer> {
    const expr = parseQuery(query);
    return this.answer(() => this.engine(options).instantQuery(this.o.queryable, expr, time, { signal: options.signal }));
  }

  async range(query: string, start: number, end: number, step: number, options: QueryOptions): Promise<QueryAnswer> {
    const expr = parseQuery(query);
    return this.answer(() => this.engine(options).rangeQuery(this.o.queryable, expr, start, end, step, { signal: options.signal }));
  }

  format(query: string): string {
    try {
      return formatQuery(query);
    } catch (err) {
      throw asParamError(err);
    }
  }

  parseSelector(selector: string): Matcher[] {
    return parseMetricSelector(selector);
  }

  private engine(options: QueryOptions): Engine {
    const timeout = Math.min(options.timeout, this.o.timeout);
    const lookback = options.lookbackDelta ?? this.o.lookbackDelta;
    const key = `${timeout}/${lookback}`;
    let e = this.engines.get(key);
    if (e === undefined) {
      e = new Engine({
        timeout,
        lookbackDelta: lookback,
        maxSamples: this.o.maxSamples,
        maxConcurrent: this.o.maxConcurrency,
        ...(this.o.now !== undefined ? { now: this.o.now } : {}),
      });
      if (this.engines.size < 64) this.engines.set(key, e);
    }
    return e;
  }

  private async answer(run: () => Promise<{ value: QueryValue; annotations: { warnings: Set<string>; infos: Set<string> } }>): Promise<QueryAnswer> {
    try {
      const r = await run();
      return { result: r.value, warnings: [...r.annotations.warnings], infos: [...r.annotations.infos] };
    } catch (err) {
      if (err instanceof QueryError) {
        switch (err.code) {
          case 'query_timeout':
            throw new ApiError('timeout', err.message);
          case 'query_canceled':
            throw new ApiError('canceled', err.message);
          case 'query_queue_full':
            throw new ApiError('unavailable', err.message);
          default:
            throw new ApiError('execution', err.message);
        }
      }
      if (err instanceof VigilError) throw new ApiError('execution', err.message);
      throw err;
    }
  }
}

function parseQuery(query: string): Expr {
  try {
    return parseExpr(query);
  } catch (err) {
    throw asParamError(err);
  }
}

function asParamError(err: unknown): unknown {
  if (err instanceof VigilError) return new ApiError('bad_data', `invalid parameter "query": ${err.message}`);
  return err;
}
