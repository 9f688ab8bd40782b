// One scrape target: its labels, URL, schedule offset, and health as /api/v1/targets shows it.

import { hashStrings, Labels } from '../model/labels.js';
import { parseDuration } from '../model/duration.js';
import { targetScrapeUrl } from '../discovery/target-labels.js';

export type TargetHealth = 'up' | 'down' | 'unknown';

export class ScrapeTarget {
  /** Labels after relabeling, still with the `__` labels that build the URL. */
  readonly labels: Labels;
  /** Labels before relabeling, as discovered. */
  readonly discoveredLabels: Labels;
  /** The labels put on scraped series: `labels` without the `__` names. */
  readonly seriesLabels: Labels;
  readonly url: string;
  /** From `__scrape_interval__` / `__scrape_timeout__` (relabeling may change them), in ms. */
  readonly interval: number;
  readonly timeout: number;

  health: TargetHealth = 'unknown';
  lastError = '';
  /** Start of the last scrape in ms since the epoch; 0 before the first. */
  lastScrape = 0;
  /** Seconds the last scrape took. */
  lastScrapeDuration = 0;

  constructor(labels: Labels, discoveredLabels: Labels, params: Readonly<Record<string, readonly string[]>>) {
    this.labels = labels;
    this.discoveredLabels = discoveredLabels;
    const series: string[] = [];
    labels.forEach((n, v) => {
      if (!n.startsWith('__')) series.push(n, v);
    });
    this.seriesLabels = labels.size === series.length / 2 ? labels : Labels.fromSortedFlat(series);
    this.url = targetScrapeUrl(labels, params);
    this.interval = parseDuration(labels.get('__scrape_interval__'));
    this.timeout = parseDuration(labels.get('__scrape_timeout__'));
  }

  /** Identity of the target within its pool: labels (with `__` ones) and URL. */
  hash(): number {
    return hashStrings([...this.labels.flat, this.url]);
  }

  /**
   * Milliseconds to wait from `now` before the first scrape, so that each target scrapes at a fixed, spread
   * phase of its interval: (hash(target) xor seed) mod interval, as Prometheus places its scrapes.
   */
  offset(now: number, seed: number): number {
    const interval = this.interval;
    const base = interval - (((now % interval) + interval) % interval);
    const phase = Number((BigInt(this.hash()) ^ BigInt(seed)) % BigInt(interval));
    let next = base + phase;
    if (next >= interval) next -= interval;
    return next;
  }
}
