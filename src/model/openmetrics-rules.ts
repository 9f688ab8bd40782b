// The rules of OpenMetrics 1.0 beyond its syntax, checked as a strict parser streams through an exposition.
//
// Families: metadata (at most one TYPE, UNIT and HELP each) comes before the family's samples; no family appears
// twice and no family's sample names clash with another's (`a` counter owns `a_total` and `a_created`); a UNIT must
// be the family name's suffix and is not allowed on info and stateset. Metrics (label sets, ignoring `le`,
// `quantile` and a stateset's own label) are contiguous; their samples either all carry timestamps, non-decreasing,
// or none do. Values: counters, counts and buckets are non-negative and not NaN; info is 1; stateset 0 or 1;
// summary quantiles lie in [0, 1]. Histograms: buckets in increasing `le`, cumulative, ending with `le="+Inf"`,
// `_count` equal to the `+Inf` bucket, `_sum` and `_count` together (`_gsum`/`_gcount` for gauge histograms), no
// `_sum` when a bucket is negative, a negative `_gsum` only with a negative bucket. Exemplars only on counter
// `_total` and histogram `_bucket` samples, with at most 128 characters of label names and values. Names beginning
// with `_` are reserved.

import { Entry, FAMILY_SUFFIXES } from './exposition-parser.js';
import type { EntryKind, ExpositionParser, MetricType } from './exposition-parser.js';
import { parseFloatString } from './float-parse.js';
import { METRIC_NAME } from './labels.js';

interface Family {
  name: string;
  type: MetricType;
  help: boolean;
  typed: boolean;
  unit: string | undefined;
  registered: boolean;
  samples: boolean;
  metricKeys: Set<string>;
}

interface MetricState {
  key: string;
  count: number;
  hasTs: boolean;
  lastTs: number;
  seen: Set<string>;
  lastLe: number;
  lastBucket: number;
  buckets: number;
  sawInf: boolean;
  infValue: number;
  negativeBucket: boolean;
  countValue: number | undefined;
  sum: number | undefined;
}

export class OpenMetricsRules {
  private readonly familyNames = new Set<string>();
  private readonly sampleNames = new Set<string>();
  private fam: Family | undefined;
  private metric: MetricState | undefined;

  constructor(private readonly parser: ExpositionParser) {}

  check(kind: EntryKind): void {
    const p = this.parser;
    switch (kind) {
      case Entry.Eof:
        this.closeFamily();
        return;
      case Entry.Help:
      case Entry.Type:
      case Entry.Unit: {
        const name = p.metaName();
        let f = this.fam;
        if (f === undefined || f.name !== name || f.samples) {
          this.closeFamily();
          if (this.familyNames.has(name)) p.failEntry(`expected metadata for family "${name}" before its samples and in one place, got it again (families must not be interleaved)`);
          f = this.openFamily(name);
        }
        if (kind === Entry.Help) {
          if (f.help) p.failEntry(`expected one HELP line for family "${name}", got a second`);
          f.help = true;
        } else if (kind === Entry.Type) {
          if (f.typed) p.failEntry(`expected one TYPE line for family "${name}", got a second`);
          f.typed = true;
          f.type = p.metricType();
          this.checkUnit(f);
          this.register(f);
        } else {
          if (f.unit !== undefined) p.failEntry(`expected one UNIT line for family "${name}", got a second`);
          f.unit = p.unit();
          this.checkUnit(f);
        }
        p.setFamily(f.name, f.type);
        return;
      }
      case Entry.Series:
        this.sample();
        return;
      default:
        return;
    }
  }

  /** End of the input. */
  finish(): void {
    this.closeFamily();
  }

  private openFamily(name: string): Family {
    if (name.startsWith('_')) this.parser.failEntry(`expected a family name not beginning with "_" (reserved), got "${name}"`);
    const f: Family = { name, type: 'unknown', help: false, typed: false, unit: undefined, registered: false, samples: false, metricKeys: new Set() };
    this.fam = f;
    return f;
  }

  private checkUnit(f: Family): void {
    if (f.unit === undefined || f.unit === '') return;
    if (!f.name.endsWith(`_${f.unit}`)) this.parser.failEntry(`expected family name "${f.name}" to end with "_${f.unit}", its unit`);
    if (f.type === 'info' || f.type === 'stateset') this.parser.failEntry(`expected no UNIT on ${f.type} family "${f.name}"`);
  }

