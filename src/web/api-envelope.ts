// The success envelope of API v1 answers and the small JSON pieces every handler shares (labels, RFC3339 times).

import type { Labels } from '../model/labels.js';
import type { WebResponse } from './http-exchange.js';
import { cachedJsonString, jsonString } from './json-format.js';

/** `{"status":"success","data":<data>[,"warnings":[...]][,"infos":[...]]}`; `dataJson` is already JSON. */
export function apiSuccess(dataJson: string, warnings: readonly string[] = [], infos: readonly string[] = []): WebResponse {
  let body = `{"status":"success","data":${dataJson}`;
  if (warnings.length > 0) body += `,"warnings":[${warnings.map(jsonString).join(',')}]`;
  if (infos.length > 0) body += `,"infos":[${infos.map(jsonString).join(',')}]`;
  return { status: 200, headers: { 'Content-Type': 'application/json' }, body: `${body}}` };
}

/** A label set as a JSON object, names in order (Go marshals label maps with sorted keys). */
export function labelsJson(labels: Labels): string {
  const f = labels.flat;
  let s = '{';
  for (let i = 0; i < f.length; i += 2) {
    if (i > 0) s += ',';
    s += cachedJsonString(f[i] as string) + ':' + cachedJsonString(f[i + 1] as string);
  }
  return s + '}';
}

/** A JSON array of strings. */
export function stringsJson(values: readonly string[]): string {
  return `[${values.map(jsonString).join(',')}]`;
}

/** Go's time.Time JSON (RFC3339Nano, UTC): trailing zeros of the fraction trimmed; 0 ms → Go's zero time. */
export function rfc3339(ms: number): string {
  if (ms === 0) return '0001-01-01T00:00:00Z';
  const iso = new Date(ms).toISOString();
  return iso.replace(/\.(\d*?)0*Z$/, (_m, d: string) => (d === '' ? 'Z' : `.${d}Z`));
}

/**
 * A float64 as Go's encoding/json writes it: shortest form, exponent below 1e-6 and from 1e21 with the exponent's
 * leading zero removed (`1e-7`) — exactly JavaScript's number-to-string. Non-finite values (which Go refuses) as 0.
 */
export function goFloatJson(v: number): string {
  return Number.isFinite(v) ? String(v) : '0';
}
