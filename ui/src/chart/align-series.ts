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

/** One series on the x axis: a Float64Array when it has no gap (no boxing of a million doubles), else null-padded. */
export type AlignedRow = Float64Array | (number | null)[];

/** A NaN-for-gap row as uPlot takes it: itself when complete, else an array with null in the gaps. */
function toRow(values: Float64Array, gaps: number): AlignedRow {
  if (gaps === 0) return values;
  const out = new Array<number | null>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    out[i] = v === v ? v : null;
  }
  return out;
}

/**
 * Aligns series onto the x axis start..end by step: one row per series, null where a series has no
 * (finite) sample. With `stacked`, each row is the running sum of the rows before it (gaps count as 0).
 * `raw` keeps the unstacked values (for the tooltip).
 */
export function alignSeries(input: GraphInput): { xs: Float64Array; rows: AlignedRow[]; raw: AlignedRow[] } {
  const { start, end, step } = input;
  const n = Math.max(0, Math.floor((end - start) / step + 1e-9) + 1);
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) xs[i] = start + i * step;
  // Typed arrays and indexed loops: this runs over every sample (a million for 1,000 × 1,000).
  const raw = new Array<AlignedRow>(input.series.length);
  const rows = input.stacked ? new Array<AlignedRow>(input.series.length) : raw;
  const sums = input.stacked ? new Float64Array(n) : null;
  const values = new Float64Array(n);
  for (let k = 0; k < input.series.length; k++) {
    const samples = (input.series[k] as MatrixSeries).values;
    values.fill(NaN);
    for (let j = 0; j < samples.length; j++) {
      const pair = samples[j] as [number, string];
      const i = Math.round((pair[0] - start) / step);
      if (i < 0 || i >= n) continue;
      const x = parseSampleValue(pair[1]);
      if (x - x === 0) values[i] = x; // NaN and ±Inf cannot be drawn
    }
    let gaps = 0;
    for (let i = 0; i < n; i++) if (values[i] !== values[i]) gaps++;
    raw[k] = toRow(values.slice(), gaps);
    if (sums !== null) {
      const stacked = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = values[i] as number;
        if (v === v) {
          sums[i] = (sums[i] as number) + v;
          stacked[i] = sums[i] as number;
        } else {
          stacked[i] = NaN;
        }
      }
      rows[k] = toRow(stacked, gaps);
    }
  }
  return { xs, rows, raw };
}
