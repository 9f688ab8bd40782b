// A series line of a test script (`name{l="v"} 1 2 _ stale 0+10x5`): its label set and its expanded values.

import { Labels } from '../../model/labels.js';
import { parseMetricSelector } from '../parser.js';

/** One expanded value: a float, an omitted slot, a staleness marker, or a native histogram (kept as its text). */
export type SeriesValue = { kind: 'float'; v: number } | { kind: 'omitted' } | { kind: 'stale' } | { kind: 'histogram'; text: string };

export interface SeriesLine {
  labels: Labels;
  values: SeriesValue[];
}

/** Splits a line into the series text and the values text, respecting quotes inside braces. */
function splitSeries(line: string): [string, string] {
  const brace = line.indexOf('{');
  const space = line.search(/\s/);
  if (brace < 0 || (space >= 0 && space < brace)) {
    return space < 0 ? [line, ''] : [line.slice(0, space), line.slice(space).trim()];
  }
  let quote = '';
  for (let i = brace + 1; i < line.length; i++) {
    const c = line[i] as string;
    if (quote !== '') {
      if (c === '\\' && quote !== '`') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '}') return [line.slice(0, i + 1), line.slice(i + 1).trim()];
  }
  throw new Error(`unclosed brace in series ${JSON.stringify(line)}`);
}

/** The label set a series description names (`{}` is the empty set). */
export function parseSeriesLabels(text: string): Labels {
  if (/^\{\s*\}$/.test(text)) return Labels.EMPTY;
  const pairs: Array<[string, string]> = [];
  for (const m of parseMetricSelector(text)) {
    if (m.type !== '=') throw new Error(`series ${text} may only use = matchers`);
    pairs.push([m.name, m.value]);
  }
  return Labels.from(pairs);
}

function parseNumber(s: string): number {
  if (/^[+-]?inf$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(s)) return NaN;
  if (/^[+-]?0[xX]/.test(s)) throw new Error(`invalid number ${s}`);
  const clean = s.replace(/_/g, '');
  const v = Number(clean);
  if (clean === '' || Number.isNaN(v)) throw new Error(`invalid number ${s}`);
  return v;
}

/** Expands the §1.6.4 value notation. */
export function expandValues(text: string): SeriesValue[] {
  const out: SeriesValue[] = [];
  const items: string[] = [];
  // Histograms `{{…}}` contain spaces: keep them together.
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i] as string)) i++;
    if (i >= text.length) break;
    let j = i;
    while (j < text.length && !/\s/.test(text[j] as string)) {
      if (text.startsWith('{{', j)) {
        const close = text.indexOf('}}', j);
        j = close < 0 ? text.length : close + 2;
      } else j++;
    }
    items.push(text.slice(i, j));
    i = j;
  }
  for (const item of items) {
    if (item.includes('{{')) {
      const m = /^(\{\{.*?\}\})(?:([+-])(\{\{.*?\}\}))?(?:x(\d+))?$/.exec(item);
      const n = m?.[4] !== undefined ? Number(m[4]) + 1 : 1;
      for (let k = 0; k < n; k++) out.push({ kind: 'histogram', text: item });
      continue;
    }
    if (item === '_') {
      out.push({ kind: 'omitted' });
      continue;
    }
    if (item === 'stale') {
      out.push({ kind: 'stale' });
      continue;
    }
    const om = /^_x(\d+)$/.exec(item);
    if (om !== null) {
      for (let k = 0; k < Number(om[1]); k++) out.push({ kind: 'omitted' });
      continue;
    }
    const xm = /^(.+?)(?:([+-])(.+?))?x(\d+)$/.exec(item);
    if (xm !== null && !/^[+-]?inf$/i.test(item)) {
      const a = parseNumber(xm[1] as string);
      const sign = xm[2] === '-' ? -1 : 1;
      const b = xm[3] === undefined ? 0 : parseNumber(xm[3]);
      const n = Number(xm[4]);
      let cur = a;
      for (let k = 0; k <= n; k++) {
        out.push({ kind: 'float', v: cur });
        cur += sign * b;
      }
      continue;
    }
    out.push({ kind: 'float', v: parseNumber(item) });
  }
  return out;
}

/** Parses a whole series line. Throws on malformed input. */
export function parseSeriesLine(line: string): SeriesLine {
  const [series, values] = splitSeries(line);
  return { labels: parseSeriesLabels(series), values: expandValues(values) };
}
