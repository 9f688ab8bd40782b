// Parsing of API parameters as Prometheus's API parses them: times (RFC3339 or unix seconds) and durations.

import { ApiError } from './api-error.js';
import { DurationError, parseDuration as parsePromDuration } from '../model/duration.js';

/** The earliest and latest times the API accepts, in ms (Prometheus's MinTime/MaxTime, clamped to safe integers). */
export const MIN_TIME = Number.MIN_SAFE_INTEGER;
export const MAX_TIME = Number.MAX_SAFE_INTEGER;
const MIN_TIME_FORMATTED = '-292273086-05-16T16:47:06Z';
const MAX_TIME_FORMATTED = '292277025-08-18T07:12:54.999999999Z';

const GO_FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const GO_SPECIAL = /^[+-]?(?:inf|infinity|nan)$/i;
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** A float as Go's strconv.ParseFloat accepts it (decimal and inf/nan forms), or undefined. */
export function parseGoFloat(s: string): number | undefined {
  if (GO_FLOAT.test(s)) return Number(s);
  if (GO_SPECIAL.test(s)) {
    const neg = s.startsWith('-');
    if (/nan/i.test(s)) return NaN;
    return neg ? -Infinity : Infinity;
  }
  return undefined;
}

/** A time in ms: unix seconds (fraction rounded to ms) or RFC3339 with optional fraction. Throws a plain Error. */
export function parseTime(s: string): number {
  const f = parseGoFloat(s);
  if (f !== undefined && Number.isFinite(f)) {
    const whole = Math.trunc(f);
    return whole * 1000 + Math.round((f - whole) * 1000);
  }
  const m = RFC3339.exec(s);
  if (m !== null) {
    const [, y, mo, d, h, mi, sec, frac, zone] = m as unknown as string[];
    let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec));
    if (frac !== undefined) ms += Math.floor(Number(`0.${frac}`) * 1000 + 1e-9);
    if (zone !== 'Z' && zone !== undefined) {
      const sign = zone.startsWith('-') ? -1 : 1;
      ms -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
    }
    if (Number.isFinite(ms) && Number(mo) >= 1 && Number(mo) <= 12 && Number(d) >= 1 && Number(d) <= 31) return ms;
  }
  if (s === MIN_TIME_FORMATTED) return MIN_TIME;
  if (s === MAX_TIME_FORMATTED) return MAX_TIME;
  throw new Error(`cannot parse ${JSON.stringify(s)} to a valid timestamp`);
}

/** A duration in ms: float seconds or a Prometheus duration (`5m`). Throws a plain Error. */
export function parseDuration(s: string): number {
  const f = parseGoFloat(s);
  if (f !== undefined) {
    const ns = f * 1e9;
    if (!(ns <= 2 ** 63 && ns >= -(2 ** 63))) {
      throw new Error(`cannot parse ${JSON.stringify(s)} to a valid duration. It overflows int64`);
    }
    return Math.trunc(ns) / 1e6;
  }
  try {
    return parsePromDuration(s);
  } catch (err) {
    if (err instanceof DurationError) throw new Error(`cannot parse ${JSON.stringify(s)} to a valid duration`);
    throw err;
  }
}

/**
 * `name`'s time, or `fallback` when absent/empty; bad values are `bad_data` naming the parameter twice, as
 * Prometheus words it (`invalid parameter "time": Invalid time value for 'time': cannot parse ...`).
 */
export function timeParam(form: URLSearchParams, name: string, fallback: number): number {
  const v = form.get(name);
  if (v === null || v === '') return fallback;
  try {
    return parseTime(v);
  } catch (err) {
    throw new ApiError('bad_data', `invalid parameter ${JSON.stringify(name)}: Invalid time value for '${name}': ${(err as Error).message}`);
  }
}

/** A required time (query_range's start and end): bad or missing values are `invalid parameter "<name>": ...`. */
export function requiredTimeParam(form: URLSearchParams, name: string): number {
  const v = form.get(name) ?? '';
  try {
    return parseTime(v);
  } catch (err) {
    throw new ApiError('bad_data', `invalid parameter ${JSON.stringify(name)}: ${(err as Error).message}`);
  }
}

/** `name`'s duration in ms, or undefined when absent/empty. */
export function durationParam(form: URLSearchParams, name: string): number | undefined {
  const v = form.get(name);
  if (v === null || v === '') return undefined;
  try {
    return parseDuration(v);
  } catch (err) {
    throw new ApiError('bad_data', `invalid parameter ${JSON.stringify(name)}: ${(err as Error).message}`);
  }
}

/** `limit` as Prometheus reads it: absent means 0 (no limit); negative or non-integer is bad_data. */
export function limitParam(form: URLSearchParams): number {
  const v = form.get('limit');
  if (v === null || v === '') return 0;
  if (!/^[+-]?\d+$/.test(v)) throw new ApiError('bad_data', `strconv.Atoi: parsing ${JSON.stringify(v)}: invalid syntax`);
  const n = Number(v);
  if (n < 0) throw new ApiError('bad_data', 'limit must be non-negative');
  return n;
}
