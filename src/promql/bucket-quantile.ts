// Quantiles and fractions over classic histogram buckets (`_bucket` series with an `le` label).

/** One classic bucket: cumulative count of observations <= upperBound. */
export interface Bucket {
  upperBound: number;
  count: number;
}

const SMALL_DELTA_TOLERANCE = 1e-12;

function almostEqual(a: number, b: number, epsilon: number): boolean {
  if (a === b) return true;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || absSum < 2.2250738585072014e-308) return diff < epsilon * 2.2250738585072014e-308;
  return diff / Math.min(absSum, Number.MAX_VALUE) < epsilon;
}

/** Sorts by upper bound and merges buckets with the same bound (summing counts). */
function prepare(buckets: Bucket[]): Bucket[] {
  buckets.sort((a, b) => a.upperBound - b.upperBound);
  const out: Bucket[] = [];
  for (const b of buckets) {
    const last = out[out.length - 1];
    if (last !== undefined && last.upperBound === b.upperBound) last.count += b.count;
    else out.push({ upperBound: b.upperBound, count: b.count });
  }
  return out;
}

/** Result of a quantile: the value and whether counts had to be made monotonic. */
export interface BucketQuantileResult {
  value: number;
  forcedMonotonic: boolean;
}

export function bucketQuantile(q: number, input: Bucket[]): BucketQuantileResult {
  const res = { value: NaN, forcedMonotonic: false };
  if (Number.isNaN(q)) return res;
  if (q < 0) return { value: -Infinity, forcedMonotonic: false };
  if (q > 1) return { value: Infinity, forcedMonotonic: false };
  if (input.length === 0) return res;
  const buckets = prepare(input);
  if ((buckets[buckets.length - 1] as Bucket).upperBound !== Infinity) return res;
  let prev = (buckets[0] as Bucket).count;
  for (let i = 1; i < buckets.length; i++) {
    const b = buckets[i] as Bucket;
    const curr = b.count;
    if (curr === prev) continue;
    if (almostEqual(prev, curr, SMALL_DELTA_TOLERANCE)) {
      b.count = prev;
      continue;
    }
    if (curr < prev) {
      b.count = prev;
      res.forcedMonotonic = true;
      continue;
    }
    prev = curr;
  }
  if (buckets.length < 2) return res;
  const observations = (buckets[buckets.length - 1] as Bucket).count;
  if (observations === 0 || Number.isNaN(observations)) return res;
  let rank = q * observations;
  let b = 0;
  while (b < buckets.length - 1 && !((buckets[b] as Bucket).count >= rank)) b++;
  if (b === buckets.length - 1) {
    res.value = (buckets[buckets.length - 2] as Bucket).upperBound;
    return res;
  }
  const cur = buckets[b] as Bucket;
  if (b === 0 && cur.upperBound <= 0) {
    res.value = cur.upperBound;
    return res;
  }
  let bucketStart = 0;
  const bucketEnd = cur.upperBound;
  let count = cur.count;
  if (b > 0) {
    const before = buckets[b - 1] as Bucket;
    bucketStart = before.upperBound;
    count -= before.count;
    rank -= before.count;
  }
  res.value = bucketStart + (bucketEnd - bucketStart) * (rank / count);
  return res;
}

/** The estimated fraction of observations between lower and upper. */
export function bucketFraction(lower: number, upper: number, input: Bucket[]): number {
  if (input.length === 0) return NaN;
  const buckets = prepare(input);
  if ((buckets[buckets.length - 1] as Bucket).upperBound !== Infinity) return NaN;
  const count = (buckets[buckets.length - 1] as Bucket).count;
  if (count === 0 || Number.isNaN(lower) || Number.isNaN(upper)) return NaN;
  if (lower >= upper) return 0;
  let rank = 0;
  let lowerRank = 0;
  let upperRank = 0;
  let lowerSet = false;
  let upperSet = false;
  for (let i = 0; i < buckets.length; i++) {
    const b = buckets[i] as Bucket;
    let lowerBound: number;
    if (i === 0) lowerBound = b.upperBound > 0 ? 0 : -Infinity;
    else lowerBound = (buckets[i - 1] as Bucket).upperBound;
    const upperBound = b.upperBound;
    const interpolate = (v: number): number => {
      // An infinitely wide bucket has all its observations at its finite end.
      if (lowerBound === -Infinity) return b.count;
      if (upperBound === Infinity) return rank;
      return rank + ((b.count - rank) * (v - lowerBound)) / (upperBound - lowerBound);
    };
    if (!lowerSet && lowerBound >= lower) {
      lowerRank = rank;
      lowerSet = true;
    }
    if (!upperSet && lowerBound >= upper) {
      upperRank = rank;
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    if (!lowerSet && lowerBound < lower && upperBound > lower) {
      lowerRank = interpolate(lower);
      lowerSet = true;
    }
    if (!upperSet && lowerBound < upper && upperBound > upper) {
      upperRank = interpolate(upper);
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    rank = b.count;
  }
  if (!lowerSet || lowerRank > count) lowerRank = count;
  if (!upperSet || upperRank > count) upperRank = count;
  return (upperRank - lowerRank) / count;
}
