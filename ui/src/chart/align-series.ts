// Putting a range query's series on one time axis for uPlot: gaps as null, optionally stacked. Pure (no DOM).

import type { MatrixSeries } from '../api.js';

export interface GraphInput {
  series: MatrixSeries[];
  /** Query start, end (seconds since the epoch) and step (seconds): the x axis. */
  start: number;
  end: number;
  step: number;
  stacked: boolean;
}

/** Parses a sample value as the API writes it ("1.5", "NaN", "+Inf", "-Inf"). */
export function parseSampleValue(s: string): number {
  if (s === '+Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  return Number(s);
}

/**
 * Aligns series onto the x axis start..end by step: one row per series, null where a series has no
 * (finite) sample. With `stacked`, each row is the running sum of the rows before it (gaps count as 0).
 */
export function alignSeries(input: GraphInput): { xs: number[]; rows: (number | null)[][]; raw: (number | null)[][] } {
  const { start, end, step } = input;
  const n = Math.max(0, Math.floor((end - start) / step + 1e-9) + 1);
  const xs = new Array<number>(n);
  for (let i = 0; i < n; i++) xs[i] = start + i * step;
  // Indexed loops and packed arrays: this runs over every sample (a million for 1,000 × 1,000).
  const raw = new Array<(number | null)[]>(input.series.length);
  for (let k = 0; k < input.series.length; k++) {
    const values = (input.series[k] as MatrixSeries).values;
    const row = new Array<number | null>(n);
    for (let i = 0; i < n; i++) row[i] = null;
    for (let j = 0; j < values.length; j++) {
      const pair = values[j] as [number, string];
      const i = Math.round((pair[0] - start) / step);
      if (i < 0 || i >= n) continue;
      const x = parseSampleValue(pair[1]);
      row[i] = x - x === 0 ? x : null; // NaN and ±Inf cannot be drawn
    }
    raw[k] = row;
  }
  if (!input.stacked) return { xs, rows: raw, raw };
  const sums = new Array<number>(n).fill(0);
  const rows = raw.map((row) => {
    const out = new Array<number | null>(n);
    for (let i = 0; i < n; i++) {
      const v = row[i];
      if (v === null || v === undefined) {
        out[i] = null;
      } else {
        sums[i] = (sums[i] as number) + v;
        out[i] = sums[i] as number;
      }
    }
    return out;
  });
  return { xs, rows, raw };
}
