// Aggregation operators (`sum by (job) (x)`, `topk`, `quantile`, ...) over the instant vector of one step.

import { formatGoFloatF, formatGoFloatG } from '../model/go-float-format.js';
import { Labels, METRIC_NAME } from '../model/labels.js';
import type { AggregateExpr } from './ast.js';
import type { Annotations } from './annotations.js';
import { kahanSumInc } from './kahan.js';
import { execError } from './query-error.js';
import { quantileOf } from './quantile.js';
import { prometheusLabelsHash } from './xxhash64.js';
import type { Sample, Series } from './value.js';

interface Group {
  metric: Labels;
  dropName: boolean;
  count: number;
  value: number;
  kahanC: number;
  mean: number;
  incrementalMean: boolean;
  samples: Sample[];
}

const METADATA = ['__name__', '__type__', '__unit__'];

/** The label set a sample is grouped under: `by` keeps the listed names, `without` drops them and the name. */
export function groupingLabels(metric: Labels, grouping: readonly string[], without: boolean): Labels {
  const flat: string[] = [];
  const f = metric.flat;
  for (let i = 0; i < f.length; i += 2) {
    const n = f[i] as string;
    if (without ? !grouping.includes(n) && !METADATA.includes(n) : grouping.includes(n)) flat.push(n, f[i + 1] as string);
  }
  return Labels.fromSortedFlat(flat);
}

/** A key that tells the groups of `groupingLabels` apart (equal keys, equal grouping labels), without building them. */
export function groupingKey(metric: Labels, grouping: readonly string[], without: boolean): string {
  if (!without && grouping.length === 0) return '';
  // One `by` label: its value alone tells the groups apart (absent and empty are the same group). It is usually an
  // interned string whose hash is already known, where a concatenated key would be hashed afresh per series.
  if (!without && grouping.length === 1) return metric.get(grouping[0] as string);
  let key = '';
  const f = metric.flat;
  for (let i = 0; i < f.length; i += 2) {
    const n = f[i] as string;
    if (without ? grouping.includes(n) || METADATA.includes(n) : !grouping.includes(n)) continue;
    const v = f[i + 1] as string;
    // Lengths first, so that no name or value (any text) can make two different label sets read alike.
    key += `${n.length}\xff${n}${v.length}\xff${v}`;
  }
  return key;
}

/** Keeps the k largest (or smallest) samples in arrival order of replacement, as Prometheus's heap does. */
function selectK(samples: Sample[], k: number, top: boolean): Sample[] {
  const better = (a: number, b: number): boolean => (top ? a > b || (Number.isNaN(b) && !Number.isNaN(a)) : a < b || (Number.isNaN(b) && !Number.isNaN(a)));
  const kept: Sample[] = [];
  for (const s of samples) {
    if (kept.length < k) {
      kept.push(s);
      continue;
    }
    // Find the worst kept sample.
    let worst = 0;
    for (let i = 1; i < kept.length; i++) if (better((kept[worst] as Sample).f, (kept[i] as Sample).f)) worst = i;
    if (better(s.f, (kept[worst] as Sample).f)) kept[worst] = s;
  }
  kept.sort((a, b) => {
    if (a.f === b.f || (Number.isNaN(a.f) && Number.isNaN(b.f))) return 0;
    return better(a.f, b.f) ? -1 : 1;
  });
  return kept;
}

function paramK(p: number): number {
  if (Number.isNaN(p)) throw execError('Parameter value is NaN');
  if (p >= 9.223372036854776e18) return Number.MAX_SAFE_INTEGER;
  if (p <= -9.223372036854776e18) return -Number.MAX_SAFE_INTEGER;
  return Math.trunc(p);
}

