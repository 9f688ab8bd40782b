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
  const raw = input.series.map((s) => {
    const row = new Array<number | null>(n).fill(null);
    for (const [t, v] of s.values) {
      const i = Math.round((t - start) / step);
      if (i < 0 || i >= n) continue;
      const x = parseSampleValue(v);
      row[i] = Number.isFinite(x) ? x : null;
    }
    return row;
  });
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
