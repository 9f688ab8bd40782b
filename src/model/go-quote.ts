// Go's quoting of strings and runes (strconv.Quote, %q, %#U), shared by label printing and PromQL messages.
//
// A lone surrogate U+DC80..U+DCFF stands for an invalid UTF-8 byte (see promql/go-string.ts) and is quoted as `\xNN`.

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
