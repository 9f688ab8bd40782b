// The loop of one target: scrape on a fixed phase of the interval, append through the cache, report, go stale.

import type { Clock } from '../model/clock.js';
import type { Labels} from '../model/labels.js';
import { LabelsBuilder, METRIC_NAME } from '../model/labels.js';
import type { Logger } from '../model/logger.js';
import type { RelabelConfig } from '../model/relabel.js';
import { STALE_NAN } from '../model/stale-nan.js';
import type { Appendable, Appender, SeriesRef } from '../storage/appendable.js';
import { StorageError } from '../storage/storage-error.js';
import type { ScrapeBody } from './http-scraper.js';
import { ScrapeCache } from './scrape-cache.js';
import type { CacheEntry } from './scrape-cache.js';
import type { KnownSeries, ParserFactory } from './scrape-parser.js';
import type { LabelLimits } from './sample-labels.js';
import { checkSeriesLabels, sampleLabels, ScrapeError } from './sample-labels.js';
import type { ScrapeTarget } from './scrape-target.js';

export interface ScrapeLoopOptions {
  readonly target: ScrapeTarget;
  readonly appendable: Appendable;
  /** Fetches the body once (HTTP in production); must honour the signal. */
  readonly scrape: (signal: AbortSignal) => Promise<ScrapeBody>;
  readonly parse: ParserFactory;
  readonly clock: Clock;
  readonly honorLabels: boolean;
  readonly honorTimestamps: boolean;
  readonly trackTimestampsStaleness: boolean;
  readonly metricRelabelConfigs: readonly RelabelConfig[];
  /** 0 = no limit. */
  readonly sampleLimit: number;
  readonly labelLimits: LabelLimits;
  /** Content type to parse with when the target sends none or an unknown one ('' = fail such scrapes). */
  readonly fallbackContentType: string;
  /** Seed mixed into the target's phase (Prometheus uses external labels and host name). */
  readonly offsetSeed: number;
  readonly logger: Logger;
  /** When it returns a message, scrapes fail with it without contacting the target (target_limit). */
  readonly forcedError?: () => string | undefined;
  /** Told after every scrape (metrics of the scrape manager). */
  readonly onScrape?: (result: ScrapeResult) => void;
}

export interface ScrapeResult {
  readonly error: Error | undefined;
  readonly seconds: number;
  readonly samplesScraped: number;
  readonly samplesPostRelabel: number;
  readonly seriesAdded: number;
  readonly outOfOrder: number;
  readonly duplicates: number;
  readonly outOfBounds: number;
}

const REPORT_NAMES = ['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_samples_post_metric_relabeling', 'scrape_series_added'] as const;
/** A scrape that starts within this many ms of its slot is stamped with the slot time (as Prometheus does). */
const TIMESTAMP_TOLERANCE = 2;

/**
 * Lifecycle: `run` waits for the target's phase, then scrapes every interval until `stop`. Each scrape is one
 * appender transaction: samples (through the cache), staleness markers for series that vanished since the last
 * scrape, then the report series. A failed scrape appends no samples: every series of the last good scrape goes
 * stale and `up` is 0. `stop('gone')` also marks every series and the report series stale; `stop('reload')` and
 * `stop('shutdown')` do not (a replacement loop or a restart continues them).
 */
export class ScrapeLoop {
  readonly cache: ScrapeCache;
  private readonly controller = new AbortController();
  private stopReason: 'gone' | 'reload' | 'shutdown' = 'shutdown';
  private readonly reportLabels: Labels[];
  private readonly reportRefs: SeriesRef[] = [0, 0, 0, 0, 0];
  private lastTimestamp = 0;
  private running: Promise<void> | undefined;
  /** The parser asks the cache before reading labels: known series texts skip the label checks. */
  private readonly known: KnownSeries;

  constructor(private readonly o: ScrapeLoopOptions, cache?: ScrapeCache) {
    this.cache = cache ?? new ScrapeCache();
    const c = this.cache;
    this.known = (buf, start, end, format) => c.probe(buf, start, end, format);
    this.reportLabels = REPORT_NAMES.map((n) => new LabelsBuilder(o.target.seriesLabels).set(METRIC_NAME, n).labels());
  }

