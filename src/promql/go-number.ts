// PromQL number literals as Prometheus reads them: Go's ParseInt(s, 0, 64) first (hex, octal, binary,
// underscores), then ParseFloat (decimals, exponents, Inf, NaN).

import { goQuote } from './go-string.js';

const INT64_MAX = 9223372036854775807n;

function underscoreOK(s: string, hex: boolean, prefixed: boolean): boolean {
  let saw = prefixed ? '0' : '^';
  for (let i = prefixed ? 2 : 0; i < s.length; i++) {
    const c = s[i] as string;
    const lower = c.toLowerCase();
    if ((c >= '0' && c <= '9') || (hex && lower >= 'a' && lower <= 'f')) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

/** Go's ParseInt(s, 0, 64) for an unsigned literal; undefined when it fails (syntax or range). */
function parseGoInt(s: string): number | undefined {
  let digits = s;
  let radix = 10;
  let prefixed = false;
  const p = s.slice(0, 2).toLowerCase();
  if (p === '0x') {
    radix = 16;
    prefixed = true;
  } else if (p === '0o') {
    radix = 8;
    prefixed = true;
  } else if (p === '0b') {
    radix = 2;
    prefixed = true;
  } else if (s.length > 1 && s[0] === '0') {
    radix = 8;
  }
  if (prefixed) digits = s.slice(2);
  if (s.includes('_') && !underscoreOK(s, radix === 16, prefixed)) return undefined;
  digits = digits.replaceAll('_', '');
  if (digits === '') return undefined;
  const valid = radix === 16 ? /^[0-9a-fA-F]+$/ : radix === 10 ? /^[0-9]+$/ : radix === 8 ? /^[0-7]+$/ : /^[01]+$/;
  if (!valid.test(digits)) return undefined;
  const prefix = radix === 16 ? '0x' : radix === 8 ? '0o' : radix === 2 ? '0b' : '';
  const big = BigInt(prefix + digits);
  if (big > INT64_MAX) return undefined;
  return Number(big);
}

const DECIMAL_FLOAT = /^(?:[0-9_]+\.?[0-9_]*|\.[0-9_]+)(?:[eE][+-]?[0-9_]+)?$/;

/**
 * The value of a PromQL number token, or an error message worded as Go's strconv error
 * (`strconv.ParseFloat: parsing "1e400": value out of range`).
 */
export function parseGoNumber(s: string): number | string {
  const asInt = parseGoInt(s);
  if (asInt !== undefined) return asInt;
  const lower = s.toLowerCase().replace(/^[+-]/, '');
  const neg = s.startsWith('-');
  if (lower === 'inf' || lower === 'infinity') return neg ? -Infinity : Infinity;
  if (lower === 'nan') return NaN;
  if (DECIMAL_FLOAT.test(s) && /[0-9]/.test(s) && (!s.includes('_') || underscoreOK(s, false, false))) {
    const v = Number(s.replaceAll('_', ''));
    if (!Number.isFinite(v)) return `strconv.ParseFloat: parsing ${goQuote(s)}: value out of range`;
    return v;
  }
  return `strconv.ParseFloat: parsing ${goQuote(s)}: invalid syntax`;
}