/** Aggregates one step's vector. `param` is the step's scalar (topk, quantile, ...) or string (count_values). */
export function aggregate(
  e: AggregateExpr,
  samples: Sample[],
  param: number | string | undefined,
  t: number,
  annotations: Annotations,
  delayedNameRemoval: boolean,
  /** Grouping of each input label set, reused across the steps of one query. */
  groupCache: Map<Labels, { metric: Labels; key: string }> = new Map(),
): Sample[] {
  const op = e.op;
  if (op === 'count_values') {
    const label = param as string;
    if (!isValidLabelName(label)) throw execError(`invalid label name ${JSON.stringify(label)}`);
    const counts = new Map<string, { metric: Labels; n: number }>();
    for (const s of samples) {
      const withValue = s.metric.with(label, formatGoFloatF(s.f));
      const grouping = e.without ? e.grouping.filter((g) => g !== label) : [...e.grouping, label];
      const metric = groupingLabels(withValue, grouping, e.without);
      const key = metric.flat.join('\xff');
      const c = counts.get(key);
      if (c === undefined) counts.set(key, { metric, n: 1 });
      else c.n++;
    }
    return [...counts.values()].map((c) => ({ metric: c.metric, t, f: c.n, dropName: false }));
  }

  let k = 0;
  let ratio = 0;
  if (op === 'topk' || op === 'bottomk' || op === 'limitk') {
    k = paramK(param as number);
    if (k < 1) return [];
  } else if (op === 'limit_ratio') {
    ratio = param as number;
    if (Number.isNaN(ratio)) throw execError('Ratio value is NaN');
    if (ratio > 1) {
      annotations.warn(`ratio value should be between -1 and 1, got ${formatGoFloatG(ratio)}, capping to 1`);
      ratio = 1;
    } else if (ratio < -1) {
      annotations.warn(`ratio value should be between -1 and 1, got ${formatGoFloatG(ratio)}, capping to -1`);
      ratio = -1;
    }
  } else if (op === 'quantile') {
    const q = param as number;
    if (samples.length > 0 && (Number.isNaN(q) || q < 0 || q > 1)) annotations.warn(`quantile value should be between 0 and 1, got ${formatGoFloatG(q)}`);
  }

  const groups = new Map<string, Group>();
  const order: Group[] = [];
  for (const s of samples) {
    let cached = groupCache.get(s.metric);
    if (cached === undefined) {
      const m = groupingLabels(s.metric, e.grouping, e.without);
      cached = { metric: m, key: m.flat.join('\xff') };
      groupCache.set(s.metric, cached);
    }
    const { metric, key } = cached;
    let g = groups.get(key);
    if (g === undefined) {
      g = { metric, dropName: false, count: 0, value: 0, kahanC: 0, mean: 0, incrementalMean: false, samples: [] };
      groups.set(key, g);
      order.push(g);
    }
    if (s.dropName && metric.has(METRIC_NAME)) g.dropName = true;
    addSample(op, g, s);
  }

  const out: Sample[] = [];
  for (const g of order) {
    switch (op) {
      case 'topk':
      case 'bottomk':
        for (const s of selectK(g.samples, k, op === 'topk')) out.push(s);
        continue;
      case 'limitk':
        for (const s of g.samples.slice(0, k)) out.push(s);
        continue;
      case 'limit_ratio':
        for (const s of g.samples) {
          const offset = Number(prometheusLabelsHash(s.metric)) / 2 ** 64; // float64(MaxUint64) rounds to 2^64
          if ((ratio >= 0 && offset < ratio) || (ratio < 0 && offset >= 1 + ratio)) out.push(s);
        }
        continue;
      default:
    }
    let f: number;
    switch (op) {
      case 'sum':
        f = g.value + g.kahanC;
        break;
      case 'avg':
        f = g.incrementalMean ? g.mean + g.kahanC : g.value / g.count + g.kahanC / g.count;
        break;
      case 'count':
        f = g.count;
        break;
      case 'group':
        f = 1;
        break;
      case 'min':
      case 'max':
        f = g.value;
        break;
      case 'stdvar':
        f = g.value / g.count;
        break;
      case 'stddev':
        f = Math.sqrt(g.value / g.count);
        break;
      case 'quantile':
        f = quantileOf(param as number, g.samples.map((s) => s.f));
        break;
      default:
        throw execError(`unknown aggregation ${op}`);
    }
    out.push({ metric: g.metric, t, f, dropName: g.dropName && !delayedNameRemoval ? false : g.dropName });
  }
  return out;
}

