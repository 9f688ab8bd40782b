// How rate-like functions read start timestamps (ST): which ST is usable, when a pair of samples shows a
// counter reset, and when start times overlap. Semantics of Prometheus's experimental `use-start-timestamps`.

/**
 * The sample's ST if it is usable, else NaN. An ST is unknown when absent or 0 (Prometheus's "not provided"),
 * when equal to the sample time (OpenTelemetry's "unknown start" cumulative point) and when after it (invalid).
 */
export function usableST(st: number, t: number): number {
  return st === st && st !== 0 && st < t ? st : NaN;
}

/**
 * True when the STs say the counter restarted between sample i-1 and sample i: the current ST lies after the
 * previous sample, or equals its time while the previous sample has a usable ST (an OpenTelemetry delta point;
 * with an unknown previous ST it is the second point of a cumulative series with unknown start).
 */
export function stReset(ts: Float64Array, sts: Float64Array, i: number): boolean {
  const t = ts[i] as number;
  const st = usableST(sts[i] as number, t);
  if (st !== st) return false;
  const prevT = ts[i - 1] as number;
  if (st !== prevT) return st > prevT;
  const prevST = usableST(sts[i - 1] as number, prevT);
  return prevST === prevST;
}

/**
 * True when sample i's start time overlaps the previous sample: it is set, lies before the previous sample's
 * time, and differs from the previous sample's start time (so it is not the same cumulative run).
 */
export function stOverlaps(ts: Float64Array, sts: Float64Array, i: number): boolean {
  const st = sts[i] as number;
  if (st !== st || st === 0) return false;
  return st < (ts[i - 1] as number) && st !== sts[i - 1];
}

/** The warning Prometheus gives for overlapping start times. */
export function stOverlapWarning(metricName: string): string {
  return `sample has start time that overlaps with previous sample timestamp for metric ${JSON.stringify(metricName)}`;
}
