// Go string literal rules as PromQL uses them: unquoting "…", '…' and `…` literals, and strconv.Quote-style quoting.
//
// Byte escapes (`\xc5`, `\305`) may produce bytes that are not valid UTF-8. JS strings cannot hold raw bytes, so such
// a byte is kept as the lone surrogate U+DC00+byte ("surrogate escape"). `goQuote` prints it back as `\xNN`, and
// `isValidUtf8` reports strings holding one as invalid, which is what Prometheus's label-name checks see.

/** Thrown by `unquoteGo` with Prometheus's wording for a bad escape; `offset` is the UTF-16 offset in the literal. */
export class StringEscapeError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.name = 'StringEscapeError';
    this.offset = offset;
  }
}

/** Go's `%#U` of a code point: `U+0027 '''`. */
export function formatCodePointU(cp: number): string {
  const hex = cp.toString(16).toUpperCase().padStart(4, '0');
  return isPrint(cp) ? `U+${hex} '${String.fromCodePoint(cp)}'` : `U+${hex}`;
}

/** Go's `%q` of a rune: `'x'`, `'\n'`, `'\x00'`. */
export function quoteRune(cp: number): string {
  if (cp === 0x27) return "'\\''";
  if (cp === 0x22) return `'"'`;
  return `'${escapeCodePoint(cp, 0x27)}'`;
}

function digitVal(ch: string | undefined): number {
  if (ch === undefined) return 16;
  const c = ch.charCodeAt(0);
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return 16;
}

/**
 * The value of a Go-style quoted literal including its quotes (`"a\n"`, `'a'`, `` `raw` ``). Single quotes delimit
 * strings (not runes), as in PromQL. Throws StringEscapeError for malformed escapes.
 */
export function unquoteGo(literal: string): string {
  const quote = literal[0];
  if (literal.length < 2 || literal[literal.length - 1] !== quote) throw new StringEscapeError('invalid syntax', 0);
  const body = literal.slice(1, -1);
  if (quote === '`') return body;
  if (quote !== '"' && quote !== "'") throw new StringEscapeError('invalid syntax', 0);
  if (!body.includes('\\')) return body;
  let out = '';
  let bytes: number[] = [];
  const flushBytes = (): void => {
    if (bytes.length > 0) {
      out += decodeUtf8Escaped(bytes);
      bytes = [];
    }
  };
  let i = 0;
  while (i < body.length) {
    const ch = body[i] as string;
    if (ch !== '\\') {
      flushBytes();
      out += ch;
      i++;
      continue;
    }
    const at = i + 1; // offset of the backslash within the literal (after the opening quote)
    const e = body[i + 1];
    i += 2;
    switch (e) {
      case 'a': flushBytes(); out += '\x07'; continue;
      case 'b': flushBytes(); out += '\b'; continue;
      case 'f': flushBytes(); out += '\f'; continue;
      case 'n': flushBytes(); out += '\n'; continue;
      case 'r': flushBytes(); out += '\r'; continue;
      case 't': flushBytes(); out += '\t'; continue;
      case 'v': flushBytes(); out += '\v'; continue;
      case '\\': flushBytes(); out += '\\'; continue;
      case undefined:
        throw new StringEscapeError('escape sequence not terminated', at);
      default:
        break;
    }
    if (e === quote) {
      flushBytes();
      out += e;
      continue;
    }
    let n: number;
    let base: number;
    let max: number;
    let start = i;
    if (e >= '0' && e <= '7') {
      n = 3; base = 8; max = 255; start = i - 1;
    } else if (e === 'x') {
      n = 2; base = 16; max = 255;
    } else if (e === 'u') {
      n = 4; base = 16; max = 0x10ffff;
    } else if (e === 'U') {
      n = 8; base = 16; max = 0x10ffff;
    } else {
      throw new StringEscapeError(`unknown escape sequence ${formatCodePointU(e.codePointAt(0) as number)}`, at);
    }
    let x = 0;
    let j = start;
    for (let k = 0; k < n; k++, j++) {
      const d = digitVal(body[j]);
      if (d >= base) {
        const c = body[j];
        if (c === undefined) throw new StringEscapeError('escape sequence not terminated', at);
        throw new StringEscapeError(`illegal character ${formatCodePointU(c.codePointAt(0) as number)} in escape sequence`, at);
      }
      x = x * base + d;
    }
    i = j;
    if (x > max || (x >= 0xd800 && x < 0xe000)) throw new StringEscapeError('escape sequence is an invalid Unicode code point', at);
    if (max === 255) {
      bytes.push(x);
    } else {
      flushBytes();
      out += String.fromCodePoint(x);
    }
  }
  flushBytes();
  return out;
}

