// The series-description notation of promqltest `load` blocks and promtool rule tests:
// `metric{a="b"} 0+10x100 _ stale 1 2 3 -1-2x3` → labels and an expanded value sequence.
// Native-histogram literals (`{{…}}`) are rejected: Vigil does not support native histograms yet.
// Also the start-timestamp lines of Prometheus 3.12+ scripts: `metric{a="b"}@st _ _ -30s-1mx2 0`.

import { Labels } from '../model/labels.js';
import { ParseError } from '../model/errors.js';
import { DurationError, parseDuration } from './duration.js';
import { goQuote, StringEscapeError, unquoteGo } from './go-string.js';
import { parseGoNumber } from './go-number.js';
import { describeToken, lex, METRIC_NAME_TOKENS, scanNumber, type Token } from './lexer.js';
import { positionOf } from './parse-error.js';

/** One slot of an expanded sequence: a float sample, a staleness marker, or no sample at that step. */
export type SequenceValue =
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'stale' }
  | { readonly kind: 'omitted' };

export interface SeriesDescription {
  readonly labels: Labels;
  readonly values: SequenceValue[];
}

/**
 * A malformed series description. `code` is `promql_series_notation`, or `promql_native_histogram_unsupported`
 * for a `{{…}}` histogram literal. `position` is 1-based within the description text.
 */
export class SeriesNotationError extends ParseError {
  constructor(code: string, input: string, offset: number, message: string) {
    super(code, message, positionOf(input, offset));
    this.name = 'SeriesNotationError';
  }
}

const OMITTED: SequenceValue = Object.freeze({ kind: 'omitted' });
const STALE: SequenceValue = Object.freeze({ kind: 'stale' });

function fail(input: string, offset: number, message: string): never {
  throw new SeriesNotationError('promql_series_notation', input, offset, message);
}

