// The PromQL lexer: turns a query into tokens, with Prometheus's context rules (inside braces, inside brackets).
//
// The token stream ends with EOF, or with one ERROR token (whose `val` is the message) followed by EOF.
// Positions are UTF-16 offsets into the query.

import { goQuote, quoteRune, StringEscapeError, unquoteGo } from './go-string.js';

export type TokenType =
  | 'EOF'
  | 'ERROR'
  | 'IDENTIFIER'
  | 'METRIC_IDENTIFIER'
  | 'STRING'
  | 'NUMBER'
  | 'DURATION'
  | 'LEFT_PAREN'
  | 'RIGHT_PAREN'
  | 'LEFT_BRACE'
  | 'RIGHT_BRACE'
  | 'LEFT_BRACKET'
  | 'RIGHT_BRACKET'
  | 'COMMA'
  | 'EQL'
  | 'COLON'
  // Operators.
  | 'ADD'
  | 'SUB'
  | 'MUL'
  | 'DIV'
  | 'MOD'
  | 'POW'
  | 'EQLC'
  | 'NEQ'
  | 'LSS'
  | 'LTE'
  | 'GTR'
  | 'GTE'
  | 'EQL_REGEX'
  | 'NEQ_REGEX'
  | 'AT'
  | 'LAND'
  | 'LOR'
  | 'LUNLESS'
  | 'ATAN2'
  | 'TRIM_UPPER'
  | 'TRIM_LOWER'
  // Aggregators (`val` holds the spelling; the operator is `val.toLowerCase()`).
  | 'AGGREGATOR'
  // Keywords.
  | 'BOOL'
  | 'BY'
  | 'GROUP_LEFT'
  | 'GROUP_RIGHT'
  | 'IGNORING'
  | 'OFFSET'
  | 'SMOOTHED'
  | 'ANCHORED'
  | 'ON'
  | 'WITHOUT'
  | 'FILL'
  | 'FILL_LEFT'
  | 'FILL_RIGHT'
  // Preprocessors and duration functions.
  | 'START'
  | 'END'
  | 'STEP'
  | 'RANGE'
  | 'MIN_OF'
  | 'MAX_OF';

export interface Token {
  readonly type: TokenType;
  /** UTF-16 offsets of the token's text; for ERROR, start is where the bad item began. */
  readonly start: number;
  readonly end: number;
  /** Source text of the token (quotes included for strings); the message for ERROR. */
  readonly val: string;
}

const OPERATORS: ReadonlySet<TokenType> = new Set<TokenType>([
  'ADD', 'SUB', 'MUL', 'DIV', 'MOD', 'POW', 'EQLC', 'NEQ', 'LSS', 'LTE', 'GTR', 'GTE', 'EQL_REGEX', 'NEQ_REGEX', 'AT',
  'LAND', 'LOR', 'LUNLESS', 'ATAN2', 'TRIM_UPPER', 'TRIM_LOWER',
]);
const KEYWORDS: ReadonlySet<TokenType> = new Set<TokenType>([
  'BOOL', 'BY', 'GROUP_LEFT', 'GROUP_RIGHT', 'IGNORING', 'OFFSET', 'SMOOTHED', 'ANCHORED', 'ON', 'WITHOUT', 'FILL',
  'FILL_LEFT', 'FILL_RIGHT',
]);

export const AGGREGATORS: ReadonlySet<string> = new Set([
  'sum', 'avg', 'count', 'min', 'max', 'group', 'stddev', 'stdvar', 'topk', 'bottomk', 'count_values', 'quantile',
  'limitk', 'limit_ratio',
]);

const WORDS: ReadonlyMap<string, TokenType> = new Map<string, TokenType>([
  ['and', 'LAND'], ['or', 'LOR'], ['unless', 'LUNLESS'], ['atan2', 'ATAN2'],
  ['offset', 'OFFSET'], ['smoothed', 'SMOOTHED'], ['anchored', 'ANCHORED'], ['by', 'BY'], ['without', 'WITHOUT'],
  ['on', 'ON'], ['ignoring', 'IGNORING'], ['group_left', 'GROUP_LEFT'], ['group_right', 'GROUP_RIGHT'],
  ['fill', 'FILL'], ['fill_left', 'FILL_LEFT'], ['fill_right', 'FILL_RIGHT'], ['bool', 'BOOL'],
  ['start', 'START'], ['end', 'END'], ['step', 'STEP'], ['range', 'RANGE'],
  ['inf', 'NUMBER'], ['nan', 'NUMBER'],
]);

