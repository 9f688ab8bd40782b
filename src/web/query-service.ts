// The seam between the API and PromQL: what the query endpoints need (the engine adapter implements it).

import type { Matcher } from '../model/matcher.js';
import type { QueryResult } from './query-result-json.js';

export interface QueryOptions {
  /** ms; the query fails with errorType timeout after it. */
  readonly timeout: number;
  /** ms; overrides the server's lookback delta for this query. */
  readonly lookbackDelta?: number;
  readonly signal: AbortSignal;
}

/** What `stats=all` reports (Prometheus's stats.QueryStats): timings in seconds, sample counts. */
export interface QueryStatsReport {
  readonly timings: {
    readonly evalTotalTime: number;
    readonly resultSortTime: number;
    readonly queryPreparationTime: number;
    readonly innerEvalTime: number;
    readonly execQueueTime: number;
    readonly execTotalTime: number;
  };
  readonly samples: { readonly totalQueryableSamples: number; readonly peakSamples: number };
}

export interface QueryAnswer {
  readonly result: QueryResult;
  readonly warnings: readonly string[];
  readonly infos: readonly string[];
  readonly stats: QueryStatsReport;
}

/**
 * Errors: implementations throw ApiError — bad_data for a query that does not parse (message with position),
 * execution, timeout, canceled for evaluation failures.
 */
export interface QueryService {
  instant(query: string, time: number, options: QueryOptions): Promise<QueryAnswer>;
  range(query: string, start: number, end: number, step: number, options: QueryOptions): Promise<QueryAnswer>;
  /** The query pretty-printed as Prometheus's format_query does. */
  format(query: string): string;
  /** Parses a series selector (`up{job="x"}`) for match[] parameters. */
  parseSelector(selector: string): Matcher[];
  /**
   * The matchers of every vector selector in `query` (query_exemplars). Throws ApiError bad_data with the parser's
   * message as it is (`1:4: parse error: ...`) when the query does not parse.
   */
  selectors(query: string): Matcher[][];
}