  /** Claims the family's name and sample names; a clash with an earlier family is an error. */
  private register(f: Family): void {
    if (f.registered) return;
    f.registered = true;
    const p = this.parser;
    if (this.familyNames.has(f.name)) p.failEntry(`expected family "${f.name}" in one place, got it a second time (families must not be interleaved)`);
    for (const s of FAMILY_SUFFIXES[f.type]) {
      if (this.sampleNames.has(f.name + s)) p.failEntry(`expected ${f.type} family "${f.name}" not to clash with an earlier family, got the name "${f.name + s}" twice`);
    }
    this.familyNames.add(f.name);
    for (const s of FAMILY_SUFFIXES[f.type]) this.sampleNames.add(f.name + s);
  }

  private closeFamily(): void {
    this.closeMetric();
    if (this.fam !== undefined) this.register(this.fam);
    this.fam = undefined;
  }

  private sample(): void {
    const p = this.parser;
    let f = this.fam;
    if (f === undefined || !p.belongsToFamily(f.name, f.type)) {
      this.closeFamily();
      f = this.openFamily(p.metricName());
    }
    this.register(f);
    f.samples = true;
    p.setFamily(f.name, f.type);
    const name = p.metricName();
    const suffix = name.slice(f.name.length);
    const labels = p.labels();
    for (let k = 0; k < p.labelsWritten; k++) {
      if (p.labelName(k).startsWith('_')) p.failEntry(`expected label names not beginning with "_" (reserved), got "${p.labelName(k)}"`);
    }
    const v = p.value;
    const type = f.type;
    let special = '';
    if ((type === 'histogram' || type === 'gaugehistogram') && suffix === '_bucket') special = 'le';
    else if (type === 'summary' && suffix === '') special = 'quantile';
    else if (type === 'stateset') special = f.name;

    // Values and the labels a type requires.
    const counterLike = (what: string): void => {
      if (Number.isNaN(v)) p.failEntry(`expected a number as ${what} of ${type} "${f.name}", got NaN`);
      if (v < 0) p.failEntry(`expected a non-negative ${what} of ${type} "${f.name}", got ${v}`);
    };
    let le = NaN;
    switch (type) {
      case 'counter':
        if (suffix === '_total') counterLike('value');
        break;
      case 'histogram':
      case 'gaugehistogram':
        if (suffix === '_bucket') {
          const text = labels.get('le');
          const parsed = labels.has('le') ? parseFloatString(text) : undefined;
          if (parsed === undefined || Number.isNaN(parsed)) p.failEntry(`expected a number in label "le" of bucket of "${f.name}", got ${labels.has('le') ? `"${text}"` : 'no le label'}`);
          if (parsed === Infinity && text !== '+Inf') p.failEntry(`expected the infinite bucket written le="+Inf", got le="${text}"`);
          if (parsed === -Infinity) p.failEntry('expected a bucket bound above -Inf');
          le = parsed as number;
          counterLike('bucket count');
        } else if (suffix === '_count' || suffix === '_gcount') counterLike('count');
        else if (suffix === '_sum') counterLike('sum');
        else if (suffix === '_gsum' && Number.isNaN(v)) p.failEntry(`expected a number as _gsum of "${f.name}", got NaN`);
        break;
      case 'summary':
        if (suffix === '') {
          const text = labels.get('quantile');
          const q = labels.has('quantile') ? parseFloatString(text) : undefined;
          if (q === undefined || !(q >= 0 && q <= 1)) p.failEntry(`expected a quantile label between 0 and 1 on summary "${f.name}", got ${labels.has('quantile') ? `"${text}"` : 'none'}`);
          if (v < 0) p.failEntry(`expected a non-negative quantile value of summary "${f.name}", got ${v}`);
        } else if (suffix === '_sum' || suffix === '_count') counterLike(suffix.slice(1));
        break;
      case 'info':
        if (v !== 1) p.failEntry(`expected value 1 for info "${f.name}", got ${v}`);
        break;
      case 'stateset':
        if (!labels.has(f.name)) p.failEntry(`expected a "${f.name}" label on stateset "${f.name}"`);
        if (v !== 0 && v !== 1) p.failEntry(`expected value 0 or 1 for stateset "${f.name}", got ${v}`);
        break;
      default:
        break;
    }
    if (p.hasExemplar()) {
      const allowed = (type === 'counter' && suffix === '_total') || ((type === 'histogram' || type === 'gaugehistogram') && suffix === '_bucket');
      if (!allowed) p.failEntry(`expected no exemplar on "${name}" (exemplars go on counter _total and histogram _bucket samples)`);
      const runes = p.exemplarLabelRunes();
      if (runes > 128) p.failEntry(`expected at most 128 characters in exemplar labels, got ${runes}`);
    }

    // Metric (label set) grouping, timestamps and duplicates.
    const key = special === '' ? labels.without(METRIC_NAME).toString() : labels.without(METRIC_NAME, special).toString();
    let m = this.metric;
    if (m === undefined || m.key !== key) {
      this.closeMetric();
      if (f.metricKeys.has(key)) p.failEntry(`expected the samples of metric ${f.name}${key} together, got them interleaved with another metric`);
      f.metricKeys.add(key);
      m = {
        key, count: 0, hasTs: false, lastTs: 0, seen: new Set(), lastLe: -Infinity, lastBucket: 0, buckets: 0, sawInf: false,
        infValue: 0, negativeBucket: false, countValue: undefined, sum: undefined,
      };
      this.metric = m;
    }
    if (m.count > 0 && p.hasTimestamp !== m.hasTs) p.failEntry(`expected every sample of ${f.name}${key} ${m.hasTs ? 'with' : 'without'} a timestamp`);
    if (p.hasTimestamp && m.count > 0 && p.timestamp < m.lastTs) p.failEntry(`expected timestamps of ${f.name}${key} not to go backwards`);
    const id = labels.toString();
    if (!p.hasTimestamp && m.seen.has(id)) p.failEntry(`expected each sample once (or with increasing timestamps), got ${id} again`);
    m.seen.add(id);
    m.count++;
    m.hasTs = p.hasTimestamp;
    m.lastTs = p.timestamp;

    if (type === 'histogram' || type === 'gaugehistogram') {
      if (suffix === '_bucket') {
        if (m.buckets > 0 && !(le > m.lastLe)) p.failEntry(`expected buckets of "${f.name}" in increasing "le" order`);
        if (m.buckets > 0 && v < m.lastBucket) p.failEntry(`expected cumulative bucket counts in "${f.name}", got ${v} after ${m.lastBucket}`);
        if (m.countValue !== undefined) p.failEntry(`expected the buckets of "${f.name}" before its count`);
        m.buckets++;
        m.lastLe = le;
        m.lastBucket = v;
        if (le < 0) m.negativeBucket = true;
        if (le === Infinity) {
          m.sawInf = true;
          m.infValue = v;
        }
      } else if (suffix === '_count' || suffix === '_gcount') {
        m.countValue = v;
      } else if (suffix === '_sum' || suffix === '_gsum') {
        m.sum = v;
      }
    }
  }

  private closeMetric(): void {
    const m = this.metric;
    const f = this.fam;
    this.metric = undefined;
    if (m === undefined || f === undefined || (f.type !== 'histogram' && f.type !== 'gaugehistogram')) return;
    const p = this.parser;
    const g = f.type === 'gaugehistogram' ? 'g' : '';
    if (!m.sawInf) p.failEntry(`expected a le="+Inf" bucket in ${f.type} ${f.name}${m.key}`);
    if (m.countValue !== undefined && m.countValue !== m.infValue) p.failEntry(`expected _${g}count of ${f.name}${m.key} (${m.countValue}) to equal its +Inf bucket (${m.infValue})`);
    if ((m.countValue === undefined) !== (m.sum === undefined)) p.failEntry(`expected both _${g}sum and _${g}count, or neither, in ${f.name}${m.key}`);
    if (g === '' && m.negativeBucket && m.sum !== undefined) p.failEntry(`expected no _sum in histogram ${f.name}${m.key}, which has negative buckets`);
    if (g === 'g' && m.sum !== undefined && m.sum < 0 && !m.negativeBucket) p.failEntry(`expected a non-negative _gsum in ${f.name}${m.key}, which has no negative buckets`);
  }
}