/** Keyword tokens that may also be label names in grouping clauses (`by (on, offset)`). */
const LABEL_KEYWORDS: ReadonlySet<TokenType> = new Set<TokenType>([
  'AGGREGATOR', 'BOOL', 'BY', 'GROUP_LEFT', 'GROUP_RIGHT', 'IGNORING', 'LAND', 'LOR', 'LUNLESS', 'OFFSET', 'ON',
  'START', 'END', 'ATAN2', 'STEP', 'RANGE', 'ANCHORED', 'SMOOTHED', 'WITHOUT',
]);

/** Token types that may be used as a metric name (identifiers and some keywords, as Prometheus's grammar allows). */
export const METRIC_NAME_TOKENS: ReadonlySet<TokenType> = new Set<TokenType>([
  'IDENTIFIER', 'METRIC_IDENTIFIER', 'AGGREGATOR', 'BY', 'WITHOUT', 'OFFSET', 'LAND', 'LOR', 'LUNLESS', 'START', 'END',
  'STEP', 'RANGE', 'ANCHORED', 'SMOOTHED',
]);

/** True for a keyword token that Prometheus also accepts as a grouping label name. */
export function isKeywordLike(t: TokenType): boolean {
  return LABEL_KEYWORDS.has(t);
}

/** Go's `%.10q`-style truncating quote used for long token values. */
function quoteShort(s: string): string {
  const cps = [...s];
  return cps.length > 10 ? goQuote(cps.slice(0, 10).join('')) + '...' : goQuote(s);
}

