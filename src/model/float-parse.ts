// Parsing floats from bytes exactly as Go's strconv.ParseFloat does for the syntax Prometheus accepts.
//
// Prometheus (and its text parser in prometheus/common) reads sample values with strconv.ParseFloat after
// rejecting any text containing `p`, `P` or `_`: so hex floats and digit separators are out, and what is left is
//   [+-] digits [. digits] [(e|E) [+-] digits]   (at least one digit in the mantissa)
//   [+-] (inf | infinity)                          (any letter case)
//   nan                                            (any letter case, no sign)
// A decimal that overflows float64 is an error (Go's ErrRange); one that underflows becomes ±0 or a subnormal.
// Decimals are rounded to nearest-even, as Go rounds them: small exact cases take the Clinger fast path
// (one correctly rounded multiply or divide), the rest go through the JS number parser, which is also
// correctly rounded. Either way the result is bit for bit what Go returns.

/** Exact powers of ten 10^0 … 10^22 (every one of them is exactly representable as a float64). */
const POW10 = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];
const MAX_EXACT = 2 ** 53;

/** Result slot of `parseFloatBytes`: NaN-safe, since a parsed NaN is a valid result. */
export interface FloatResult {
  value: number;
}

/**
 * Parses `buf[start, end)` as a float. Returns true and sets `out.value` on success; false when the text is
 * not a float in the syntax above or overflows float64. Never throws and never allocates for plain integers
 * and short decimals.
 */
export function parseFloatBytes(buf: Uint8Array, start: number, end: number, out: FloatResult): boolean {
  if (start >= end) return false;
  let i = start;
  let c = buf[i] as number;
  let negative = false;
  if (c === 0x2b /* + */ || c === 0x2d /* - */) {
    negative = c === 0x2d;
    i++;
    if (i >= end) return false;
    c = buf[i] as number;
  }
  if ((c | 0x20) === 0x69 /* i */) {
    if (!matchesWordIgnoreCase(buf, i, end, 'inf') && !matchesWordIgnoreCase(buf, i, end, 'infinity')) return false;
    out.value = negative ? -Infinity : Infinity;
    return true;
  }
  if ((c | 0x20) === 0x6e /* n */) {
    if (i !== start || !matchesWordIgnoreCase(buf, i, end, 'nan')) return false;
    out.value = NaN;
    return true;
  }
  let mantissa = 0;
  let digits = 0; // significant digits accumulated in `mantissa`
  let sawDigit = false;
  let exact = true; // mantissa holds every digit exactly
  let fracDigits = 0;
  // Integer part.
  while (i < end) {
    c = buf[i] as number;
    if (c < 0x30 || c > 0x39) break;
    sawDigit = true;
    if (mantissa !== 0 || c !== 0x30) {
      if (digits < 15) {
        mantissa = mantissa * 10 + (c - 0x30);
        digits++;
      } else exact = false;
    }
    i++;
  }
  if (i < end && buf[i] === 0x2e /* . */) {
    i++;
    while (i < end) {
      c = buf[i] as number;
      if (c < 0x30 || c > 0x39) break;
      sawDigit = true;
      if (mantissa !== 0 || c !== 0x30) {
        if (digits < 15) {
          mantissa = mantissa * 10 + (c - 0x30);
          digits++;
          fracDigits++;
        } else exact = false;
      } else fracDigits++;
      i++;
    }
  }
  if (!sawDigit) return false;
  let exp = 0;
  if (i < end && ((buf[i] as number) | 0x20) === 0x65 /* e */) {
    i++;
    let expNegative = false;
    if (i < end && (buf[i] === 0x2b || buf[i] === 0x2d)) {
      expNegative = buf[i] === 0x2d;
      i++;
    }
    let expDigits = 0;
    while (i < end) {
      c = buf[i] as number;
      if (c < 0x30 || c > 0x39) break;
      if (exp < 100000) exp = exp * 10 + (c - 0x30);
      expDigits++;
      i++;
    }
    if (expDigits === 0) return false;
    if (expNegative) exp = -exp;
  }
  if (i !== end) return false;
  let v: number;
  const e10 = exp - fracDigits;
  if (exact && mantissa === 0) {
    v = 0;
  } else if (exact && mantissa < MAX_EXACT && e10 >= -22 && e10 <= 22) {
    v = e10 >= 0 ? mantissa * (POW10[e10] as number) : mantissa / (POW10[-e10] as number);
  } else {
    v = Number(latin1(buf, negative || buf[start] === 0x2b ? start + 1 : start, end));
    if (v === Infinity) return false; // Go: ErrRange
  }
  out.value = negative ? -v : v;
  return true;
}

/** Parses a JS string with the same rules as `parseFloatBytes`; undefined when it is not a float. */
export function parseFloatString(s: string): number | undefined {
  const bytes = Buffer.from(s, 'latin1');
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return undefined;
  const out: FloatResult = { value: 0 };
  return parseFloatBytes(bytes, 0, bytes.length, out) ? out.value : undefined;
}

function matchesWordIgnoreCase(buf: Uint8Array, i: number, end: number, word: string): boolean {
  if (end - i !== word.length) return false;
  for (let k = 0; k < word.length; k++) if (((buf[i + k] as number) | 0x20) !== word.charCodeAt(k)) return false;
  return true;
}

function latin1(buf: Uint8Array, start: number, end: number): string {
  const slice = (buf as Partial<{ latin1Slice(s: number, e: number): string }>).latin1Slice;
  if (typeof slice === 'function') return slice.call(buf, start, end);
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(buf[i] as number);
  return s;
}
