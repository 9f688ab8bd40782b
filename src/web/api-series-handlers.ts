// /api/v1/series, /api/v1/labels and /api/v1/label/<name>/values, read through the Queryable seam.

import { compareLabels, compareStrings } from '../model/labels.js';
import type { Labels } from '../model/labels.js';
import type { Matcher } from '../model/matcher.js';
import { VigilError } from '../model/errors.js';
import { PromQLParseError } from '../promql/parse-error.js';
import type { Queryable } from '../storage/queryable.js';
import { ApiError } from './api-error.js';
import { apiSuccess, labelsJson, stringsJson } from './api-envelope.js';
import { limitParam, MAX_TIME, MIN_TIME, timeParam } from './api-params.js';
import type { WebRequest, WebResponse } from './http-exchange.js';
import { formValues } from './http-exchange.js';
import type { WebApp } from './web-app.js';

export interface SeriesHandlerDeps {
  readonly queryable: Queryable;
  readonly parseSelector: (selector: string) => Matcher[];
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TRUNCATED = 'results truncated due to limit';

export function registerSeriesHandlers(app: WebApp, deps: SeriesHandlerDeps): void {
  const methods = ['GET', 'POST'];
  app.route(methods, '/api/v1/series', (req) => series(req, deps));
  app.route(methods, '/api/v1/labels', (req) => labelNames(req, deps));
  app.route('GET', '/api/v1/label/:name/values', (req) => labelValues(req, deps));
}

const EMPTY_MATCHERS = 'match[] must contain at least one non-empty matcher';

/**
 * The match[] selectors, parsed; each must have a matcher that does not match the empty string. Errors are worded
 * as Prometheus words them: /series prefixes `invalid parameter "match[]": `, /labels and /label/../values do not.
 */
function matchSets(form: URLSearchParams, deps: SeriesHandlerDeps, prefixed: boolean): Matcher[][] {
  const prefix = prefixed ? 'invalid parameter "match[]": ' : '';
  return form.getAll('match[]').map((s) => {
    let ms: Matcher[];
    try {
      ms = deps.parseSelector(s);
    } catch (err) {
      if (err instanceof PromQLParseError && err.detail === 'vector selector must contain at least one non-empty matcher') {
        throw new ApiError('bad_data', prefix + EMPTY_MATCHERS);
      }
      if (err instanceof ApiError) throw err;
      if (err instanceof VigilError) throw new ApiError('bad_data', prefix + err.message);
      throw err;
    }
    if (ms.every((m) => m.matchesEmpty())) throw new ApiError('bad_data', prefix + EMPTY_MATCHERS);
    return ms;
  });
}

function range(form: URLSearchParams): [number, number] {
  return [timeParam(form, 'start', MIN_TIME), timeParam(form, 'end', MAX_TIME)];
}

function series(req: WebRequest, deps: SeriesHandlerDeps): WebResponse {
  const form = formValues(req);
  const limit = limitParam(form);
  if (form.getAll('match[]').length === 0) throw new ApiError('bad_data', 'no match[] parameter provided');
  const [start, end] = range(form);
  const sets = matchSets(form, deps, true);
  const q = deps.queryable.querier(start, end);
  try {
    const byHash = new Map<number, Labels[]>();
    const out: Labels[] = [];
    const warnings: string[] = [];
    for (const ms of sets) {
      const set = q.select(ms, { sorted: true, hints: { start, end, func: 'series' } });
      while (set.next()) {
        const l = set.at().labels;
        const h = l.hash();
        const bucket = byHash.get(h);
        if (bucket?.some((x) => x.equals(l))) continue;
        if (bucket === undefined) byHash.set(h, [l]);
        else bucket.push(l);
        out.push(l);
      }
      const err = set.err();
      if (err !== undefined) throw new ApiError('execution', err.message);
      warnings.push(...set.warnings());
    }
    if (sets.length > 1) out.sort(compareLabels);
    if (limit > 0 && out.length > limit) {
      out.length = limit;
      warnings.push(TRUNCATED);
    }
    return apiSuccess(`[${out.map(labelsJson).join(',')}]`, warnings);
  } finally {
    q.close();
  }
}

function labelNames(req: WebRequest, deps: SeriesHandlerDeps): WebResponse {
  const form = formValues(req);
  const limit = limitParam(form);
  const [start, end] = range(form);
  const sets = matchSets(form, deps, false);
  const q = deps.queryable.querier(start, end);
  try {
    let names: string[];
    if (sets.length === 0) names = q.labelNames();
    else {
      const all = new Set<string>();
      for (const ms of sets) for (const n of q.labelNames(ms)) all.add(n);
      names = [...all].sort(compareStrings);
    }
    return limited(names, limit);
  } finally {
    q.close();
  }
}

function labelValues(req: WebRequest, deps: SeriesHandlerDeps): WebResponse {
  const form = formValues(req);
  let name = req.params.name ?? '';
  if (name.startsWith('U__')) name = unescapeValuesName(name);
  if (!LABEL_NAME.test(name)) throw new ApiError('bad_data', `invalid label name: ${JSON.stringify(name)}`);
  const limit = limitParam(form);
  const [start, end] = range(form);
  const sets = matchSets(form, deps, false);
  const q = deps.queryable.querier(start, end);
  try {
    let values: string[];
    if (sets.length === 0) values = q.labelValues(name);
    else {
      const all = new Set<string>();
      for (const ms of sets) for (const v of q.labelValues(name, ms)) all.add(v);
      values = [...all].sort(compareStrings);
    }
    return limited(values, limit);
  } finally {
    q.close();
  }
}

function limited(values: string[], limit: number): WebResponse {
  if (limit > 0 && values.length > limit) return apiSuccess(stringsJson(values.slice(0, limit)), [TRUNCATED]);
  return apiSuccess(stringsJson(values));
}

/** Prometheus's "values" escaping of label names in paths: `U__` prefix, `__` for `_`, `_<hex>_` for other characters. */
function unescapeValuesName(s: string): string {
  let out = '';
  const body = s.slice(3);
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c !== '_') {
      out += c;
      continue;
    }
    if (body[i + 1] === '_') {
      out += '_';
      i++;
      continue;
    }
    const end = body.indexOf('_', i + 1);
    if (end < 0) return s;
    const cp = Number.parseInt(body.slice(i + 1, end), 16);
    if (!Number.isFinite(cp)) return s;
    out += String.fromCodePoint(cp);
    i = end;
  }
  return out;
}
