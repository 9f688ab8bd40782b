// Prometheus's JSON for sample values and timestamps, and Go-compatible JSON strings, byte for byte.

/**
 * A sample value as Prometheus's API writes it (inside quotes): Go's strconv.FormatFloat with 'f' and shortest
 * precision, switching to 'e' when 0 < |v| < 1e-6 or |v| >= 1e21; `NaN`, `+Inf`, `-Inf`; `-0` keeps its sign.
 */
export function formatValue(v: number): string {
  if (v !== v) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const s = String(v);
  const e = s.indexOf('e');
  if (e < 0) return s;
  // JS switches to exponent form at the same magnitudes as Prometheus; Go pads the exponent to two digits.
  const mantissa = s.slice(0, e);
  const sign = s[e + 1] as string;
  const digits = s.slice(e + 2);
  return `${mantissa}e${sign}${digits.length < 2 ? `0${digits}` : digits}`;
}

/** Go's strconv.FormatFloat(v, 'f', -1, 64): shortest digits, never an exponent (scalar results use it). */
export function formatFloatF(v: number): string {
  if (v !== v) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const s = String(v);
  if (!s.includes('e')) return s;
  const [mant, expText] = v.toExponential().split('e') as [string, string];
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  const exp = Number(expText);
  let out: string;
  if (exp < 0) out = `0.${'0'.repeat(-exp - 1)}${digits}`;
  else if (digits.length <= exp + 1) out = digits + '0'.repeat(exp + 1 - digits.length);
  else out = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  return neg ? `-${out}` : out;
}

/**
 * A millisecond timestamp as Prometheus writes it: seconds, then `.` and exactly three digits when the
 * milliseconds are not zero (1435781451780 → `1435781451.780`).
 */
export function formatTimestamp(ms: number): string {
  let t = Math.trunc(ms);
  let sign = '';
  if (t < 0) {
    sign = '-';
    t = -t;
  }
  const frac = t % 1000;
  const secs = (t - frac) / 1000;
  if (frac === 0) return `${sign}${secs}`;
  return `${sign}${secs}.${frac < 10 ? '00' : frac < 100 ? '0' : ''}${frac}`;
}

const HTML_UNSAFE = /[<>&\u2028\u2029]/g;
const HAS_HTML_UNSAFE = /[<>&\u2028\u2029]/;
const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/** A JSON string literal as Go's encoding/json writes it (HTML characters and U+2028/9 escaped). */
export function jsonString(s: string): string {
  const q = JSON.stringify(s);
  return HAS_HTML_UNSAFE.test(q) ? q.replace(HTML_UNSAFE, (c) => HTML_ESCAPES[c] as string) : q;
}

const stringJsonCache = new Map<string, string>();
const STRING_JSON_CACHE_SIZE = 1 << 17;

/**
 * `jsonString`, remembered: for label names and values, which recur across the series of a result and across
 * queries. The cache is dropped whole when full.
 */
export function cachedJsonString(s: string): string {
  let j = stringJsonCache.get(s);
  if (j === undefined) {
    if (stringJsonCache.size >= STRING_JSON_CACHE_SIZE) stringJsonCache.clear();
    j = jsonString(s);
    stringJsonCache.set(s, j);
  }
  return j;
}

/** JSON.stringify with Go's string escaping; for envelopes and small objects (not for sample arrays). */
export function goJson(value: unknown): string {
  const s = JSON.stringify(value);
  return s === undefined ? 'null' : s.replace(HTML_UNSAFE, (c) => HTML_ESCAPES[c] as string);
}

/** A float64 as a bare JSON number, as Prometheus's jsoniter writes struct fields (stats timings: `4.61e-07`). */
export function jsoniterFloat(v: number): string {
  return Number.isFinite(v) ? formatValue(v) : '0';
}
