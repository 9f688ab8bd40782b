// The experimental `anchored` and `smoothed` range selectors (Prometheus's extended range selectors, PROM-52).
//
// anchored: the window (start, end] also takes the last sample at or before start (within the lookback delta)
// as its first point; nothing is extrapolated. smoothed: the values at start and end are interpolated linearly
// between the neighbouring samples (counter resets corrected first for rate/increase); nothing is extrapolated.

import { execError } from './query-error.js';

const ANCHORED = ['changes', 'delta', 'increase', 'rate', 'resets'];
const SMOOTHED = ['delta', 'increase', 'rate'];

/** Throws Prometheus's error when `fn` cannot take an anchored or smoothed range. */
export function checkExtendedFunction(fn: string, anchored: boolean, smoothed: boolean): void {
  if (anchored && !ANCHORED.includes(fn)) throw execError(`anchored modifier can only be used with: ${ANCHORED.join(', ')} - not with ${fn}`);
  if (smoothed && !SMOOTHED.includes(fn)) throw execError(`smoothed modifier can only be used with: ${SMOOTHED.join(', ')} - not with ${fn}`);
}

/**
 * `fn` over an anchored window. lo/hi bound the samples in (start, end]; samples before lo may serve as anchor.
 * Undefined when the window holds no sample.
 */
export function anchoredValue(fn: string, ts: Float64Array, vs: Float64Array, lo: number, hi: number, start: number, end: number, lookback: number): number | undefined {
  if (hi <= lo) return undefined;
  const first = lo > 0 && (ts[lo - 1] as number) > start - lookback ? lo - 1 : lo;
  switch (fn) {
    case 'increase':
    case 'rate': {
      let r = (vs[hi - 1] as number) - (vs[first] as number);
      for (let k = first + 1; k < hi; k++) if ((vs[k] as number) < (vs[k - 1] as number)) r += vs[k - 1] as number;
      return fn === 'rate' ? r / ((end - start) / 1000) : r;
    }
    case 'delta':
      return (vs[hi - 1] as number) - (vs[first] as number);
    case 'changes':
    case 'resets': {
      let n = 0;
      for (let k = first + 1; k < hi; k++) {
        const a = vs[k - 1] as number;
        const b = vs[k] as number;
        if (fn === 'resets' ? b < a : a !== b && !(Number.isNaN(a) && Number.isNaN(b))) n++;
      }
      return n;
    }
    default:
      throw execError(`anchored modifier is not supported with ${fn}`);
  }
}

/**
 * `fn` (rate, increase, delta) over a smoothed window. lo is the first sample after start, hi the first after end.
 * Undefined unless some sample lies after start and some at or before end.
 */
export function smoothedValue(fn: string, ts: Float64Array, vs: Float64Array, lo: number, hi: number, start: number, end: number, lookback: number): number | undefined {
  const n = ts.length;
  if (lo >= n || hi <= 0) return undefined;
  const from = lo > 0 && (ts[lo - 1] as number) > start - lookback ? lo - 1 : lo;
  const to = hi < n && (ts[hi] as number) <= end + lookback ? hi : hi - 1;
  if (to < from) return undefined;
  const counter = fn !== 'delta';
  const c = new Float64Array(to - from + 1);
  let offset = 0;
  for (let k = from; k <= to; k++) {
    if (counter && k > from && (vs[k] as number) < (vs[k - 1] as number)) offset += vs[k - 1] as number;
    c[k - from] = (vs[k] as number) + offset;
  }
  const at = (i: number, j: number, t: number): number => {
    const ci = c[i - from] as number;
    const cj = c[j - from] as number;
    return ci + ((cj - ci) * (t - (ts[i] as number))) / ((ts[j] as number) - (ts[i] as number));
  };
  const startVal = from < lo ? at(from, lo, start) : (c[lo - from] as number);
  const endVal = to >= hi ? at(hi - 1, hi, end) : (c[hi - 1 - from] as number);
  const r = endVal - startVal;
  return fn === 'rate' ? r / ((end - start) / 1000) : r;
}
