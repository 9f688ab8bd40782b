// Writers for the Prometheus text format 0.0.4 and OpenMetrics 1.0, for /federate, the push gateway and the agent.
//
// Usage: `family()` once per metric family, then `sample()` for each of its samples (label sets carry `__name__`,
// the full sample name such as `foo_total`), then `finish()` for the text. Values are written in the shortest form
// that reads back to the same float64 (NaN payloads aside: the formats have one NaN); timestamps are ms, written as
// integers in the text format and as exact decimal seconds in OpenMetrics. Names that are not valid legacy names are
// written in the quoted form Prometheus 3 reads (`{"my.metric", "a.b"="c"}`). The writer checks nothing beyond what
// it needs to write valid syntax: the caller supplies families whose samples fit them.

import type { Exemplar, ExpositionFormat, MetricType } from './exposition-parser.js';
import type { Labels } from './labels.js';
import { METRIC_NAME } from './labels.js';

export interface FamilyMeta {
  name: string;
  type: MetricType;
  help?: string;
  unit?: string;
}

const TEXT_TYPE: Record<MetricType, string> = {
  counter: 'counter', gauge: 'gauge', histogram: 'histogram', summary: 'summary', unknown: 'untyped',
  gaugehistogram: 'untyped', stateset: 'untyped', info: 'untyped',
};

export class ExpositionWriter {
  readonly format: ExpositionFormat;
  private out = '';

  constructor(format: ExpositionFormat) {
    this.format = format;
  }

  /** Starts a family: writes its TYPE, UNIT (OpenMetrics) and HELP lines. */
  family(meta: FamilyMeta): this {
    const name = formatName(meta.name);
    if (this.format === 'openmetrics') {
      this.out += `# TYPE ${name} ${meta.type}\n`;
      if (meta.unit !== undefined && meta.unit !== '') this.out += `# UNIT ${name} ${meta.unit}\n`;
      if (meta.help !== undefined) this.out += `# HELP ${name} ${escapeText(meta.help, true)}\n`;
    } else {
      if (meta.help !== undefined) this.out += `# HELP ${name} ${escapeText(meta.help, false)}\n`;
      this.out += `# TYPE ${name} ${TEXT_TYPE[meta.type]}\n`;
    }
    return this;
  }

  /** Writes one sample; `labels` includes `__name__`. `timestamp` is in ms. Exemplars are written in OpenMetrics only. */
  sample(labels: Labels, value: number, options: { timestamp?: number; exemplar?: Exemplar } = {}): this {
    let line = formatSeries(labels);
    line += ` ${formatValue(value)}`;
    if (options.timestamp !== undefined) line += ` ${this.format === 'openmetrics' ? formatSeconds(options.timestamp) : formatInteger(options.timestamp)}`;
    const ex = options.exemplar;
    if (ex !== undefined && this.format === 'openmetrics') {
      line += ` # ${formatLabelSet(ex.labels, '', true)} ${formatValue(ex.value)}`;
      if (ex.timestamp !== undefined) line += ` ${formatSeconds(ex.timestamp)}`;
    }
    this.out += `${line}\n`;
    return this;
  }

  /** The exposition written so far, with `# EOF` for OpenMetrics. The writer can be reused after `reset()`. */
  finish(): string {
    return this.format === 'openmetrics' ? `${this.out}# EOF\n` : this.out;
  }

  reset(): this {
    this.out = '';
    return this;
  }
}

/** `name{a="1",b="2"}` (or the quoted form for names outside the legacy character set). */
export function formatSeries(labels: Labels): string {
  return formatLabelSet(labels, labels.get(METRIC_NAME), false);
}

function formatLabelSet(labels: Labels, name: string, always: boolean): string {
  const parts: string[] = [];
  let head = name;
  if (name !== '' && !isLegacyMetricName(name)) {
    parts.push(quoteExpositionString(name));
    head = '';
  }
  labels.forEach((n, v) => {
    if (n === METRIC_NAME && !always) return;
    parts.push(`${isLegacyLabelName(n) ? n : quoteExpositionString(n)}=${quoteExpositionString(v)}`);
  });
  return parts.length === 0 && !always ? head : `${head}{${parts.join(',')}}`;
}

/** Shortest text that reads back to the same float64: `NaN`, `+Inf`, `-Inf`, `-0`, or JS's shortest round-trip form. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0 && Object.is(v, -0)) return '-0';
  return String(v);
}

function formatInteger(ms: number): string {
  return Number.isSafeInteger(ms) ? String(ms) : BigInt(Math.trunc(ms)).toString();
}

/** Exact decimal seconds for an integer number of ms: 1520879607789 → "1520879607.789". */
function formatSeconds(ms: number): string {
  const t = Math.trunc(ms);
  const neg = t < 0;
  const a = Math.abs(t);
  const s = Math.floor(a / 1000);
  const frac = a - s * 1000;
  return `${neg ? '-' : ''}${s}${frac === 0 ? '' : `.${String(frac).padStart(3, '0').replace(/0+$/, '')}`}`;
}

/** A label value (or quoted name) in the text exposition format: only `\\`, `"` and newline are escaped. */
export function quoteExpositionString(s: string): string {
  return `"${s.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`))}"`;
}

function escapeText(s: string, om: boolean): string {
  return s.replace(om ? /[\\"\n]/g : /[\\\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

function formatName(name: string): string {
  return isLegacyMetricName(name) ? name : quoteExpositionString(name);
}

export function isLegacyMetricName(s: string): boolean {
  return /^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(s);
}

export function isLegacyLabelName(s: string): boolean {
  return /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(s);
}
