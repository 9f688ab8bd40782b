// Aggregation operators (`sum by (job) (x)`, `topk`, `quantile`, ...) over the instant vector of one step.

import { Labels, LabelsBuilder, METRIC_NAME } from '../model/labels.js';
import type { AggregateExpr } from './ast.js';
import type { Annotations } from './annotations.js';
import { kahanSumInc } from './kahan.js';
import { execError } from './query-error.js';
import { quantileOf } from './quantile.js';
import { formatGo } from './range-functions.js';
import type { Sample } from './value.js';

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
function groupingLabels(metric: Labels, grouping: readonly string[], without: boolean): Labels {
  if (without) {
    const b = new LabelsBuilder(metric);
    for (const n of grouping) b.del(n);
    for (const n of METADATA) b.del(n);
    return b.labels();
  }
  const flat: string[] = [];
  const f = metric.flat;
  for (let i = 0; i < f.length; i += 2) if (grouping.includes(f[i] as string)) flat.push(f[i] as string, f[i + 1] as string);
  return Labels.fromSortedFlat(flat);
}

/** Go's strconv.FormatFloat(v, 'f', -1, 64). */
export function formatFloatPlain(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const s = String(v);
  if (!s.includes('e')) return s;
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (m === null) return s;
  const sign = m[1] as string;
  const digits = (m[2] as string) + (m[3] ?? '');
  const exp = Number(m[4]);
  if (exp >= 0) {
    const intLen = 1 + exp;
    return sign + (digits.length <= intLen ? digits + '0'.repeat(intLen - digits.length) : `${digits.slice(0, intLen)}.${digits.slice(intLen)}`);
  }
  return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
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
): Sample[] {
  const op = e.op;
  if (op === 'count_values') {
    const label = param as string;
    if (!isValidLabelName(label)) throw execError(`invalid label name ${JSON.stringify(label)}`);
    const counts = new Map<string, { metric: Labels; n: number }>();
    for (const s of samples) {
      const withValue = s.metric.with(label, formatFloatPlain(s.f));
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
      annotations.warn(`ratio value should be between -1 and 1, got ${formatGo(ratio)}, capping to 1`);
      ratio = 1;
    } else if (ratio < -1) {
      annotations.warn(`ratio value should be between -1 and 1, got ${formatGo(ratio)}, capping to -1`);
      ratio = -1;
    }
  } else if (op === 'quantile') {
    const q = param as number;
    if (samples.length > 0 && (Number.isNaN(q) || q < 0 || q > 1)) annotations.warn(`quantile value should be between 0 and 1, got ${formatGo(q)}`);
  }

  const groups = new Map<string, Group>();
  const order: Group[] = [];
  for (const s of samples) {
    const metric = groupingLabels(s.metric, e.grouping, e.without);
    const key = metric.flat.join('\xff');
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
          const offset = s.metric.hash() / 2 ** 53;
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
