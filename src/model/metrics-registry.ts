// Vigil's own metrics (counters, gauges, collect-time callbacks) and their text exposition for /metrics.

import { quoteExpositionString } from './exposition-writer.js';

type MetricType = 'counter' | 'gauge' | 'histogram';

interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  /** Label values joined by \xff → value. */
  collect(): Iterable<readonly [labelValues: readonly string[], value: number]>;
  readonly labelNames: readonly string[];
}

/** A counter or gauge with fixed label names; `labels(...)` picks one child. */
export class MetricVec {
  private readonly children = new Map<string, { values: readonly string[]; v: number }>();

  constructor(readonly labelNames: readonly string[]) {}

  private child(values: readonly string[]): { values: readonly string[]; v: number } {
    if (values.length !== this.labelNames.length) throw new Error(`expected ${this.labelNames.length} label values, got ${values.length}`);
    const key = values.join('\xff');
    let c = this.children.get(key);
    if (c === undefined) {
      c = { values: [...values], v: 0 };
      this.children.set(key, c);
    }
    return c;
  }

  inc(values: readonly string[] = [], by = 1): void {
    this.child(values).v += by;
  }

  set(values: readonly string[], v: number): void {
    this.child(values).v = v;
  }

  get(values: readonly string[] = []): number {
    return this.children.get(values.join('\xff'))?.v ?? 0;
  }

  /** Forgets one child (e.g. a scrape pool that went away). */
  remove(values: readonly string[]): void {
    this.children.delete(values.join('\xff'));
  }

  *entries(): Iterable<readonly [readonly string[], number]> {
    for (const c of this.children.values()) yield [c.values, c.v];
  }
}

/** A histogram with fixed buckets and label names: cumulative `_bucket{le}`, `_sum` and `_count` per child. */
export class HistogramVec {
  private readonly children = new Map<string, { values: readonly string[]; counts: Float64Array; sum: number; count: number }>();

  constructor(readonly labelNames: readonly string[], readonly buckets: readonly number[]) {}

  observe(values: readonly string[], v: number): void {
    const key = values.join('\xff');
    let c = this.children.get(key);
    if (c === undefined) {
      c = { values: [...values], counts: new Float64Array(this.buckets.length), sum: 0, count: 0 };
      this.children.set(key, c);
    }
    for (let i = 0; i < this.buckets.length; i++) if (v <= (this.buckets[i] as number)) c.counts[i] = (c.counts[i] as number) + 1;
    c.sum += v;
    c.count++;
  }

  /** Samples as (suffix, label values incl. `le` for buckets, value). */
  *samples(): Iterable<readonly [string, readonly string[], number]> {
    for (const c of this.children.values()) {
      for (let i = 0; i < this.buckets.length; i++) yield ['_bucket', [...c.values, formatSampleValue(this.buckets[i] as number)], c.counts[i] as number];
      yield ['_bucket', [...c.values, '+Inf'], c.count];
      yield ['_sum', c.values, c.sum];
      yield ['_count', c.values, c.count];
    }
  }
}

/** Holds every family; `expose()` writes them in the Prometheus text format 0.0.4, sorted by name. */
export class MetricsRegistry {
  private readonly families = new Map<string, Family>();
  private readonly histograms = new Map<string, { help: string; vec: HistogramVec }>();

  private register(f: Family): void {
    if (this.families.has(f.name)) throw new Error(`metric ${f.name} registered twice`);
    this.families.set(f.name, f);
  }

  counter(name: string, help: string, labelNames: readonly string[] = []): MetricVec {
    const vec = new MetricVec(labelNames);
    this.register({ name, help, type: 'counter', labelNames, collect: () => vec.entries() });
    return vec;
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): MetricVec {
    const vec = new MetricVec(labelNames);
    this.register({ name, help, type: 'gauge', labelNames, collect: () => vec.entries() });
    return vec;
  }

  histogram(name: string, help: string, labelNames: readonly string[], buckets: readonly number[]): HistogramVec {
    if (this.families.has(name) || this.histograms.has(name)) throw new Error(`metric ${name} registered twice`);
    const vec = new HistogramVec(labelNames, buckets);
    this.histograms.set(name, { help, vec });
    return vec;
  }

  /** A family whose samples are computed at collect time. */
  gaugeFunc(
    name: string,
    help: string,
    collect: () => Iterable<readonly [readonly string[], number]> | number,
    options: { labelNames?: readonly string[]; type?: MetricType } = {},
  ): void {
    this.register({
      name,
      help,
      type: options.type ?? 'gauge',
      labelNames: options.labelNames ?? [],
      collect: () => {
        const r = collect();
        return typeof r === 'number' ? [[[], r] as const] : r;
      },
    });
  }

  /** Drops a family (for components that stop). */
  unregister(name: string): void {
    this.families.delete(name);
  }

  expose(): string {
    const out: string[] = [];
    for (const name of [...this.families.keys(), ...this.histograms.keys()].sort()) {
      const h = this.histograms.get(name);
      if (h !== undefined) {
        out.push(exposeHistogram(name, h.help, h.vec));
        continue;
      }
      const f = this.families.get(name) as Family;
      const samples = [...f.collect()];
      if (samples.length === 0) continue;
      out.push(`# HELP ${f.name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${f.name} ${f.type}\n`);
      samples.sort((a, b) => (a[0].join('\xff') < b[0].join('\xff') ? -1 : 1));
      for (const [values, v] of samples) {
        const labels = f.labelNames.map((n, i) => `${n}=${quoteExpositionString(values[i] ?? '')}`).join(',');
        out.push(`${f.name}${labels === '' ? '' : `{${labels}}`} ${formatSampleValue(v)}\n`);
      }
    }
    return out.join('');
  }
}

function exposeHistogram(name: string, help: string, vec: HistogramVec): string {
  const samples = [...vec.samples()];
  if (samples.length === 0) return '';
  let out = `# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${name} histogram\n`;
  for (const [suffix, values, v] of samples) {
    const names = suffix === '_bucket' ? [...vec.labelNames, 'le'] : vec.labelNames;
    const labels = names.map((n, i) => `${n}=${quoteExpositionString(values[i] ?? '')}`).join(',');
    out += `${name}${suffix}${labels === '' ? '' : `{${labels}}`} ${formatSampleValue(v)}\n`;
  }
  return out;
}

function formatSampleValue(v: number): string {
  if (v !== v) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}