/** Decodes UTF-8 bytes; each byte of an invalid sequence becomes the lone surrogate U+DC00+byte. */
function decodeUtf8Escaped(bytes: readonly number[]): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const b0 = bytes[i] as number;
    let need = 0;
    let cp = 0;
    let min = 0;
    if (b0 < 0x80) {
      out += String.fromCharCode(b0);
      i++;
      continue;
    } else if (b0 >= 0xc2 && b0 <= 0xdf) {
      need = 1; cp = b0 & 0x1f; min = 0x80;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      need = 2; cp = b0 & 0x0f; min = 0x800;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      need = 3; cp = b0 & 0x07; min = 0x10000;
    } else {
      out += String.fromCharCode(0xdc00 + b0);
      i++;
      continue;
    }
    let ok = i + need < bytes.length;
    if (ok) {
      for (let k = 1; k <= need; k++) {
        const b = bytes[i + k] as number;
        if ((b & 0xc0) !== 0x80) {
          ok = false;
          break;
        }
        cp = (cp << 6) | (b & 0x3f);
      }
    }
    if (!ok || cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) {
      out += String.fromCharCode(0xdc00 + b0);
      i++;
      continue;
    }
    out += String.fromCodePoint(cp);
    i += need + 1;
  }
  return out;
}

/** False when `s` holds a lone surrogate (an escaped invalid UTF-8 byte, or a broken UTF-16 pair). */
export function isValidUtf8(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++;
        continue;
      }
      return false;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return false;
  }
  return true;
}

/** Length of `s` in UTF-8 bytes (escaped invalid bytes count as one). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else if (c >= 0xdc80 && c <= 0xdcff) n += 1;
    else n += 3;
  }
  return n;
}

// Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

function isPrint(cp: number): boolean {
  if (cp < 0x20 || cp === 0x7f) return false;
  if (cp < 0x7f) return true;
  if (cp >= 0xd800 && cp < 0xe000) return false;
  return PRINTABLE.test(String.fromCodePoint(cp));
}

function escapeCodePoint(cp: number, quote: number): string {
  if (cp === quote) return '\\' + String.fromCharCode(quote);
  if (cp === 0x5c) return '\\\\';
  if (isPrint(cp)) return String.fromCodePoint(cp);
  switch (cp) {
    case 0x07: return '\\a';
    case 0x08: return '\\b';
    case 0x0c: return '\\f';
    case 0x0a: return '\\n';
    case 0x0d: return '\\r';
    case 0x09: return '\\t';
    case 0x0b: return '\\v';
  }
  if (cp >= 0xdc80 && cp <= 0xdcff) return '\\x' + (cp - 0xdc00).toString(16).padStart(2, '0');
  if (cp < 0x20 || cp === 0x7f) return '\\x' + cp.toString(16).padStart(2, '0');
  if (cp >= 0xd800 && cp < 0xe000) return '\\ufffd';
  if (cp < 0x10000) return '\\u' + cp.toString(16).padStart(4, '0');
  return '\\U' + cp.toString(16).padStart(8, '0');
}

/** Go's `strconv.Quote`: a double-quoted literal with Go escapes for non-printable characters. */
export function goQuote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f && c !== 0x22 && c !== 0x5c) {
      out += s[i];
      continue;
    }
    let cp = c;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      cp = s.codePointAt(i) as number;
      i++;
    }
    out += escapeCodePoint(cp, 0x22);
  }
  return out + '"';
}
