// The API's QueryService over the PromQL engine: parsing, per-query timeout and lookback, and error types.

import { VigilError } from '../model/errors.js';
import { Engine } from '../promql/engine.js';
import type { QueryResult } from '../promql/engine.js';
import { formatQuery } from '../promql/format-query.js';
import { parseExpr, parseMetricSelector } from '../promql/parser.js';
import { inspect } from '../promql/ast.js';
import type { Expr } from '../promql/ast.js';
import { QueryError } from '../promql/query-error.js';
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
 * One engine (one concurrency limit) serves every query. A query asking for a shorter timeout than the server's
 * gets an AbortSignal that fires at its deadline (the engine yields often enough to notice) and then answers with
 * errorType timeout; its lookback_delta goes to the engine per query.
 */
export class PromqlQueryService implements QueryService {
  private readonly engine: Engine;

  constructor(private readonly o: PromqlQueryServiceOptions) {
    this.engine = new Engine({
      timeout: o.timeout,
      lookbackDelta: o.lookbackDelta,
      maxSamples: o.maxSamples,
      maxConcurrent: o.maxConcurrency,
      ...(o.now !== undefined ? { now: o.now } : {}),
    });
  }

  async instant(query: string, time: number, options: QueryOptions): Promise<QueryAnswer> {
    const expr = parseQuery(query);
    return this.answer(options, (signal) =>
      this.engine.instantQuery(this.o.queryable, expr, time, { signal, ...lookback(options) }),
    );
  }

  async range(query: string, start: number, end: number, step: number, options: QueryOptions): Promise<QueryAnswer> {
    const expr = parseQuery(query);
    return this.answer(options, (signal) =>
      this.engine.rangeQuery(this.o.queryable, expr, start, end, step, { signal, ...lookback(options) }),
    );
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

  selectors(query: string): Matcher[][] {
    let expr: Expr;
    try {
      expr = parseExpr(query);
    } catch (err) {
      if (err instanceof VigilError) throw new ApiError('bad_data', err.message);
      throw err;
    }
    const out: Matcher[][] = [];
    inspect(expr, (node) => {
      if (node.type === 'VectorSelector') out.push([...node.matchers]);
    });
    return out;
  }

  private async answer(
    options: QueryOptions,
    run: (signal: AbortSignal) => Promise<QueryResult>,
  ): Promise<QueryAnswer> {
    const deadline = options.timeout < this.o.timeout ? AbortSignal.timeout(options.timeout) : undefined;
    const signal = deadline === undefined ? options.signal : AbortSignal.any([options.signal, deadline]);
    try {
      const r = await run(signal);
      return {
        result: r.value,
        warnings: [...r.annotations.warnings],
        infos: [...r.annotations.infos],
        stats: {
          timings: r.timings,
          samples: { totalQueryableSamples: r.stats.totalQueryableSamples, peakSamples: r.stats.peakSamples },
        },
      };
    } catch (err) {
      if (err instanceof QueryError) {
        if (err.code === 'query_canceled' && deadline?.aborted === true && !options.signal.aborted) {
          throw new ApiError('timeout', 'query timed out in expression evaluation');
        }
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

function lookback(options: QueryOptions): { lookbackDelta?: number } {
  return options.lookbackDelta !== undefined ? { lookbackDelta: options.lookbackDelta } : {};
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