/** End offset of the metric part (`name`, `name{…}`, `{…}`) at the start of `line`. */
function metricEnd(line: string): number {
  let i = 0;
  while (i < line.length && line[i] !== '{' && line[i] !== ' ' && line[i] !== '\t' && line[i] !== '@') i++;
  if (line[i] !== '{') return i;
  let quote = '';
  for (i++; i < line.length; i++) {
    const c = line[i];
    if (quote !== '') {
      if (c === '\\' && quote !== '`') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'" || c === '`') {
      quote = c;
    } else if (c === '}') {
      return i + 1;
    }
  }
  return line.length;
}

/** Parses `name`, `name{l="v",…}` or `{…}` (a metric, not a selector: only `=` and quoted names). */
export function parseMetric(text: string): Labels {
  const tokens = lex(text);
  let i = 0;
  const peek = (): Token => tokens[Math.min(i, tokens.length - 1)] as Token;
  const unexpected = (context: string, expected: string): never => {
    const t = peek();
    if (t.type === 'ERROR') fail(text, t.start, t.val);
    return fail(text, t.start, `unexpected ${describeToken(t)}${context === '' ? '' : ` in ${context}`}${expected === '' ? '' : `, expected ${expected}`}`);
  };
  const unquote = (t: Token): string => {
    try {
      return unquoteGo(t.val);
    } catch (e) {
      if (e instanceof StringEscapeError) fail(text, t.start, `error unquoting string ${goQuote(t.val)}: ${e.message}`);
      throw e;
    }
  };
  const pairs: [string, string][] = [];
  const first = peek();
  if (METRIC_NAME_TOKENS.has(first.type)) {
    pairs.push(['__name__', first.val]);
    i++;
  }
  if (peek().type === 'LEFT_BRACE') {
    i++;
    while (peek().type !== 'RIGHT_BRACE') {
      const t = peek();
      if (t.type === 'IDENTIFIER' || t.type === 'STRING') {
        i++;
        const name = t.type === 'STRING' ? unquote(t) : t.val;
        if (peek().type === 'EQL') {
          i++;
          const v = peek();
          if (v.type !== 'STRING') unexpected('label set', 'string');
          i++;
          pairs.push([name, unquote(v)]);
        } else if (t.type === 'STRING') {
          pairs.push(['__name__', name]);
        } else {
          unexpected('label set', '"="');
        }
      } else {
        unexpected('label set', 'identifier or "}"');
      }
      const sep = peek().type;
      if (sep === 'COMMA') i++;
      else if (sep !== 'RIGHT_BRACE') unexpected('label set', '"," or "}"');
    }
    i++;
  }
  if (peek().type !== 'EOF') unexpected('', '');
  return Labels.from(pairs);
}

/** A number of a series value: decimal/octal/exponent as Go reads it (no hex), `Inf`, `NaN`. */
type Fail = (at: number, msg: string) => never;

function readNumber(input: string, at: number, err: Fail): { value: number; end: number } | undefined {
  const word = /^[A-Za-z]+/.exec(input.slice(at))?.[0];
  if (word !== undefined) {
    const l = word.toLowerCase();
    if (l === 'inf') return { value: Infinity, end: at + word.length };
    if (l === 'nan') return { value: NaN, end: at + word.length };
    return undefined;
  }
  const r = scanNumber(input, at, true);
  if (!r.ok) return undefined;
  const v = parseGoNumber(input.slice(at, r.end));
  if (typeof v === 'string') err(at, `error parsing number: ${v}`);
  return { value: v, end: r.end };
}

function readUint(input: string, at: number, err: Fail): { value: number; end: number } {
  const m = /^[0-9]+/.exec(input.slice(at));
  const end = at + (m?.[0].length ?? 0);
  if (m === null || (end < input.length && !/\s/.test(input[end] as string))) {
    err(at, `invalid repetition in series values: ${goQuote(input.slice(at, end + 1))}`);
  }
  return { value: Number(m[0]), end };
}

/** Expands the value part of a series description (`1 2 _x3 0+10x5 stale -1-2x3`). */
export function parseSeriesValues(input: string, baseOffset = 0, whole = input): SequenceValue[] {
  const out: SequenceValue[] = [];
  const n = input.length;
  let i = 0;
  const err: Fail = (at, msg) => fail(whole, baseOffset + at, msg);
  while (i < n) {
    const c = input[i] as string;
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    const start = i;
    if (c === '{' && input[i + 1] === '{') {
      throw new SeriesNotationError(
        'promql_native_histogram_unsupported',
        whole,
        baseOffset + start,
        'native histogram values ({{…}}) are not supported yet',
      );
    }
    if (c === '_') {
      i++;
      if (input[i] === 'x') {
        const r = readUint(input, i + 1, err);
        for (let k = 0; k < r.value; k++) out.push(OMITTED);
        i = r.end;
      } else {
        out.push(OMITTED);
      }
    } else if (input.startsWith('stale', i) && !/[A-Za-z0-9_]/.test(input[i + 5] ?? '')) {
      out.push(STALE);
      i += 5;
    } else {
      let sign = 1;
      if (c === '+' || c === '-') {
        sign = c === '-' ? -1 : 1;
        i++;
      }
      const a = readNumber(input, i, err);
      if (a === undefined) {
        const word = /^\S+/.exec(input.slice(start))?.[0] ?? '';
        err(start, `unexpected ${goQuote(word)} in series values, expected number or "stale"`);
      }
      let value = sign * a.value;
      i = a.end;
      let inc: number | undefined;
      const op = input[i];
      if (op === '+' || op === '-') {
        const b = readNumber(input, i + 1, err);
        if (b === undefined) err(i, `unexpected ${goQuote(input.slice(i, i + 2))} in series values, expected number`);
        inc = op === '-' ? -b.value : b.value;
        i = b.end;
        if (input[i] !== 'x') err(i, 'missing repetition "x<count>" after the increment in series values');
      }
      if (input[i] === 'x') {
        const r = readUint(input, i + 1, err);
        i = r.end;
        for (let k = 0; k <= r.value; k++) {
          out.push({ kind: 'float', value });
          if (inc !== undefined) value += inc;
        }
      } else {
        out.push({ kind: 'float', value });
      }
    }
    if (i < n && input[i] !== ' ' && input[i] !== '\t') {
      err(i, `unexpected ${goQuote(input.slice(i).split(/\s/)[0] ?? '')} in series values`);
    }
  }
  return out;
}

/** Parses a whole series line: `metric{labels} values…`. */
export function parseSeriesDescription(line: string): SeriesDescription {
  const text = line.trim();
  const lead = line.length - line.trimStart().length;
  const end = metricEnd(text);
  let labels: Labels;
  try {
    labels = parseMetric(text.slice(0, end));
  } catch (e) {
    if (e instanceof SeriesNotationError) {
      throw new SeriesNotationError(e.code, line, lead + offsetOf(text.slice(0, end), e), e.message.replace(/^\d+:\d+: /, ''));
    }
    throw e;
  }
  return { labels, values: parseSeriesValues(text.slice(end), lead + end, line) };
}

function offsetOf(text: string, e: SeriesNotationError): number {
  let line = 1;
  let i = 0;
  while (line < e.position.line && i < text.length) if (text[i++] === '\n') line++;
  return i + e.position.column - 1;
}

/** A start-timestamp line: the metric, and per sample position an offset in ms from the sample's time (undefined: none). */
export interface StartTimestampDescription {
  readonly labels: Labels;
  readonly offsets: (number | undefined)[];
}

/** True when `line` is a `<metric>@st …` start-timestamp line rather than a sample line. */
export function isStartTimestampLine(line: string): boolean {
  const text = line.trim();
  return text.startsWith('@st', metricEnd(text));
}

/** A signed Prometheus duration (`-30s`, `+1m`, `0`, `-59999ms`) in ms. */
function signedDuration(text: string, at: number, err: Fail): number {
  let sign = 1;
  let body = text;
  if (body.startsWith('-') || body.startsWith('+')) {
    sign = body[0] === '-' ? -1 : 1;
    body = body.slice(1);
  }
  try {
    const ms = sign * parseDuration(body);
    return ms === 0 ? 0 : ms; // no -0
  } catch (e) {
    if (e instanceof DurationError) err(at, e.message);
    throw e;
  }
}

/**
 * Parses `<metric>@st <items>`: `_` (no start timestamp), `_xN` (N of them), `<dur>`, `<dur>xN` (N+1 copies),
 * `<dur>+<dur>xN` / `<dur>-<dur>xN` (N+1 offsets with a linear step). Durations may be signed.
 */
export function parseStartTimestampDescription(line: string): StartTimestampDescription {
  const text = line.trim();
  const lead = line.length - line.trimStart().length;
  const end = metricEnd(text);
  if (!text.startsWith('@st', end)) fail(line, lead + end, 'expected "@st" after the metric of a start-timestamp line');
  const labels = parseMetric(text.slice(0, end));
  const offsets: (number | undefined)[] = [];
  const base = lead + end + 3;
  const err: Fail = (at, msg) => fail(line, base + at, msg);
  const items = text.slice(end + 3);
  const re = /\S+/g;
  for (let m = re.exec(items); m !== null; m = re.exec(items)) {
    const item = m[0];
    const at = m.index;
    if (item === '_') {
      offsets.push(undefined);
      continue;
    }
    const times = /x(\d+)$/.exec(item);
    const count = times === null ? undefined : Number(times[1]);
    const body = times === null ? item : item.slice(0, times.index);
    if (body === '_') {
      if (count === undefined) err(at, `invalid start-timestamp item ${goQuote(item)}`);
      for (let k = 0; k < count; k++) offsets.push(undefined);
      continue;
    }
    // Split `<dur><+|-><dur>`: the step's sign is the first + or - after the leading one.
    const split = body.slice(1).search(/[+-]/);
    if (split >= 0 && count === undefined) err(at, `missing repetition "x<count>" after the step in ${goQuote(item)}`);
    const first = signedDuration(split >= 0 ? body.slice(0, split + 1) : body, at, err);
    const step = split >= 0 ? signedDuration(body.slice(split + 1), at + split + 1, err) : 0;
    const n = count ?? 0;
    for (let k = 0; k <= n; k++) offsets.push(first + k * step);
  }
  return { labels, offsets };
}