function addSample(op: AggregateExpr['op'], g: Group, s: Sample): void {
  const f = s.f;
  g.count++;
  switch (op) {
    case 'sum':
      [g.value, g.kahanC] = kahanSumInc(f, g.value, g.kahanC);
      return;
    case 'avg': {
      if (g.count === 1) {
        g.value = f;
        g.kahanC = 0;
        return;
      }
      if (!g.incrementalMean) {
        const [nv, nc] = kahanSumInc(f, g.value, g.kahanC);
        if (Number.isFinite(nv) || Number.isNaN(nv)) {
          g.value = nv;
          g.kahanC = nc;
          return;
        }
        g.incrementalMean = true;
        g.mean = g.value / (g.count - 1);
        g.kahanC /= g.count - 1;
      }
      if (g.mean === Infinity || g.mean === -Infinity) {
        if ((f === Infinity || f === -Infinity) && g.mean > 0 === f > 0) return;
        if (Number.isFinite(f)) return;
      }
      const q = (g.count - 1) / g.count;
      [g.mean, g.kahanC] = kahanSumInc(f / g.count, q * g.mean, q * g.kahanC);
      return;
    }
    case 'min':
      if (g.count === 1 || f < g.value || Number.isNaN(g.value)) g.value = f;
      return;
    case 'max':
      if (g.count === 1 || f > g.value || Number.isNaN(g.value)) g.value = f;
      return;
    case 'stddev':
    case 'stdvar': {
      if (g.count === 1) {
        g.mean = f;
        g.value = Number.isFinite(f) ? 0 : NaN;
        return;
      }
      const delta = f - g.mean;
      g.mean += delta / g.count;
      g.value += delta * (f - g.mean);
      return;
    }
    default:
      g.samples.push(s);
  }
}

function isValidLabelName(n: string): boolean {
  if (n.length === 0) return false;
  const enc = Buffer.from(n, 'utf8');
  return enc.toString('utf8') === n && !n.includes('\uFFFD');
}

/** Aggregations computed over whole series at once (no object per sample): sum, avg, count, min, max, group, stddev, stdvar. */
export const SERIES_AGGREGATIONS: ReadonlySet<string> = new Set(['sum', 'avg', 'count', 'min', 'max', 'group', 'stddev', 'stdvar']);

/** Running state of one group of a series aggregation: per step, in typed arrays. */
interface AggregationGroup {
  metric: Labels;
  dropName: boolean;
  count: Float64Array;
  value: Float64Array;
  c: Float64Array;
  mean: Float64Array;
  incr: Uint8Array;
}

/**
 * One of SERIES_AGGREGATIONS over step-aligned series, fed one series at a time (`add`), so a selector's series
 * can stream in without being kept. Each series' group is computed once; per group and step the running state
 * lives in typed arrays. Samples are added in series order, as the per-step path adds them.
 */
export class SeriesAggregator {
  private readonly groups = new Map<string, AggregationGroup>();
  private readonly order: AggregationGroup[] = [];
  private lastMetric: Labels | undefined;
  private g: AggregationGroup | undefined;

  constructor(
    private readonly e: AggregateExpr,
    private readonly steps: number,
    private readonly stepOf: (t: number) => number,
  ) {}

