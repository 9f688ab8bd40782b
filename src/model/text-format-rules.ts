// The strict rules of the Prometheus text format 0.0.4, as its reference parser (expfmt, used by promtool) applies them.
//
// Families are tracked by name over the whole input (not only while contiguous): a sample belongs to the family of
// its own name, or, for `_bucket`, `_count` and `_sum`, to the histogram or summary it is a part of. Rules: at most
// one HELP and one TYPE per family; TYPE before the family's first sample; no `__name__` label; no duplicate label
// names; a summary's `quantile` and a histogram bucket's `le` are floats.

import { Entry } from './exposition-parser.js';
import type { EntryKind, ExpositionParser, MetricType } from './exposition-parser.js';
import { parseFloatString } from './float-parse.js';

interface FamilyState {
  help: boolean;
  type: MetricType | undefined;
  samples: boolean;
}

export class TextFormatRules {
  /** Family of the current sample. */
  family = '';
  familyType: MetricType = 'unknown';
  private readonly families = new Map<string, FamilyState>();

  constructor(private readonly parser: ExpositionParser) {}

  check(kind: EntryKind): void {
    const p = this.parser;
    if (kind === Entry.Help || kind === Entry.Type) {
      const name = p.metaName();
      const f = this.get(name);
      if (kind === Entry.Help) {
        if (f.help) p.failEntry(`expected one HELP line for metric name "${name}", got a second HELP line`);
        f.help = true;
      } else {
        if (f.type !== undefined || f.samples) p.failEntry(`expected one TYPE line for metric name "${name}", before its samples: got a second TYPE line, or TYPE reported after samples`);
        f.type = p.metricType();
      }
      return;
    }
    if (kind !== Entry.Series) return;
    const name = p.metricName();
    let family = name;
    let f = this.families.get(name);
    if (f === undefined) {
      for (const [suffix, owners] of SUFFIX_OWNERS) {
        if (!name.endsWith(suffix)) continue;
        const base = this.families.get(name.slice(0, -suffix.length));
        if (base?.type !== undefined && owners.includes(base.type)) {
          family = name.slice(0, -suffix.length);
          f = base;
          break;
        }
      }
    }
    if (f === undefined) f = this.get(name);
    f.samples = true;
    this.family = family;
    this.familyType = f.type ?? 'unknown';
    const seen = new Set<string>();
    for (let k = 0; k < p.labelsWritten; k++) {
      const ln = p.labelName(k);
      if (ln === '__name__') p.failEntry(`expected a label name other than "__name__", which is reserved`);
      if (seen.has(ln)) p.failEntry(`expected each label name once on metric "${name}", got duplicate label name "${ln}"`);
      seen.add(ln);
      const special = (this.familyType === 'summary' && name === family && ln === 'quantile') || (this.familyType === 'histogram' && name === `${family}_bucket` && ln === 'le');
      if (special && parseFloatString(p.labelValue(k)) === undefined) {
        p.failEntry(`expected float as value for '${ln}' label, got "${p.labelValue(k)}"`);
      }
    }
  }

  private get(name: string): FamilyState {
    let f = this.families.get(name);
    if (f === undefined) {
      f = { help: false, type: undefined, samples: false };
      this.families.set(name, f);
    }
    return f;
  }
}

const SUFFIX_OWNERS: ReadonlyArray<readonly [string, readonly MetricType[]]> = [
  ['_bucket', ['histogram']],
  ['_count', ['histogram', 'summary']],
  ['_sum', ['histogram', 'summary']],
];
