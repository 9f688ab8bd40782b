// Lint rules for exposed metrics, the rule set of `promtool check metrics` in Prometheus 2.42 (client_golang promlint).
//
// Rules, per metric family that has samples: HELP present; known units in base form (seconds, bytes, meters, ...,
// with SI prefixes flagged); counters end in `_total` and only counters do; `_bucket`, `_count`, `_sum` suffixes and
// `le`, `quantile` labels only on histograms and summaries; no type name in the metric name; no `:`; snake_case
// metric and label names; no abbreviated units (`_ms`, `_s`, `_kb`, ...). Untyped families skip the type rules.

import { compareStrings } from './labels.js';

/** Types as the linter sees them: the text format's, plus gauge_histogram. */
export type LintType = 'counter' | 'gauge' | 'histogram' | 'gauge_histogram' | 'summary' | 'untyped';

export interface LintFamily {
  name: string;
  type: LintType;
  hasHelp: boolean;
  /** Label names of each metric (sample), without the `le` of buckets and the `quantile` of summary quantiles. */
  metricLabelNames: string[][];
}

export interface LintProblem {
  metric: string;
  text: string;
}

/** Unit words and their base unit, in a fixed order (the first match wins). */
const UNITS: ReadonlyArray<readonly [string, string]> = [
  ['amperes', 'amperes'], ['bytes', 'bytes'], ['celsius', 'celsius'], ['grams', 'grams'], ['joules', 'joules'],
  ['kelvin', 'kelvin'], ['meters', 'meters'], ['metres', 'metres'], ['seconds', 'seconds'], ['volts', 'volts'],
  ['minutes', 'seconds'], ['hours', 'seconds'], ['days', 'seconds'], ['weeks', 'seconds'],
  ['kelvins', 'kelvin'], ['fahrenheit', 'celsius'], ['rankine', 'celsius'],
  ['inches', 'meters'], ['yards', 'meters'], ['miles', 'meters'],
  ['bits', 'bytes'], ['calories', 'joules'], ['pounds', 'grams'], ['ounces', 'grams'],
];
const PREFIXES = ['pico', 'nano', 'micro', 'milli', 'centi', 'deci', 'deca', 'hecto', 'kilo', 'kibi', 'mega', 'mibi', 'giga', 'gibi', 'tera', 'tebi', 'peta', 'pebi', ''];
const ABBREVIATIONS = ['s', 'ms', 'us', 'ns', 'sec', 'b', 'kb', 'mb', 'gb', 'tb', 'pb', 'm', 'h', 'd'];
const TYPE_NAMES = ['counter', 'gauge', 'summary', 'histogram', 'gauge_histogram'];
const CAMEL = /[a-z][A-Z]/;

/** Lints families; problems sorted by metric name, then text (byte order), as promtool prints them. */
export function lintFamilies(families: Iterable<LintFamily>): LintProblem[] {
  const problems: LintProblem[] = [];
  for (const f of families) {
    if (f.metricLabelNames.length === 0) continue;
    const add = (text: string): void => {
      problems.push({ metric: f.name, text });
    };
    const n = f.name;
    const lower = n.toLowerCase();
    if (!f.hasHelp) add('no help text');
    const unit = unitOf(n);
    if (unit !== undefined && unit[0] !== unit[1]) add(`use base unit "${unit[1]}" instead of "${unit[0]}"`);
    const isCounter = f.type === 'counter';
    const isUntyped = f.type === 'untyped';
    const isHistogram = f.type === 'histogram';
    const isSummary = f.type === 'summary';
    if (isCounter && !n.endsWith('_total')) add('counter metrics should have "_total" suffix');
    else if (!isUntyped && !isCounter && n.endsWith('_total')) add('non-counter metrics should not have "_total" suffix');
    if (!isUntyped) {
      if (!isHistogram && n.endsWith('_bucket')) add('non-histogram metrics should not have "_bucket" suffix');
      if (!isHistogram && !isSummary && n.endsWith('_count')) add('non-histogram and non-summary metrics should not have "_count" suffix');
      if (!isHistogram && !isSummary && n.endsWith('_sum')) add('non-histogram and non-summary metrics should not have "_sum" suffix');
      for (const names of f.metricLabelNames) {
        for (const ln of names) {
          if (!isHistogram && ln === 'le') add('non-histogram metrics should not have "le" label');
          if (!isSummary && ln === 'quantile') add('non-summary metrics should not have "quantile" label');
        }
      }
    }
    for (const t of TYPE_NAMES) {
      if (lower.includes(`_${t}_`) || lower.endsWith(`_${t}`)) add(`metric name should not include type '${t}'`);
    }
    if (n.includes(':')) add("metric names should not contain ':'");
    if (CAMEL.test(n)) add("metric names should be written in 'snake_case' not 'camelCase'");
    for (const names of f.metricLabelNames) {
      for (const ln of names) if (CAMEL.test(ln)) add("label names should be written in 'snake_case' not 'camelCase'");
    }
    for (const a of ABBREVIATIONS) {
      if (lower.includes(`_${a}_`) || lower.endsWith(`_${a}`)) add('metric names should not contain abbreviated units');
    }
  }
  return problems.sort((a, b) => (a.metric === b.metric ? compareStrings(a.text, b.text) : compareStrings(a.metric, b.metric)));
}

function unitOf(name: string): readonly [string, string] | undefined {
  const parts = name.split('_');
  for (const [unit, base] of UNITS) {
    for (const p of PREFIXES) {
      if (parts.includes(p + unit)) return [p + unit, base];
    }
  }
  return undefined;
}
