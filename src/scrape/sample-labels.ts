// A scraped series' final labels: target labels merged in (honor_labels), metric relabeling, and the label limits.

import { VigilError } from '../model/errors.js';
import type { Labels } from '../model/labels.js';
import { LabelsBuilder, METRIC_NAME } from '../model/labels.js';
import type { RelabelConfig } from '../model/relabel.js';
import { isValidLabelName, relabelBuilder } from '../model/relabel.js';

/** A scrape that broke one of its limits or exposed an unusable series; its message is shown on /api/v1/targets. */
export class ScrapeError extends VigilError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'ScrapeError';
  }
}

export interface LabelLimits {
  /** 0 = no limit, for each. */
  readonly labelLimit: number;
  readonly labelNameLengthLimit: number;
  readonly labelValueLengthLimit: number;
}

/**
 * Merges `target` (the target's series labels, no `__` names) into `scraped` as Prometheus does: with
 * `honorLabels` the scraped value wins; otherwise the target's value is set and a clashing scraped label moves to
 * `exported_<name>` (more `exported_` prefixes while that name is taken too). Then applies `metricRelabel`.
 * Returns null when relabeling dropped the series.
 */
export function sampleLabels(scraped: Labels, target: Labels, honorLabels: boolean, metricRelabel: readonly RelabelConfig[]): Labels | null {
  const b = new LabelsBuilder(scraped);
  if (honorLabels) {
    target.forEach((n, v) => {
      if (!scraped.has(n)) b.set(n, v);
    });
  } else {
    const clashes: [string, string][] = [];
    target.forEach((n, v) => {
      const existing = scraped.get(n);
      if (existing !== '') clashes.push([n, existing]);
      b.set(n, v);
    });
    clashes.sort((x, y) => x[0].length - y[0].length);
    for (const [n, v] of clashes) {
      let name = `exported_${n}`;
      while (b.get(name) !== '') name = `exported_${name}`;
      b.set(name, v);
    }
  }
  if (metricRelabel.length > 0 && !relabelBuilder(b, metricRelabel)) return null;
  return b.labels();
}

/** Throws ScrapeError when the series has no name, an invalid label name, or breaks a label limit. */
export function checkSeriesLabels(labels: Labels, limits: LabelLimits): void {
  const name = labels.get(METRIC_NAME);
  if (name === '') throw new ScrapeError('name_label_mandatory', 'missing metric name (__name__ label)');
  if (limits.labelLimit > 0 && labels.size > limits.labelLimit) {
    throw new ScrapeError(
      'label_limit',
      `label_limit exceeded (metric: ${name.slice(0, 50)}, number of labels: ${labels.size}, limit: ${limits.labelLimit})`,
    );
  }
  labels.forEach((n, v) => {
    if (n !== METRIC_NAME && !isValidLabelName(n)) {
      throw new ScrapeError('invalid_label_name', `invalid label name ${JSON.stringify(n)} (metric: ${name.slice(0, 50)})`);
    }
    if (limits.labelNameLengthLimit > 0 && n.length > limits.labelNameLengthLimit) {
      throw new ScrapeError(
        'label_name_length_limit',
        `label_name_length_limit exceeded (metric: ${name.slice(0, 50)}, label name: ${n.slice(0, 50)}, length: ${n.length}, limit: ${limits.labelNameLengthLimit})`,
      );
    }
    if (limits.labelValueLengthLimit > 0 && v.length > limits.labelValueLengthLimit) {
      throw new ScrapeError(
        'label_value_length_limit',
        `label_value_length_limit exceeded (metric: ${name.slice(0, 50)}, label name: ${n.slice(0, 50)}, value: ${JSON.stringify(v.slice(0, 50))}, length: ${v.length}, limit: ${limits.labelValueLengthLimit})`,
      );
    }
  });
}
