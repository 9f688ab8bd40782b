// Compensated (Kahan–Neumaier) summation, as Prometheus uses for sums, averages and regressions.

/** Adds `inc` to the running `sum` with compensation `c`; returns [newSum, newC]. The result is sum + c. */
export function kahanSumInc(inc: number, sum: number, c: number): [number, number] {
  const t = sum + inc;
  if (t === Infinity || t === -Infinity) return [t, 0];
  if (Math.abs(sum) >= Math.abs(inc)) return [t, c + (sum - t + inc)];
  return [t, c + (inc - t + sum)];
}