  /** Adds a series; its arrays are read during the call only. */
  add(s: Series): void {
    const e = this.e;
    const op = e.op;
    const steps = this.steps;
    const stepOf = this.stepOf;
    let g = this.g;
    if (s.metric !== this.lastMetric || g === undefined) {
      this.lastMetric = s.metric;
      const key = groupingKey(s.metric, e.grouping, e.without);
      g = this.groups.get(key);
      if (g === undefined) {
        const metric = groupingLabels(s.metric, e.grouping, e.without);
        g = { metric, dropName: false, count: new Float64Array(steps), value: new Float64Array(steps), c: new Float64Array(steps), mean: new Float64Array(steps), incr: new Uint8Array(steps) };
        this.groups.set(key, g);
        this.order.push(g);
      }
      this.g = g;
    }
    if (s.dropName && g.metric.has(METRIC_NAME)) g.dropName = true;
    const { count, value, c, mean, incr } = g;
    for (let k = 0; k < s.ts.length; k++) {
      const i = stepOf(s.ts[k] as number);
      const f = s.fs[k] as number;
      const n = (count[i] as number) + 1;
      count[i] = n;
      switch (op) {
        case 'sum': {
          const sum = value[i] as number;
          const t = sum + f;
          if (t === Infinity || t === -Infinity) c[i] = 0;
          else if (Math.abs(sum) >= Math.abs(f)) c[i] = (c[i] as number) + (sum - t + f);
          else c[i] = (c[i] as number) + (f - t + sum);
          value[i] = t;
          break;
        }
        case 'avg': {
          if (n === 1) {
            value[i] = f;
            c[i] = 0;
            break;
          }
          if (incr[i] === 0) {
            const [nv, nc] = kahanSumInc(f, value[i] as number, c[i] as number);
            if (Number.isFinite(nv) || Number.isNaN(nv)) {
              value[i] = nv;
              c[i] = nc;
              break;
            }
            incr[i] = 1;
            mean[i] = (value[i] as number) / (n - 1);
            c[i] = (c[i] as number) / (n - 1);
          }
          const m = mean[i] as number;
          if (m === Infinity || m === -Infinity) {
            if ((f === Infinity || f === -Infinity) && m > 0 === f > 0) break;
            if (Number.isFinite(f)) break;
          }
          const q = (n - 1) / n;
          const [nm, nc] = kahanSumInc(f / n, q * m, q * (c[i] as number));
          mean[i] = nm;
          c[i] = nc;
          break;
        }
        case 'min':
          if (n === 1 || f < (value[i] as number) || Number.isNaN(value[i] as number)) value[i] = f;
          break;
        case 'max':
          if (n === 1 || f > (value[i] as number) || Number.isNaN(value[i] as number)) value[i] = f;
          break;
        case 'stddev':
        case 'stdvar': {
          if (n === 1) {
            mean[i] = f;
            value[i] = Number.isFinite(f) ? 0 : NaN;
            break;
          }
          const delta = f - (mean[i] as number);
          mean[i] = (mean[i] as number) + delta / n;
          value[i] = (value[i] as number) + delta * (f - (mean[i] as number));
          break;
        }
        default:
      }
    }
  }

  /** The aggregated series, one per group in order of first appearance. */
  finish(stepTime: (i: number) => number): Series[] {
    const op = this.e.op;
    const steps = this.steps;
    const out: Series[] = [];
    for (const g of this.order) {
      const ts: number[] = [];
      const fs: number[] = [];
      for (let i = 0; i < steps; i++) {
        const n = g.count[i] as number;
        if (n === 0) continue;
        let f: number;
        switch (op) {
          case 'sum':
            f = (g.value[i] as number) + (g.c[i] as number);
            break;
          case 'avg':
            f = g.incr[i] === 1 ? (g.mean[i] as number) + (g.c[i] as number) : (g.value[i] as number) / n + (g.c[i] as number) / n;
            break;
          case 'count':
            f = n;
            break;
          case 'group':
            f = 1;
            break;
          case 'stdvar':
            f = (g.value[i] as number) / n;
            break;
          case 'stddev':
            f = Math.sqrt((g.value[i] as number) / n);
            break;
          default:
            f = g.value[i] as number;
        }
        ts.push(stepTime(i));
        fs.push(f);
      }
      out.push({ metric: g.metric, ts, fs, dropName: g.dropName });
    }
    return out;
  }
}

/** One of SERIES_AGGREGATIONS over step-aligned series (SeriesAggregator over all of them). */
export function aggregateSeries(e: AggregateExpr, series: Series[], steps: number, stepOf: (t: number) => number, stepTime: (i: number) => number): Series[] {
  const acc = new SeriesAggregator(e, steps, stepOf);
  for (const s of series) acc.add(s);
  return acc.finish(stepTime);
}

/**
 * topk/bottomk over step-aligned series without an object per sample: per group and step the k best (series,
 * value) pairs, chosen exactly as the per-step path chooses them. For one step, the output is in Prometheus's
 * order (groups in order of appearance, each sorted best first).
 */
