// The functions over range vectors (`rate`, `*_over_time`, ...): each reads one series' window of samples.

import { formatGoFloatG } from '../model/go-float-format.js';
import type { Labels } from '../model/labels.js';
import { kahanSumInc } from './kahan.js';
import type { Annotations } from './annotations.js';
import { execError } from './query-error.js';
import { quantileOf } from './quantile.js';
import { stOverlapWarning, stOverlaps, stReset, usableST } from './start-timestamps.js';

/**
 * The window one function call sees: samples ts/vs[lo..hi) in time order, with no staleness markers.
 * The same object is reused for every call; functions must not keep it.
 */
export interface RangeWindow {
  ts: Float64Array;
  vs: Float64Array;
  /** Start timestamps of the samples (NaN: none), when the engine uses them and the series has any. */
  sts: Float64Array | undefined;
  lo: number;
  hi: number;
  /** The window is (rangeStart, rangeEnd] in ms; rangeEnd is the selector's reference time. */
  rangeStart: number;
  rangeEnd: number;
  /** The evaluation time of the step (before offset/@), in ms. */
  evalTime: number;
  /** Scalar arguments other than the range vector, in argument order. */
  params: number[];
  /** The series' labels (read only for a warning: most windows never touch them). */
  metric: Labels;
  annotations: Annotations;
}

/** Returns the value, or undefined for "no sample at this step". */
export type RangeFunction = (w: RangeWindow) => number | undefined;

/** Warns once per metric when a sample of the window starts before the previous sample (start timestamps). */
function checkOverlaps(w: RangeWindow, sts: Float64Array, from: number): void {
  for (let i = Math.max(from, w.lo + 1); i < w.hi; i++) {
    if (stOverlaps(w.ts, sts, i)) {
      w.annotations.warn(stOverlapWarning(w.metric.metricName));
      return;
    }
  }
}

