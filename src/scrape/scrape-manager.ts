// The scrape manager: one pool per scrape job, fed target groups by discovery, reloaded with the configuration.

import type { PrometheusConfig } from '../config/prometheus-config.js';
import type { Clock } from '../model/clock.js';
import { hashStrings } from '../model/labels.js';
import type { Logger } from '../model/logger.js';
import type { MetricsRegistry } from '../model/metrics-registry.js';
import type { TargetGroup } from '../model/target-group.js';
import type { Appendable } from '../storage/appendable.js';
import type { ScrapeResult } from './scrape-loop.js';
import type { ParserFactory } from './scrape-parser.js';
import { ScrapePool } from './scrape-pool.js';

export interface ScrapeManagerOptions {
  readonly appendable: Appendable;
  readonly parse: ParserFactory;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Registers the manager's own metrics (prometheus_target_*). */
  readonly registry?: MetricsRegistry;
  /** Mixed into every target's phase, e.g. a hash of the host name and external labels. */
  readonly offsetSeed?: number;
}

/**
 * Contract: `applyConfig` creates pools for new jobs, reloads changed ones (unchanged jobs keep scraping without a
 * pause) and stops removed ones (their series go stale). `updateTargets` gives each job its complete current
 * groups; groups for jobs without a pool are kept until the configuration names them.
 */
export class ScrapeManager {
  private readonly pools = new Map<string, ScrapePool>();
  private readonly targetSets = new Map<string, readonly TargetGroup[]>();
  private readonly onScrape: (job: string, r: ScrapeResult) => void;

  constructor(private readonly o: ScrapeManagerOptions) {
    const reg = o.registry;
    if (reg === undefined) {
      this.onScrape = () => undefined;
      return;
    }
    const outOfOrder = reg.counter('prometheus_target_scrapes_sample_out_of_order_total', 'Total number of samples rejected due to not being out of the expected order.');
    const duplicate = reg.counter('prometheus_target_scrapes_sample_duplicate_timestamp_total', 'Total number of samples rejected due to duplicate timestamps but different values.');
    const bounds = reg.counter('prometheus_target_scrapes_sample_out_of_bounds_total', 'Total number of samples rejected due to timestamp falling outside of the time bounds.');
    const sampleLimit = reg.counter('prometheus_target_scrapes_exceeded_sample_limit_total', 'Total number of scrapes that hit the sample limit and were rejected.');
    const bodyLimit = reg.counter('prometheus_target_scrapes_exceeded_body_size_limit_total', 'Total number of scrapes that hit the body size limit');
    const scrapes = reg.counter('vigil_target_scrapes_total', 'Total number of scrapes by job and result.', ['job', 'result']);
    for (const n of [outOfOrder, duplicate, bounds, sampleLimit, bodyLimit]) n.inc([], 0);
    reg.gaugeFunc('prometheus_target_scrape_pools_total', 'Total number of scrape pools.', () => this.pools.size);
    reg.gaugeFunc(
      'prometheus_target_scrape_pool_targets',
      'Current number of targets in this scrape pool.',
      () => [...this.pools.values()].map((p) => [[p.jobName], p.activeLoops().length] as const),
      { labelNames: ['scrape_job'] },
    );
    this.onScrape = (job, r) => {
      if (r.outOfOrder > 0) outOfOrder.inc([], r.outOfOrder);
      if (r.duplicates > 0) duplicate.inc([], r.duplicates);
      if (r.outOfBounds > 0) bounds.inc([], r.outOfBounds);
      const code = (r.error as { code?: string } | undefined)?.code;
      if (code === 'sample_limit') sampleLimit.inc();
      if (code === 'body_size_limit') bodyLimit.inc();
      scrapes.inc([job, r.error === undefined ? 'success' : 'failure']);
    };
  }

  async applyConfig(cfg: PrometheusConfig): Promise<void> {
    const wanted = new Map(cfg.scrapeConfigs.map((c) => [c.jobName, c] as const));
    const stops: Promise<void>[] = [];
    for (const [job, pool] of this.pools) {
      if (!wanted.has(job)) {
        this.pools.delete(job);
        stops.push(pool.stop('gone'));
      }
    }
    for (const [job, sc] of wanted) {
      const pool = this.pools.get(job);
      if (pool !== undefined) {
        stops.push(pool.reload(sc));
        continue;
      }
      const p = new ScrapePool(sc, {
        appendable: this.o.appendable,
        parse: this.o.parse,
        clock: this.o.clock,
        logger: this.o.logger.with({ component: 'scrape manager' }),
        offsetSeed: this.o.offsetSeed ?? 0,
        onScrape: this.onScrape,
      });
      this.pools.set(job, p);
      const groups = this.targetSets.get(job);
      if (groups !== undefined) p.sync(groups);
    }
    await Promise.all(stops);
  }

  /** The complete groups of some jobs (jobs not named keep what they had). */
  updateTargets(sets: ReadonlyMap<string, readonly TargetGroup[]>): void {
    for (const [job, groups] of sets) {
      this.targetSets.set(job, groups);
      this.pools.get(job)?.sync(groups);
    }
  }

  /** Stops every loop without staleness markers (shutdown: the data stays current until restart). */
  async stop(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.stop('shutdown')));
  }

  /** Pools sorted by job name. */
  scrapePools(): ScrapePool[] {
    return [...this.pools.values()].sort((a, b) => (a.jobName < b.jobName ? -1 : a.jobName > b.jobName ? 1 : 0));
  }
}

/** A seed for target phases from the host name and external labels (stable across restarts of one server). */
export function offsetSeedFor(hostname: string, externalLabels: readonly string[]): number {
  return hashStrings([hostname, ...externalLabels]);
}
