// Functions that map each sample of an instant vector to a new value (math, rounding, clamping, dates).

/** Per-sample math functions: value in, value out. They all drop the metric name. */
export const MATH_FUNCTIONS: ReadonlyMap<string, (v: number) => number> = new Map<string, (v: number) => number>([
  ['abs', Math.abs],
  ['ceil', Math.ceil],
  ['floor', Math.floor],
  ['exp', Math.exp],
  ['sqrt', Math.sqrt],
  ['ln', Math.log],
  ['log2', Math.log2],
  ['log10', Math.log10],
  ['sin', Math.sin],
  ['cos', Math.cos],
  ['tan', Math.tan],
  ['asin', Math.asin],
  ['acos', Math.acos],
  ['atan', Math.atan],
  ['sinh', Math.sinh],
  ['cosh', Math.cosh],
  ['tanh', Math.tanh],
  ['asinh', Math.asinh],
  ['acosh', Math.acosh],
  ['atanh', Math.atanh],
  ['deg', (v) => (v * 180) / Math.PI],
  ['rad', (v) => (v * Math.PI) / 180],
  ['sgn', (v) => (v > 0 ? 1 : v < 0 ? -1 : v)],
]);

/** Date functions on a Unix time in seconds, in UTC. */
export const DATE_FUNCTIONS: ReadonlyMap<string, (d: Date) => number> = new Map<string, (d: Date) => number>([
  ['day_of_month', (d) => d.getUTCDate()],
  ['day_of_week', (d) => d.getUTCDay()],
  [
    'day_of_year',
    (d) => {
      const startOfYear = Date.UTC(d.getUTCFullYear(), 0, 1);
      const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
      return Math.round((day - startOfYear) / 86_400_000) + 1;
    },
  ],
  ['days_in_month', (d) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate()],
  ['hour', (d) => d.getUTCHours()],
  ['minute', (d) => d.getUTCMinutes()],
  ['month', (d) => d.getUTCMonth() + 1],
  ['year', (d) => d.getUTCFullYear()],
]);

/** Applies a date function to a time in seconds; NaN and infinite times give NaN. */
export function dateValue(fn: (d: Date) => number, seconds: number): number {
  if (!Number.isFinite(seconds)) return NaN;
  // Go's time.Unix truncates to whole seconds toward zero for the date parts.
  const d = new Date(Math.trunc(seconds) * 1000);
  if (Number.isNaN(d.getTime())) return NaN;
  return fn(d);
}

/** `round(v, to_nearest)`: rounds half up to a multiple of to_nearest. */
export function roundTo(v: number, toNearest: number): number {
  const inv = 1 / toNearest;
  return Math.floor(v * inv + 0.5) / inv;
}

/** Go's math.Pow, which differs from Math.pow for a few special cases. */
export function goPow(x: number, y: number): number {
  if (y === 0) return 1;
  if (x === 1) return 1;
  if ((x === -1) && (y === Infinity || y === -Infinity)) return 1;
  return Math.pow(x, y);
}

/** Natural ("human") order of strings: runs of digits compare by number. */
export function naturalCompare(a: string, b: string): number {
  const re = /(\d+|\D+)/g;
  const pa = a.match(re) ?? [];
  const pb = b.match(re) ?? [];
  const n = Math.min(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    const x = pa[i] as string;
    const y = pb[i] as string;
    if (x === y) continue;
    const dx = /^\d/.test(x);
    const dy = /^\d/.test(y);
    if (dx && dy) {
      const nx = Number(x);
      const ny = Number(y);
      if (nx !== ny) return nx < ny ? -1 : 1;
      return x.length - y.length;
    }
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}
