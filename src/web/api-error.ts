// The one typed HTTP error of the web layer, with Prometheus's API errorType values and their HTTP statuses.

import { VigilError } from '../model/errors.js';

/** Prometheus's API error types (web/api/v1 errorType). */
export type ApiErrorType =
  | 'bad_data'
  | 'execution'
  | 'timeout'
  | 'canceled'
  | 'internal'
  | 'not_found'
  | 'unavailable'
  | 'not_acceptable';

/** HTTP status Prometheus answers with for each error type. */
export const API_ERROR_STATUS: Readonly<Record<ApiErrorType, number>> = {
  bad_data: 400,
  execution: 422,
  timeout: 503,
  canceled: 499,
  internal: 500,
  not_found: 404,
  unavailable: 503,
  not_acceptable: 406,
};

/**
 * An error a handler raises to answer with `{"status":"error","errorType":...,"error":...}`.
 * `status` defaults to the type's usual HTTP status; `code` is `api_<errorType>`.
 */
export class ApiError extends VigilError {
  readonly errorType: ApiErrorType;
  readonly status: number;

  constructor(errorType: ApiErrorType, message: string, options?: { status?: number; cause?: unknown }) {
    super(`api_${errorType}`, message, options);
    this.name = 'ApiError';
    this.errorType = errorType;
    this.status = options?.status ?? API_ERROR_STATUS[errorType];
  }
}