/** How Prometheus names a token in "unexpected …" messages. */
export function describeToken(t: Token): string {
  switch (t.type) {
    case 'EOF':
      return 'end of input';
    case 'ERROR':
      return t.val;
    case 'IDENTIFIER':
      return `identifier ${goQuote(t.val)}`;
    case 'METRIC_IDENTIFIER':
      return `metric identifier ${goQuote(t.val)}`;
    case 'STRING':
      return `string ${quoteShort(t.val)}`;
    case 'NUMBER':
      return `number ${quoteShort(t.val)}`;
    case 'DURATION':
      return `duration ${quoteShort(t.val)}`;
    case 'AGGREGATOR':
      return `<aggr:${t.val}>`;
    default:
      if (OPERATORS.has(t.type)) return `<op:${t.val}>`;
      if (KEYWORDS.has(t.type)) return `<${t.val}>`;
      return goQuote(t.val);
  }
}

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}
function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}
function isAlpha(c: string | undefined): boolean {
  return c !== undefined && (c === '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}
function isAlphaNumeric(c: string | undefined): boolean {
  return isAlpha(c) || isDigit(c);
}

type Mode = 'statements' | 'braces' | 'duration';

/** Single-character tokens inside `[…]`. */
const DURATION_PUNCT: ReadonlyMap<string, TokenType> = new Map<string, TokenType>([
  [']', 'RIGHT_BRACKET'], [':', 'COLON'], ['(', 'LEFT_PAREN'], [')', 'RIGHT_PAREN'], ['+', 'ADD'], ['-', 'SUB'], ['*', 'MUL'],
  ['/', 'DIV'], ['%', 'MOD'], ['^', 'POW'], [',', 'COMMA'],
]);
/** Single-character tokens outside braces and brackets (those not needing a look-ahead). */
const STATEMENT_PUNCT: ReadonlyMap<string, TokenType> = new Map<string, TokenType>([
  [',', 'COMMA'], ['*', 'MUL'], ['/', 'DIV'], ['%', 'MOD'], ['+', 'ADD'], ['-', 'SUB'], ['^', 'POW'], ['@', 'AT'],
]);

/** Options of the lexer. `seriesDesc` lexes numbers the way series descriptions need (no hex, `x` may follow). */
export interface LexOptions {
  readonly seriesDesc?: boolean;
}

/** Scans a number at `pos` with Prometheus's rules; returns the end offset and whether it is a valid number. */
export function scanNumber(input: string, pos: number, seriesDesc: boolean): { end: number; ok: boolean } {
  const start = pos;
  let p = pos;
  let digits = '0123456789';
  const at = (i: number): string | undefined => input[i];
  const accept = (set: string): boolean => {
    const c = at(p);
    if (c !== undefined && set.includes(c)) {
      p++;
      return true;
    }
    return false;
  };
  const is = (set: string): boolean => {
    const c = at(p);
    return c !== undefined && set.includes(c);
  };
  if (!seriesDesc && at(p) === '0' && (at(p + 1) === 'x' || at(p + 1) === 'X')) {
    p += 2;
    accept('_');
    digits = '0123456789abcdefABCDEF';
  } else if (!seriesDesc && at(p) === '0') {
    // `0` alone is consumed by the digit accept below.
  }
  accept('.');
  accept(digits);
  let dot = false;
  let exp = false;
  while (is(digits + '._eE')) {
    if (is('.')) {
      if (dot) {
        p++;
        return { end: p, ok: false };
      }
    }
    if (is('eE') && !digits.includes('e')) {
      if (exp) {
        p++;
        return { end: p, ok: false };
      }
    }
    if (accept('.')) {
      dot = true;
      if (accept('_.')) return { end: p, ok: false };
      if (digits.length > 10) return { end: p, ok: false };
      continue;
    }
    if (!digits.includes('e') && accept('eE')) {
      exp = true;
      accept('+-');
      if (accept('._eE') || p >= input.length) return { end: p, ok: false };
      continue;
    }
    if (accept('_')) {
      if (accept('._eE') || p >= input.length) return { end: p, ok: false };
      continue;
    }
    while (accept(digits)) {
      /* consume */
    }
  }
  if (p === start) return { end: p, ok: false };
  const next = at(p);
  if ((seriesDesc && next === 'x') || !isAlphaNumeric(next)) return { end: p, ok: true };
  return { end: p, ok: false };
}

/** Tokenizes a PromQL expression. Never throws: lexical problems become an ERROR token. */
export function lex(input: string, options: LexOptions = {}): Token[] {
  const tokens: Token[] = [];
  const seriesDesc = options.seriesDesc === true;
  let pos = 0;
  let mode: Mode = 'statements';
  let parenDepth = 0;
  let gotColon = false;
  let gotDuration = false;

  const emit = (type: TokenType, start: number, end: number): void => {
    tokens.push({ type, start, end, val: input.slice(start, end) });
  };
  const fail = (start: number, message: string): Token[] => {
    tokens.push({ type: 'ERROR', start, end: input.length, val: message });
    tokens.push({ type: 'EOF', start: input.length, end: input.length, val: '' });
    return tokens;
  };
  const cpAt = (i: number): number => input.codePointAt(i) ?? 0;

  // Returns an error message, or undefined after emitting a STRING token and advancing pos.
  const lexString = (start: number): string | undefined => {
    const q = input[start] as string;
    let p = start + 1;
    if (q === '`') {
      const close = input.indexOf('`', p);
      if (close < 0) return 'unterminated raw string';
      pos = close + 1;
      emit('STRING', start, pos);
      return undefined;
    }
    for (;;) {
      const c = input[p];
      if (c === undefined || c === '\n') return 'unterminated quoted string';
      if (c === '\\') {
        p += 2;
        continue;
      }
      p++;
      if (c === q) break;
    }
    try {
      unquoteGo(input.slice(start, p));
    } catch (e) {
      if (e instanceof StringEscapeError) return e.message;
      throw e;
    }
    pos = p;
    emit('STRING', start, pos);
    return undefined;
  };

  const lexNumberOrDuration = (start: number): string | undefined => {
    const r = scanNumber(input, start, seriesDesc);
    if (r.ok) {
      pos = r.end;
      emit('NUMBER', start, pos);
      return undefined;
    }
    // A duration: the number part followed by units (`1h30m`, `5m`, `10ms`).
    let p = r.end;
    const accept = (set: string): boolean => {
      const c = input[p];
      if (c !== undefined && set.includes(c)) {
        p++;
        return true;
      }
      return false;
    };
    let ok = false;
    if (accept('smhdwy')) {
      accept('s');
      ok = true;
      while (accept('0123456789')) {
        while (accept('0123456789')) {
          /* consume */
        }
        if (!accept('smhdw')) {
          ok = false;
          break;
        }
        accept('s');
      }
      if (ok && isAlphaNumeric(input[p])) {
        p++;
        ok = false;
      }
    }
    if (ok) {
      pos = p;
      emit('DURATION', start, pos);
      return undefined;
    }
    return `bad number or duration syntax: ${goQuote(input.slice(start, Math.max(p, r.end)))}`;
  };

  while (pos <= input.length) {
    const c = input[pos];
    const start = pos;
    if (mode === 'braces') {
      if (c === '#') {
        while (pos < input.length && input[pos] !== '\n' && input[pos] !== '\r') pos++;
        continue;
      }
      if (c === undefined) return fail(start, 'unexpected end of input inside braces');
      if (isSpace(c)) {
        pos++;
        continue;
      }
      if (isAlpha(c)) {
        pos++;
        while (isAlphaNumeric(input[pos])) pos++;
        emit('IDENTIFIER', start, pos);
        continue;
      }
      switch (c) {
        case ',':
          pos++;
          emit('COMMA', start, pos);
          continue;
        case '"':
        case "'":
        case '`': {
          const err = lexString(start);
          if (err !== undefined) return fail(start, err);
          continue;
        }
        case '=':
          if (input[pos + 1] === '~') {
            pos += 2;
            emit('EQL_REGEX', start, pos);
          } else {
            pos++;
            emit('EQL', start, pos);
          }
          continue;
        case '!': {
          const n = input[pos + 1];
          if (n === '~') {
            pos += 2;
            emit('NEQ_REGEX', start, pos);
          } else if (n === '=') {
            pos += 2;
            emit('NEQ', start, pos);
          } else {
            return fail(start, `unexpected character after '!' inside braces: ${quoteRune(n === undefined ? -1 : cpAt(pos + 1))}`);
          }
          continue;
        }
        case '{':
          return fail(start, `unexpected left brace '{'`);
        case '}':
          pos++;
          emit('RIGHT_BRACE', start, pos);
          mode = 'statements';
          continue;
        default:
          return fail(start, `unexpected character inside braces: ${quoteRune(cpAt(pos))}`);
      }
    }
    if (mode === 'duration') {
      if (c === undefined) return fail(start, 'unexpected end of input in duration expression');
      if (isSpace(c)) {
        pos++;
        continue;
      }
      const t = DURATION_PUNCT.get(c);
      if (t !== undefined) {
        pos++;
        emit(t, start, pos);
        if (t === 'RIGHT_BRACKET') mode = 'statements';
        else if (t === 'LEFT_PAREN') parenDepth++;
        else if (t === 'RIGHT_PAREN' && --parenDepth < 0) {
          tokens.pop();
          return fail(pos, `unexpected right parenthesis ')'`);
        } else if (t === 'COLON') {
          if (!gotDuration) {
            tokens.pop();
            return fail(pos, 'unexpected colon before duration in duration expression');
          }
          if (gotColon) {
            tokens.pop();
            return fail(pos, 'unexpected repeated colon in duration expression');
          }
          gotColon = true;
        }
        if (t !== 'COLON' && t !== 'RIGHT_BRACKET') gotDuration = true;
        continue;
      }
      gotDuration = true;
      if (isDigit(c) || (c === '.' && isDigit(input[pos + 1]))) {
        const err = lexNumberOrDuration(start);
        if (err !== undefined) return fail(start, err);
        continue;
      }
      if ('smrSMR'.includes(c)) {
        let p = pos;
        while (isAlpha(input[p])) p++;
        const word = input.slice(pos, p).toLowerCase();
        const kw: TokenType | undefined =
          word === 'step' ? 'STEP' : word === 'range' ? 'RANGE' : word === 'min_of' ? 'MIN_OF' : word === 'max_of' ? 'MAX_OF' : undefined;
        if (kw !== undefined) {
          pos = p;
          emit(kw, start, pos);
          continue;
        }
      }
      return fail(start, `unexpected character in duration expression: ${quoteRune(cpAt(pos))}`);
    }

    // Statements.
    if (c === '#') {
      while (pos < input.length && input[pos] !== '\n' && input[pos] !== '\r') pos++;
      continue;
    }
    if (c === undefined) {
      if (parenDepth !== 0) return fail(start, 'unclosed left parenthesis');
      emit('EOF', start, start);
      return tokens;
    }
    if (isSpace(c)) {
      pos++;
      continue;
    }
    const st = STATEMENT_PUNCT.get(c);
    if (st !== undefined) {
      pos++;
      emit(st, start, pos);
      continue;
    }
    switch (c) {
      case '=': {
        const n = input[pos + 1];
        if (n === '=') {
          pos += 2;
          emit('EQLC', start, pos);
        } else if (n === '~') {
          return fail(start, `unexpected character after '=': '~'`);
        } else {
          pos++;
          emit('EQL', start, pos);
        }
        continue;
      }
      case '!':
        if (input[pos + 1] !== '=') {
          return fail(start, `unexpected character after '!': ${quoteRune(input[pos + 1] === undefined ? -1 : cpAt(pos + 1))}`);
        }
        pos += 2;
        emit('NEQ', start, pos);
        continue;
      case '<':
      case '>': {
        if (input[pos + 1] === '/') {
          pos += 2;
          emit(c === '<' ? 'TRIM_UPPER' : 'TRIM_LOWER', start, pos);
          continue;
        }
        const eq = input[pos + 1] === '=';
        pos += eq ? 2 : 1;
        emit(c === '<' ? (eq ? 'LTE' : 'LSS') : eq ? 'GTE' : 'GTR', start, pos);
        continue;
      }
      case '"':
      case "'":
      case '`': {
        const err = lexString(start);
        if (err !== undefined) return fail(start, err);
        continue;
      }
      case '(':
        pos++;
        parenDepth++;
        emit('LEFT_PAREN', start, pos);
        continue;
      case ')':
        pos++;
        emit('RIGHT_PAREN', start, pos);
        if (--parenDepth < 0) {
          // Prometheus's lexer replaces the ')' by the error, positioned after it.
          tokens.pop();
          return fail(pos, `unexpected right parenthesis ')'`);
        }
        continue;
      case '{':
        pos++;
        emit('LEFT_BRACE', start, pos);
        mode = 'braces';
        continue;
      case '[':
        pos++;
        emit('LEFT_BRACKET', start, pos);
        mode = 'duration';
        gotColon = false;
        gotDuration = false;
        continue;
      case ']':
        return fail(start, `unexpected right bracket ']'`);
    }
    if (isDigit(c) || (c === '.' && isDigit(input[pos + 1]))) {
      const err = lexNumberOrDuration(start);
      if (err !== undefined) return fail(start, err);
      continue;
    }
    if (isAlpha(c) || c === ':') {
      let p = pos + 1;
      while (isAlphaNumeric(input[p]) || input[p] === ':') p++;
      const word = input.slice(pos, p);
      const lower = word.toLowerCase();
      let type: TokenType | undefined = AGGREGATORS.has(lower) ? 'AGGREGATOR' : WORDS.get(lower);
      if (type === 'FILL' || type === 'FILL_LEFT' || type === 'FILL_RIGHT') {
        let q = p;
        while (isSpace(input[q])) q++;
        if (input[q] !== '(') type = undefined;
      }
      if (type === undefined) type = word.includes(':') ? 'METRIC_IDENTIFIER' : 'IDENTIFIER';
      pos = p;
      emit(type, start, pos);
      continue;
    }
    return fail(start, `unexpected character: ${quoteRune(cpAt(pos))}`);
  }
  emit('EOF', input.length, input.length);
  return tokens;
}