  get target(): ScrapeTarget {
    return this.o.target;
  }

  /** Starts the loop; resolves when it has stopped and written its final markers. */
  start(): Promise<void> {
    this.running ??= this.run();
    return this.running;
  }

  /** Stops the loop; resolves once the loop has ended. */
  async stop(reason: 'gone' | 'reload' | 'shutdown'): Promise<void> {
    this.stopReason = reason;
    this.controller.abort();
    await this.running;
  }

  private async run(): Promise<void> {
    const { clock, target } = this.o;
    const signal = this.controller.signal;
    await clock.sleep(target.offset(clock.now(), this.o.offsetSeed), signal);
    let slot = clock.now();
    while (!signal.aborted) {
      const now = clock.now();
      try {
        await this.scrapeOnce(Math.abs(now - slot) <= TIMESTAMP_TOLERANCE ? slot : now, signal);
      } catch (err) {
        // A failing storage must not end the loop (or the process); the next scrape tries again.
        this.o.logger.error('Appending scraped samples failed', { target: target.url, err: err instanceof Error ? err : String(err) });
      }
      slot += target.interval;
      const after = clock.now();
      if (after > slot) slot += Math.ceil((after - slot) / target.interval) * target.interval;
      await clock.sleep(slot - after, signal);
    }
    if (this.stopReason === 'gone') await this.markAllStale().catch(() => undefined);
  }

  /** One scrape at timestamp `ts`: fetch, append, report, commit. Exposed for tests. */
  async scrapeOnce(ts: number, signal: AbortSignal = this.controller.signal): Promise<ScrapeResult> {
    const { clock, target } = this.o;
    const started = clock.now();
    let error: Error | undefined;
    let body: ScrapeBody | undefined;
    const forced = this.o.forcedError?.();
    if (forced !== undefined) error = new ScrapeError('forced', forced);
    else {
      try {
        body = await this.o.scrape(signal);
      } catch (err) {
        error = err instanceof Error ? err : new Error(String(err));
      }
    }
    if (signal.aborted) {
      // Stopped mid-scrape: the scrape is dropped; a 'gone' stop writes the staleness markers after the loop.
      body?.release?.();
      return { error: error ?? new Error('scrape canceled'), seconds: 0, samplesScraped: 0, samplesPostRelabel: 0, seriesAdded: 0, outOfOrder: 0, duplicates: 0, outOfBounds: 0 };
    }
    let app = this.o.appendable.appender();
    const stats = { samplesScraped: 0, samplesPostRelabel: 0, seriesAdded: 0, outOfOrder: 0, duplicates: 0, outOfBounds: 0 };
    if (body !== undefined) {
      try {
        this.appendBody(app, body, ts, stats);
      } catch (err) {
        app.rollback();
        app = this.o.appendable.appender();
        error = err instanceof Error ? err : new Error(String(err));
      } finally {
        // Nothing refers to the body's bytes any more: strings and cache keys are copies.
        body.release?.();
      }
    }
    if (error !== undefined) this.cache.staleAll((e) => this.appendQuietly(app, e, ts, STALE_NAN));
    const seconds = (clock.now() - started) / 1000;
    this.appendReport(app, ts, [error === undefined ? 1 : 0, seconds, stats.samplesScraped, stats.samplesPostRelabel, stats.seriesAdded]);
    try {
      await app.commit();
    } catch (err) {
      error ??= err instanceof Error ? err : new Error(String(err));
    }
    this.lastTimestamp = ts;
    target.health = error === undefined ? 'up' : 'down';
    target.lastError = error === undefined ? '' : error.message;
    target.lastScrape = started;
    target.lastScrapeDuration = seconds;
    if (error !== undefined) this.o.logger.debug('Scrape failed', { target: target.url, err: error });
    const result: ScrapeResult = { error, seconds, ...stats };
    this.o.onScrape?.(result);
    return result;
  }