function extrapolatedRate(w: RangeWindow, isCounter: boolean, isRate: boolean): number | undefined {
  const n = w.hi - w.lo;
  const { ts, vs, lo, hi } = w;
  // Counters with start timestamps: resets are also read from STs, and when the first sample's ST lies inside
  // the window the counter is known to be 0 there, which replaces the extrapolation to the left.
  const sts = isCounter ? w.sts : undefined;
  const firstST = sts === undefined || n < 1 ? NaN : usableST(sts[lo] as number, ts[lo] as number);
  const zeroAtST = firstST > w.rangeStart;
  if (n < 2 && !zeroAtST) return undefined;
  const first = vs[lo] as number;
  const last = vs[hi - 1] as number;
  let result = last - first;
  if (isCounter) {
    let prev = first;
    for (let i = lo + 1; i < hi; i++) {
      const cur = vs[i] as number;
      if (cur < prev || (sts !== undefined && stReset(ts, sts, i))) result += prev;
      prev = cur;
    }
  }
  if (sts !== undefined) checkOverlaps(w, sts, lo + 1);
  const firstT = ts[lo] as number;
  const lastT = ts[hi - 1] as number;
  if (zeroAtST) return rateFromST(w, result + first, firstST, firstT, lastT, n, isRate);
  let durationToStart = (firstT - w.rangeStart) / 1000;
  let durationToEnd = (w.rangeEnd - lastT) / 1000;
  const sampledInterval = (lastT - firstT) / 1000;
  const avg = sampledInterval / (n - 1);
  const threshold = avg * 1.1;
  if (durationToStart >= threshold) durationToStart = avg / 2;
  if (isCounter && result > 0 && first >= 0) {
    const durationToZero = sampledInterval * (first / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  if (durationToEnd >= threshold) durationToEnd = avg / 2;
  let factor = (sampledInterval + durationToStart + durationToEnd) / sampledInterval;
  if (isRate) factor /= (w.rangeEnd - w.rangeStart) / 1000;
  return result * factor;
}

/**
 * rate/increase when the counter was 0 at `st` inside the window: the increase is measured from there, and only
 * the end of the window is extrapolated (as usual, judged by the real samples' spacing; not at all with one sample).
 */
function rateFromST(w: RangeWindow, increase: number, st: number, firstT: number, lastT: number, n: number, isRate: boolean): number {
  const sampledInterval = (lastT - st) / 1000;
  let durationToEnd = (w.rangeEnd - lastT) / 1000;
  if (n < 2) durationToEnd = 0;
  else {
    const avg = (lastT - firstT) / 1000 / (n - 1);
    if (durationToEnd >= avg * 1.1) durationToEnd = avg / 2;
  }
  let factor = (sampledInterval + durationToEnd) / sampledInterval;
  if (isRate) factor /= (w.rangeEnd - w.rangeStart) / 1000;
  return increase * factor;
}

function instantValue(w: RangeWindow, isRate: boolean): number | undefined {
  if (w.hi - w.lo < 2) return undefined;
  const last = w.vs[w.hi - 1] as number;
  const prev = w.vs[w.hi - 2] as number;
  const sts = isRate ? w.sts : undefined;
  if (sts !== undefined) checkOverlaps(w, sts, w.hi - 1);
  const reset = last < prev || (sts !== undefined && stReset(w.ts, sts, w.hi - 1));
  let result = isRate && reset ? last : last - prev;
  if (isRate) {
    const dt = ((w.ts[w.hi - 1] as number) - (w.ts[w.hi - 2] as number)) / 1000;
    if (dt === 0) return undefined;
    result /= dt;
  }
  return result;
}

/** Least-squares fit of value over time (seconds relative to interceptTime), with compensated sums. */
export function linearRegression(w: RangeWindow, interceptTime: number): [slope: number, intercept: number] {
  let n = 0;
  let sumX = 0, cX = 0, sumY = 0, cY = 0, sumXY = 0, cXY = 0, sumX2 = 0, cX2 = 0;
  const initY = w.vs[w.lo] as number;
  let constY = true;
  for (let i = w.lo; i < w.hi; i++) {
    const y = w.vs[i] as number;
    if (constY && i > w.lo && y !== initY) constY = false;
    n++;
    const x = ((w.ts[i] as number) - interceptTime) / 1000;
    [sumX, cX] = kahanSumInc(x, sumX, cX);
    [sumY, cY] = kahanSumInc(y, sumY, cY);
    [sumXY, cXY] = kahanSumInc(x * y, sumXY, cXY);
    [sumX2, cX2] = kahanSumInc(x * x, sumX2, cX2);
  }
  if (constY) {
    if (!Number.isFinite(initY) && !Number.isNaN(initY)) return [NaN, NaN];
    return [0, initY];
  }
  sumX += cX;
  sumY += cY;
  sumXY += cXY;
  sumX2 += cX2;
  const covXY = sumXY - (sumX * sumY) / n;
  const varX = sumX2 - (sumX * sumX) / n;
  const slope = covXY / varX;
  const intercept = sumY / n - (slope * sumX) / n;
  return [slope, intercept];
}

function avgOverTime(w: RangeWindow): number {
  let sum = 0, c = 0, mean = 0, count = 0;
  let incremental = false;
  for (let i = w.lo; i < w.hi; i++) {
    const f = w.vs[i] as number;
    count++;
    if (!incremental) {
      const [ns, nc] = kahanSumInc(f, sum, c);
      if (count === 1 || Number.isFinite(ns) || Number.isNaN(ns)) {
        sum = ns;
        c = nc;
        continue;
      }
      incremental = true;
      mean = sum / (count - 1);
      c /= count - 1;
    }
    const q = (count - 1) / count;
    [mean, c] = kahanSumInc(f / count, q * mean, q * c);
  }
  if (incremental) return mean + c;
  return sum / count + c / count;
}

function variance(w: RangeWindow): number {
  let count = 0, mean = 0, cMean = 0, aux = 0, cAux = 0;
  for (let i = w.lo; i < w.hi; i++) {
    const f = w.vs[i] as number;
    count++;
    const delta = f - (mean + cMean);
    [mean, cMean] = kahanSumInc(delta / count, mean, cMean);
    [aux, cAux] = kahanSumInc(delta * (f - (mean + cMean)), aux, cAux);
  }
  return (aux + cAux) / count;
}

function windowValues(w: RangeWindow): number[] {
  const out: number[] = [];
  for (let i = w.lo; i < w.hi; i++) out.push(w.vs[i] as number);
  return out;
}

/** Index of the max (or min) sample; NaN loses to any number; ties keep the later sample when `lastOnTie`. */
function extremeIndex(w: RangeWindow, max: boolean, lastOnTie: boolean): number {
  let best = w.lo;
  for (let i = w.lo + 1; i < w.hi; i++) {
    const cur = w.vs[i] as number;
    const b = w.vs[best] as number;
    if (Number.isNaN(b) && !Number.isNaN(cur)) best = i;
    else if (max ? cur > b : cur < b) best = i;
    else if (lastOnTie && cur === b) best = i;
  }
  return best;
}

function checkSmoothingFactor(name: string, v: number): void {
  if (!(v > 0 && v < 1)) throw execError(`invalid ${name} factor. Expected: 0 < ${name === 'trend' ? 'tf' : 'sf'} < 1, got: ${v.toFixed(6)}`);
}

export const RANGE_FUNCTIONS: ReadonlyMap<string, RangeFunction> = new Map<string, RangeFunction>([
  ['rate', (w) => extrapolatedRate(w, true, true)],
  ['increase', (w) => extrapolatedRate(w, true, false)],
  ['delta', (w) => extrapolatedRate(w, false, false)],
  ['irate', (w) => instantValue(w, true)],
  ['idelta', (w) => instantValue(w, false)],
  ['avg_over_time', (w) => avgOverTime(w)],
  ['count_over_time', (w) => w.hi - w.lo],
  ['present_over_time', () => 1],
  ['last_over_time', (w) => w.vs[w.hi - 1] as number],
  ['first_over_time', (w) => w.vs[w.lo] as number],
  ['ts_of_last_over_time', (w) => (w.ts[w.hi - 1] as number) / 1000],
  ['ts_of_first_over_time', (w) => (w.ts[w.lo] as number) / 1000],
  ['max_over_time', (w) => w.vs[extremeIndex(w, true, false)] as number],
  ['min_over_time', (w) => w.vs[extremeIndex(w, false, false)] as number],
  ['ts_of_max_over_time', (w) => (w.ts[extremeIndex(w, true, true)] as number) / 1000],
  ['ts_of_min_over_time', (w) => (w.ts[extremeIndex(w, false, true)] as number) / 1000],
  [
    'sum_over_time',
    (w) => {
      let sum = 0, c = 0;
      for (let i = w.lo; i < w.hi; i++) [sum, c] = kahanSumInc(w.vs[i] as number, sum, c);
      return sum + c;
    },
  ],
  ['stddev_over_time', (w) => Math.sqrt(variance(w))],
  ['stdvar_over_time', (w) => variance(w)],
  [
    'quantile_over_time',
    (w) => {
      const q = w.params[0] as number;
      if (Number.isNaN(q) || q < 0 || q > 1) w.annotations.warn(`quantile value should be between 0 and 1, got ${formatGoFloatG(q)}`);
      return quantileOf(q, windowValues(w));
    },
  ],
  [
    'mad_over_time',
    (w) => {
      const values = windowValues(w);
      if (values.some((v) => Number.isNaN(v))) return NaN;
      const median = quantileOf(0.5, values);
      return quantileOf(0.5, values.map((v) => Math.abs(v - median)));
    },
  ],
  [
    'changes',
    (w) => {
      let changes = 0;
      for (let i = w.lo + 1; i < w.hi; i++) {
        const a = w.vs[i - 1] as number;
        const b = w.vs[i] as number;
        if (a !== b && !(Number.isNaN(a) && Number.isNaN(b))) changes++;
      }
      return changes;
    },
  ],
  [
    'resets',
    (w) => {
      let resets = 0;
      const sts = w.sts;
      if (sts === undefined) {
        for (let i = w.lo + 1; i < w.hi; i++) if ((w.vs[i] as number) < (w.vs[i - 1] as number)) resets++;
        return resets;
      }
      for (let i = w.lo + 1; i < w.hi; i++) if ((w.vs[i] as number) < (w.vs[i - 1] as number) || stReset(w.ts, sts, i)) resets++;
      checkOverlaps(w, sts, w.lo + 1);
      return resets;
    },
  ],
  [
    'deriv',
    (w) => {
      if (w.hi - w.lo < 2) return undefined;
      return linearRegression(w, w.ts[w.lo] as number)[0];
    },
  ],
  [
    'predict_linear',
    (w) => {
      if (w.hi - w.lo < 2) return undefined;
      const [slope, intercept] = linearRegression(w, w.evalTime);
      return slope * (w.params[0] as number) + intercept;
    },
  ],
  [
    'double_exponential_smoothing',
    (w) => {
      const sf = w.params[0] as number;
      const tf = w.params[1] as number;
      checkSmoothingFactor('smoothing', sf);
      checkSmoothingFactor('trend', tf);
      const n = w.hi - w.lo;
      if (n < 2) return undefined;
      const vs = w.vs;
      let s0 = 0;
      let s1 = vs[w.lo] as number;
      let b = (vs[w.lo + 1] as number) - s1;
      for (let i = 1; i < n; i++) {
        const x = sf * (vs[w.lo + i] as number);
        if (i > 1) b = tf * (s1 - s0) + (1 - tf) * b;
        const next = x + (1 - sf) * (s1 + b);
        s0 = s1;
        s1 = next;
      }
      return s1;
    },
  ],
]);

/** Functions that keep the metric name of their input. */
export const KEEPS_NAME = new Set(['last_over_time', 'first_over_time']);
