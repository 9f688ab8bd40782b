// A discovered target's labels turned into a scrape target's labels, as Prometheus's populateLabels does.

import type { ScrapeConfig } from '../config/prometheus-config.js';
import { formatDuration, parseDuration } from '../model/duration.js';
import { VigilError } from '../model/errors.js';
import type { Labels } from '../model/labels.js';
import { LabelsBuilder } from '../model/labels.js';
import { relabelBuilder } from '../model/relabel.js';
import type { TargetGroup } from '../model/target-group.js';

/** The parts of a scrape config that shape target labels. */
export type TargetLabelsConfig = Pick<ScrapeConfig, 'jobName' | 'scrapeInterval' | 'scrapeTimeout' | 'metricsPath' | 'scheme' | 'params' | 'relabelConfigs'>;

/** A discovered target that cannot be scraped (no address, bad interval, ...); it is reported, never scraped. */
export class TargetLabelsError extends VigilError {
  readonly discoveredLabels: Labels;

  constructor(message: string, discoveredLabels: Labels) {
    super('bad_target', `${message} (target ${discoveredLabels.get('__address__') || discoveredLabels.toString()})`);
    this.name = 'TargetLabelsError';
    this.discoveredLabels = discoveredLabels;
  }
}

export interface PopulatedTarget {
  /**
   * The target's labels after relabeling, or null when relabeling dropped it. Still holds the `__` labels that
   * build the scrape URL (`__scheme__`, `__address__`, `__metrics_path__`, `__param_*`); `__meta_*` are gone and
   * `instance` is set. Use `seriesLabels` for what goes on scraped series.
   */
  readonly labels: Labels | null;
  /** The labels before relabeling (with the job defaults added), as /api/v1/targets shows them. */
  readonly discoveredLabels: Labels;
}

/** A lone UTF-16 surrogate: a value that is not valid UTF-8 once encoded. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Prometheus's label population for one target: group labels under target labels, defaults for `job`,
 * `__scrape_interval__`, `__scrape_timeout__`, `__metrics_path__`, `__scheme__` and `__param_<k>` (each only when
 * absent), then `relabel_configs`, then checks (address present and without '/', intervals parse, are non-zero,
 * timeout ≤ interval, values valid UTF-8), drop `__meta_*`, and `instance` defaulting to `__address__`.
 * No default port is added (Prometheus 3). Throws TargetLabelsError for a target that cannot be scraped.
 */
export function populateTargetLabels(target: Labels, groupLabels: Labels, cfg: TargetLabelsConfig): PopulatedTarget {
  const b = new LabelsBuilder(target);
  groupLabels.forEach((n, v) => {
    if (!target.has(n)) b.set(n, v);
  });
  const defaults: [string, string][] = [
    ['job', cfg.jobName],
    ['__scrape_interval__', formatDuration(cfg.scrapeInterval)],
    ['__scrape_timeout__', formatDuration(cfg.scrapeTimeout)],
    ['__metrics_path__', cfg.metricsPath],
    ['__scheme__', cfg.scheme],
  ];
  for (const [n, v] of defaults) if (b.get(n) === '') b.set(n, v);
  for (const [k, values] of Object.entries(cfg.params)) {
    const name = `__param_${k}`;
    if (values.length > 0 && b.get(name) === '') b.set(name, values[0] as string);
  }
  const discoveredLabels = b.labels();
  if (!relabelBuilder(b, cfg.relabelConfigs)) return { labels: null, discoveredLabels };

  const addr = b.get('__address__');
  if (addr === '') throw new TargetLabelsError('no address', discoveredLabels);
  if (addr.includes('/')) throw new TargetLabelsError(`${JSON.stringify(addr)} is not a valid hostname`, discoveredLabels);
  const interval = checkDuration(b.get('__scrape_interval__'), 'interval', discoveredLabels);
  const timeout = checkDuration(b.get('__scrape_timeout__'), 'timeout', discoveredLabels);
  if (timeout > interval) {
    throw new TargetLabelsError(
      `scrape timeout cannot be greater than scrape interval (${JSON.stringify(b.get('__scrape_timeout__'))} > ${JSON.stringify(b.get('__scrape_interval__'))})`,
      discoveredLabels,
    );
  }
  const current = b.labels();
  current.forEach((n) => {
    if (n.startsWith('__meta_')) b.del(n);
  });
  if (b.get('instance') === '') b.set('instance', addr);
  const labels = b.labels();
  labels.forEach((n, v) => {
    if (LONE_SURROGATE.test(v)) throw new TargetLabelsError(`invalid label value for ${JSON.stringify(n)}: ${JSON.stringify(v)}`, discoveredLabels);
  });
  return { labels, discoveredLabels };
}

function checkDuration(text: string, what: 'interval' | 'timeout', discovered: Labels): number {
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch (err) {
    throw new TargetLabelsError(`error parsing scrape ${what}: ${err instanceof Error ? err.message : String(err)}`, discovered);
  }
  if (ms === 0) throw new TargetLabelsError(`scrape ${what} cannot be 0`, discovered);
  return ms;
}

/** Every target of a group, populated; targets that cannot be scraped come back in `failures`. */
export function targetsFromGroup(group: TargetGroup, cfg: TargetLabelsConfig): { targets: PopulatedTarget[]; failures: TargetLabelsError[] } {
  const targets: PopulatedTarget[] = [];
  const failures: TargetLabelsError[] = [];
  for (const t of group.targets) {
    try {
      targets.push(populateTargetLabels(t, group.labels, cfg));
    } catch (err) {
      if (err instanceof TargetLabelsError) failures.push(err);
      else throw err;
    }
  }
  return { targets, failures };
}

/** The labels a target puts on its scraped series: its labels without any starting with `__`. */
export function seriesLabels(targetLabels: Labels): Labels {
  const b = new LabelsBuilder(targetLabels);
  targetLabels.forEach((n) => {
    if (n.startsWith('__')) b.del(n);
  });
  return b.labels();
}

/** Go's url.QueryEscape: everything but [A-Za-z0-9-_.~] percent-encoded, space as '+'. */
function queryEscape(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/**
 * The URL a target is scraped at, as Prometheus builds it: `<__scheme__>://<__address__><__metrics_path__>`
 * with the job's `params`, where each `__param_<k>` label replaces the first value of `k` (or adds it); the
 * query is sorted by key, as Go's url.Values encodes it.
 */
export function targetScrapeUrl(labels: Labels, params: Readonly<Record<string, readonly string[]>>): string {
  const values = new Map<string, string[]>();
  for (const [k, v] of Object.entries(params)) values.set(k, [...v]);
  labels.forEach((n, v) => {
    if (!n.startsWith('__param_')) return;
    const k = n.slice('__param_'.length);
    const cur = values.get(k);
    if (cur !== undefined && cur.length > 0) cur[0] = v;
    else values.set(k, [v]);
  });
  const query = [...values.keys()]
    .sort()
    .flatMap((k) => (values.get(k) as string[]).map((v) => `${queryEscape(k)}=${queryEscape(v)}`))
    .join('&');
  const base = `${labels.get('__scheme__')}://${labels.get('__address__')}${labels.get('__metrics_path__')}`;
  return query === '' ? base : `${base}?${query}`;
}