export function topkSeries(e: AggregateExpr, series: Series[], ks: Float64Array, steps: number, stepOf: (t: number) => number, stepTime: (i: number) => number): Series[] {
  const acc = new TopkAggregator(e, ks, steps, stepOf);
  for (const s of series) acc.add(s);
  return acc.finish(stepTime);
}

/**
 * topkSeries fed one series at a time (`add`), so a function's series can stream in: of each series only its
 * labels (and pending name drop) are kept, and of its points those among the k best so far.
 */
export class TopkAggregator {
  private readonly top: boolean;
  private readonly k: number[];
  private readonly groupIndex = new Map<string, number>();
  private readonly kept: Array<Array<Array<[si: number, f: number]> | undefined>> = [];
  private readonly metrics: Labels[] = [];
  private readonly dropNames: boolean[] = [];
  private lastMetric: Labels | undefined;
  private lastGroup = 0;
  private readonly ungrouped: boolean;

  constructor(
    private readonly e: AggregateExpr,
    ks: Float64Array,
    private readonly steps: number,
    private readonly stepOf: (t: number) => number,
  ) {
    this.top = e.op === 'topk';
    this.k = Array.from(ks, (p) => paramK(p));
    this.ungrouped = !e.without && e.grouping.length === 0;
  }

  private better(a: number, b: number): boolean {
    return this.top ? a > b || (Number.isNaN(b) && !Number.isNaN(a)) : a < b || (Number.isNaN(b) && !Number.isNaN(a));
  }

  /** Adds a series; its arrays are read during the call only. */
  add(s: Series): void {
    const si = this.metrics.length;
    this.metrics.push(s.metric);
    this.dropNames.push(s.dropName);
    let gi = this.lastGroup;
    if (this.ungrouped) {
      // One group, whatever the labels: they are not even looked at.
      if (this.kept.length === 0) this.kept.push(new Array(this.steps));
    } else if (s.metric !== this.lastMetric || this.kept.length === 0) {
      this.lastMetric = s.metric;
      const key = groupingKey(s.metric, this.e.grouping, this.e.without);
      const found = this.groupIndex.get(key);
      if (found === undefined) {
        gi = this.kept.length;
        this.groupIndex.set(key, gi);
        this.kept.push(new Array(this.steps));
      } else gi = found;
      this.lastGroup = gi;
    }
    const perStep = this.kept[gi] as Array<Array<[number, number]> | undefined>;
    for (let j = 0; j < s.ts.length; j++) {
      const i = this.stepOf(s.ts[j] as number);
      const ki = this.k[i] as number;
      if (ki < 1) continue;
      const f = s.fs[j] as number;
      let arr = perStep[i];
      if (arr === undefined) {
        arr = [];
        perStep[i] = arr;
      }
      if (arr.length < ki) {
        arr.push([si, f]);
        continue;
      }
      let worst = 0;
      for (let w = 1; w < arr.length; w++) if (this.better((arr[worst] as [number, number])[1], (arr[w] as [number, number])[1])) worst = w;
      if (this.better(f, (arr[worst] as [number, number])[1])) arr[worst] = [si, f];
    }
  }

  finish(stepTime: (i: number) => number): Series[] {
    const outBySeries = new Map<number, Series>();
    const ordered: Series[] = [];
    for (let i = 0; i < this.steps; i++) {
      for (const perStep of this.kept) {
        const arr = perStep[i];
        if (arr === undefined) continue;
        arr.sort((a, b) => (a[1] === b[1] || (Number.isNaN(a[1]) && Number.isNaN(b[1])) ? 0 : this.better(a[1], b[1]) ? -1 : 1));
        for (const [si, f] of arr) {
          let o = outBySeries.get(si);
          if (o === undefined) {
            o = { metric: this.metrics[si] as Labels, ts: [], fs: [], dropName: this.dropNames[si] as boolean };
            outBySeries.set(si, o);
            ordered.push(o);
          }
          o.ts.push(stepTime(i));
          o.fs.push(f);
        }
      }
    }
    return ordered;
  }
}
