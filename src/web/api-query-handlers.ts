// /api/v1/query, /api/v1/query_range, /api/v1/query_exemplars and /api/v1/format_query.

import { ApiError } from './api-error.js';
import { apiSuccess } from './api-envelope.js';
import { durationParam, MAX_TIME, MIN_TIME, requiredTimeParam, timeParam } from './api-params.js';
import type { WebRequest, WebResponse } from './http-exchange.js';
import { formValues } from './http-exchange.js';
import { jsoniterFloat, jsonString } from './json-format.js';
import { queryDataJson } from './query-result-json.js';
import type { QueryAnswer, QueryOptions, QueryService } from './query-service.js';
import type { WebApp } from './web-app.js';

export interface QueryHandlerDeps {
  readonly queries: QueryService;
  readonly now: () => number;
  /** --query.timeout in ms. */
  readonly defaultTimeout: number;
}

/** Prometheus refuses range queries with more points per series than this. */
const MAX_POINTS = 11000;

export function registerQueryHandlers(app: WebApp, deps: QueryHandlerDeps): void {
  const methods = ['GET', 'POST'];
  app.route(methods, '/api/v1/query', (req) => instantQuery(req, deps));
  app.route(methods, '/api/v1/query_range', (req) => rangeQuery(req, deps));
  app.route(methods, '/api/v1/query_exemplars', (req) => exemplars(req, deps));
  app.route(methods, '/api/v1/format_query', (req) => {
    const form = formValues(req);
    return apiSuccess(jsonString(deps.queries.format(form.get('query') ?? '')));
  });
}

function options(req: WebRequest, form: URLSearchParams, deps: QueryHandlerDeps): QueryOptions {
  const timeout = durationParam(form, 'timeout');
  const lookbackDelta = durationParam(form, 'lookback_delta');
  return {
    timeout: timeout !== undefined && timeout > 0 && timeout < deps.defaultTimeout ? timeout : deps.defaultTimeout,
    ...(lookbackDelta !== undefined && lookbackDelta > 0 ? { lookbackDelta } : {}),
    signal: req.signal,
  };
}

async function instantQuery(req: WebRequest, deps: QueryHandlerDeps): Promise<WebResponse> {
  const form = formValues(req);
  const t = timeParam(form, 'time', deps.now());
  const answer = await deps.queries.instant(form.get('query') ?? '', t, options(req, form, deps));
  return apiSuccess(withStats(queryDataJson(answer.result), answer, form), answer.warnings, answer.infos);
}

async function rangeQuery(req: WebRequest, deps: QueryHandlerDeps): Promise<WebResponse> {
  const form = formValues(req);
  const start = requiredTimeParam(form, 'start');
  const end = requiredTimeParam(form, 'end');
  if (end < start) throw new ApiError('bad_data', 'invalid parameter "end": end timestamp must not be before start time');
  const stepText = form.get('step') ?? '';
  if (stepText === '') throw new ApiError('bad_data', 'invalid parameter "step": cannot parse "" to a valid duration');
  const step = durationParam(form, 'step') as number;
  if (step <= 0) throw new ApiError('bad_data', 'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer');
  if ((end - start) / step > MAX_POINTS) {
    throw new ApiError('bad_data', 'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)');
  }
  const answer = await deps.queries.range(form.get('query') ?? '', start, end, step, options(req, form, deps));
  return apiSuccess(withStats(queryDataJson(answer.result), answer, form), answer.warnings, answer.infos);
}

/** Any non-empty `stats` parameter adds `data.stats` (Prometheus's default stats renderer does not look at the value). */
function withStats(dataJson: string, answer: QueryAnswer, form: URLSearchParams): string {
  if ((form.get('stats') ?? '') === '') return dataJson;
  const t = answer.stats.timings;
  const s = answer.stats.samples;
  const stats =
    `{"timings":{"evalTotalTime":${jsoniterFloat(t.evalTotalTime)},"resultSortTime":${jsoniterFloat(t.resultSortTime)},` +
    `"queryPreparationTime":${jsoniterFloat(t.queryPreparationTime)},"innerEvalTime":${jsoniterFloat(t.innerEvalTime)},` +
    `"execQueueTime":${jsoniterFloat(t.execQueueTime)},"execTotalTime":${jsoniterFloat(t.execTotalTime)}},` +
    `"samples":{"totalQueryableSamples":${s.totalQueryableSamples},"peakSamples":${s.peakSamples}}}`;
  return `${dataJson.slice(0, -1)},"stats":${stats}}`;
}

/**
 * Vigil stores no exemplars: the answer is Prometheus's without exemplar storage — the times and the query are
 * validated as Prometheus does (start, end, their order, then the query), a query without any vector selector
 * answers 204 No Content, and any other an empty list.
 */
function exemplars(req: WebRequest, deps: QueryHandlerDeps): WebResponse {
  const form = formValues(req);
  const start = timeParam(form, 'start', MIN_TIME);
  const end = timeParam(form, 'end', MAX_TIME);
  if (end < start) throw new ApiError('bad_data', 'end timestamp must not be before start timestamp');
  if (deps.queries.selectors(form.get('query') ?? '').length === 0) return { status: 204, headers: {}, body: '' };
  return apiSuccess('[]');
}
