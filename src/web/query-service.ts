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

export interface QueryAnswer {
  readonly result: QueryResult;
  readonly warnings: readonly string[];
  readonly infos: readonly string[];
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
}