  private appendBody(app: Appender, { body, contentType }: ScrapeBody, ts: number, stats: { -readonly [K in keyof Omit<ScrapeResult, 'error' | 'seconds'>]: number }): void {
    const o = this.o;
    const cache = this.cache;
    const p = o.parse(body, contentType, o.fallbackContentType, this.known);
    const format = p.format;
    const seriesLabels = o.target.seriesLabels;
    cache.beginScrape();
    const metadata = cache.refreshMetadata;
    for (let kind = p.next(); kind !== 'eof'; kind = p.next()) {
      if (kind !== 'series') {
        if (metadata) cache.setMetadata(p.family(), kind, p.text());
        continue;
      }
      stats.samplesScraped++;
      const buf = p.bytes();
      const start = p.seriesStart();
      const end = p.seriesEnd();
      let entry = cache.lookup(buf, start, end, format);
      if (entry === null) continue;
      const pt = p.timestamp();
      const t = o.honorTimestamps && pt !== undefined ? pt : ts;
      const v = p.value();
      let labels: Labels;
      let ref: SeriesRef;
      if (entry === undefined) {
        const lset = sampleLabels(p.labels(), seriesLabels, o.honorLabels, o.metricRelabelConfigs);
        if (lset === null) {
          cache.put(buf, start, end, null, format);
          continue;
        }
        checkSeriesLabels(lset, o.labelLimits);
        labels = lset;
        ref = 0;
      } else {
        labels = entry.labels;
        ref = entry.ref;
      }
      stats.samplesPostRelabel++;
      if (o.sampleLimit > 0 && stats.samplesPostRelabel > o.sampleLimit) {
        throw new ScrapeError('sample_limit', `sample limit exceeded (limit: ${o.sampleLimit})`);
      }
      try {
        ref = app.append(ref, labels, t, v);
      } catch (err) {
        if (!(err instanceof StorageError)) throw err;
        if (err.code === 'out_of_order_sample') stats.outOfOrder++;
        else if (err.code === 'duplicate_sample_for_timestamp') stats.duplicates++;
        else if (err.code === 'too_old_sample' || err.code === 'out_of_bounds') stats.outOfBounds++;
        else throw err;
        if (entry === undefined) continue;
      }
      if (entry === undefined) {
        // Remember the storage's copy of the labels (interned, shared with the head), not a second one.
        entry = cache.newEntry(ref, app.labelsOf?.(ref) ?? labels);
        cache.put(buf, start, end, entry, format);
        stats.seriesAdded++;
      } else {
        entry.ref = ref;
      }
      cache.seen(entry, pt === undefined || !o.honorTimestamps || o.trackTimestampsStaleness);
    }
    cache.endScrape((e) => this.appendQuietly(app, e, ts, STALE_NAN));
  }

  private appendQuietly(app: Appender, e: CacheEntry, t: number, v: number): void {
    try {
      e.ref = app.append(e.ref, e.labels, t, v);
    } catch (err) {
      if (!(err instanceof StorageError)) throw err;
    }
  }

  /** `values` null means staleness markers (a NaN payload does not survive a JS array of doubles). */
  private appendReport(app: Appender, ts: number, values: readonly number[] | null): void {
    for (let i = 0; i < REPORT_NAMES.length; i++) {
      try {
        const v = values === null ? STALE_NAN : (values[i] as number);
        this.reportRefs[i] = app.append(this.reportRefs[i] as number, this.reportLabels[i] as Labels, ts, v);
      } catch (err) {
        if (!(err instanceof StorageError)) throw err;
      }
    }
  }

  /** The target went away: its series and report series end now. */
  private async markAllStale(): Promise<void> {
    if (this.lastTimestamp === 0) return;
    const ts = Math.max(this.o.clock.now(), this.lastTimestamp + 1);
    const app = this.o.appendable.appender();
    this.cache.staleAll((e) => this.appendQuietly(app, e, ts, STALE_NAN));
    this.appendReport(app, ts, null);
    try {
      await app.commit();
    } catch (err) {
      this.o.logger.warn('Writing staleness markers failed', { target: this.o.target.url, err: err instanceof Error ? err : String(err) });
    }
  }
}
