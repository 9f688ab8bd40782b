// The scrape pool of one job: turns its target groups into targets, runs one loop per target, applies target_limit.

import type { ScrapeConfig } from '../config/prometheus-config.js';
import type { TargetLabelsError} from '../discovery/target-labels.js';
import { targetsFromGroup } from '../discovery/target-labels.js';
import type { Clock } from '../model/clock.js';
import { Labels } from '../model/labels.js';
import type { Logger } from '../model/logger.js';
import { AnchoredRegex } from '../model/regex.js';
import type { TargetGroup } from '../model/target-group.js';
import type { Appendable } from '../storage/appendable.js';
import { acceptHeaderFor, httpScrape } from './http-scraper.js';
import type { ScrapeResult } from './scrape-loop.js';
import { ScrapeLoop } from './scrape-loop.js';
import type { ParserFactory } from './scrape-parser.js';
import { ScrapeTarget } from './scrape-target.js';

export interface ScrapePoolDeps {
  readonly appendable: Appendable;
  readonly parse: ParserFactory;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly offsetSeed: number;
  readonly onScrape?: (job: string, result: ScrapeResult) => void;
}

/** A discovered target that was not scraped: dropped by relabeling, or refused (with the reason). */
export interface DroppedTarget {
  readonly discoveredLabels: Labels;
  readonly error?: string;
}

/** Content type to parse with for `fallback_scrape_protocol`. */
const FALLBACK_CONTENT_TYPE: Readonly<Record<string, string>> = {
  'PrometheusText0.0.4': 'text/plain; version=0.0.4',
  'PrometheusText1.0.0': 'text/plain; version=1.0.0',
  'OpenMetricsText0.0.1': 'application/openmetrics-text; version=0.0.1',
  'OpenMetricsText1.0.0': 'application/openmetrics-text; version=1.0.0',
  PrometheusProto: 'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited',
};

/**
 * Contract: `sync` may be called any number of times with the job's full set of groups; loops of unchanged
 * targets keep running, new targets start, vanished targets stop and their series go stale. `reload` with an
 * equal configuration does nothing; with a changed one every loop restarts on the new configuration.
 */
export class ScrapePool {
  private readonly loops = new Map<number, ScrapeLoop>();
  private dropped: DroppedTarget[] = [];
  private droppedCount = 0;
  private lastGroups: readonly TargetGroup[] = [];
  private limitError: string | undefined;

  constructor(private config: ScrapeConfig, private readonly deps: ScrapePoolDeps) {}

  get jobName(): string {
    return this.config.jobName;
  }

  get scrapeConfig(): ScrapeConfig {
    return this.config;
  }

  sync(groups: readonly TargetGroup[]): void {
    this.lastGroups = groups;
    const wanted = new Map<number, ScrapeTarget>();
    const dropped: DroppedTarget[] = [];
    let droppedCount = 0;
    const keep = this.config.keepDroppedTargets;
    const addDropped = (d: DroppedTarget): void => {
      droppedCount++;
      if (keep === 0 || dropped.length < keep) dropped.push(d);
    };
    for (const g of groups) {
      const { targets, failures } = targetsFromGroup(g, this.config);
      for (const t of targets) {
        if (t.labels === null) {
          addDropped({ discoveredLabels: t.discoveredLabels });
          continue;
        }
        const target = new ScrapeTarget(t.labels, t.discoveredLabels, this.config.params);
        const h = target.hash();
        if (!wanted.has(h)) wanted.set(h, target);
      }
      for (const f of failures) {
        this.deps.logger.warn('Creating target failed', { scrape_pool: this.jobName, err: f });
        addDropped({ discoveredLabels: (f as TargetLabelsError).discoveredLabels, error: f.message });
      }
    }
    this.dropped = dropped;
    this.droppedCount = droppedCount;
    const limit = this.config.targetLimit;
    this.limitError = limit > 0 && wanted.size > limit ? `target_limit exceeded (number of targets: ${wanted.size}, limit: ${limit})` : undefined;
    for (const [h, loop] of this.loops) {
      if (!wanted.has(h)) {
        this.loops.delete(h);
        void loop.stop('gone');
      }
    }
    for (const [h, target] of wanted) {
      if (this.loops.has(h)) continue;
      const loop = this.newLoop(target);
      this.loops.set(h, loop);
      void loop.start();
    }
  }

  /** Applies a new configuration of the same job. */
  async reload(config: ScrapeConfig): Promise<void> {
    if (sameScrapeConfig(this.config, config)) return;
    this.config = config;
    const old = [...this.loops.values()];
    this.loops.clear();
    await Promise.all(old.map((l) => l.stop('reload')));
    this.sync(this.lastGroups);
  }

  /** Stops every loop; 'gone' also ends their series (the job was removed from the configuration). */
  async stop(reason: 'gone' | 'shutdown'): Promise<void> {
    const old = [...this.loops.values()];
    this.loops.clear();
    await Promise.all(old.map((l) => l.stop(reason)));
  }

  activeLoops(): ScrapeLoop[] {
    return [...this.loops.values()];
  }

  droppedTargets(): readonly DroppedTarget[] {
    return this.dropped;
  }

  /** Number of dropped targets, including those not kept because of keep_dropped_targets. */
  get droppedTargetCount(): number {
    return this.droppedCount;
  }

  private newLoop(target: ScrapeTarget): ScrapeLoop {
    const c = this.config;
    const escaping = c.metricNameEscapingScheme !== '' ? c.metricNameEscapingScheme : c.metricNameValidationScheme === 'legacy' ? 'underscores' : 'allow-utf-8';
    const accept = acceptHeaderFor(c.scrapeProtocols, escaping);
    const fallback = c.scrapeFallbackProtocol === '' ? '' : (FALLBACK_CONTENT_TYPE[c.scrapeFallbackProtocol] ?? '');
    return new ScrapeLoop({
      target,
      appendable: this.deps.appendable,
      scrape: (signal) =>
        httpScrape(
          { url: target.url, timeout: target.timeout, bodySizeLimit: c.bodySizeLimit, enableCompression: c.enableCompression, httpClient: c.httpClient, accept, clock: this.deps.clock },
          signal,
        ),
      parse: this.deps.parse,
      clock: this.deps.clock,
      honorLabels: c.honorLabels,
      honorTimestamps: c.honorTimestamps,
      trackTimestampsStaleness: c.trackTimestampsStaleness,
      metricRelabelConfigs: c.metricRelabelConfigs,
      sampleLimit: c.sampleLimit,
      labelLimits: { labelLimit: c.labelLimit, labelNameLengthLimit: c.labelNameLengthLimit, labelValueLengthLimit: c.labelValueLengthLimit },
      fallbackContentType: fallback,
      offsetSeed: this.deps.offsetSeed,
      logger: this.deps.logger.with({ scrape_pool: c.jobName, target: target.url }),
      forcedError: () => this.limitError,
      onScrape: (r) => this.deps.onScrape?.(c.jobName, r),
    });
  }
}

/** Structural equality of two scrape configurations (regexes compared by source). */
export function sameScrapeConfig(a: ScrapeConfig, b: ScrapeConfig): boolean {
  return stableJson(a) === stableJson(b);
}

function stableJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => {
    if (x instanceof AnchoredRegex) return `re:${x.source}`;
    if (x instanceof Labels) return x.flat;
    if (x !== null && typeof x === 'object' && !Array.isArray(x)) {
      const o = x as Record<string, unknown>;
      const sorted: Record<string, unknown> = {};
      for (const k of Object.keys(o).sort()) sorted[k] = o[k];
      return sorted;
    }
    return x;
  });
}
