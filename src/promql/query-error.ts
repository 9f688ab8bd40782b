// Errors a query raises while it is evaluated, with stable codes.

import { VigilError } from '../model/errors.js';

export type QueryErrorCode =
  | 'query_execution'
  | 'query_timeout'
  | 'query_canceled'
  | 'too_many_samples'
  | 'query_queue_full'
  | 'query_too_complex';

/** A query that could not be evaluated. `message` is Prometheus's text where Prometheus has one. */
export class QueryError extends VigilError {
  declare readonly code: QueryErrorCode;

  constructor(code: QueryErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'QueryError';
  }
}

/** An error in the data or arguments at evaluation time (Prometheus's "execution" errors). */
export function execError(message: string): QueryError {
  return new QueryError('query_execution', message);
}
