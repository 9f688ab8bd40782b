// `vigil server` assembled: storage, scrape manager, configuration (load and reload), and the HTTP API.

import { hostname as osHostname } from 'node:os';
import type { Server } from 'node:http';
import { inactiveSettings } from '../config/inactive-settings.js';
import type { PrometheusConfig } from '../config/prometheus-config.js';
import { loadPrometheusConfig, parsePrometheusConfig } from '../config/prometheus-config-loading.js';
import { prometheusConfigYaml } from '../config/prometheus-config-yaml.js';
import type { Clock } from '../model/clock.js';
import { formatDuration } from '../model/duration.js';
import type { Logger } from '../model/logger.js';
import { MetricsRegistry } from '../model/metrics-registry.js';
import { DiscoveryManager } from '../discovery/discovery-manager.js';
import { settle } from '../model/clock.js';
import { closeScrapeConnections } from '../scrape/http-scraper.js';
import { expositionParser } from '../scrape/exposition-scrape-parser.js';
import { offsetSeedFor, ScrapeManager } from '../scrape/scrape-manager.js';
import type { Appendable, Appender } from '../storage/appendable.js';
import type { Queryable } from '../storage/queryable.js';
import { parseMetricSelector } from '../promql/parser.js';
import { registerQueryHandlers } from './api-query-handlers.js';
import { registerSeriesHandlers } from './api-series-handlers.js';
import type { HeadStats, WalReplayFigures } from './api-status-handlers.js';
import { registerStatusHandlers } from './api-status-handlers.js';
import { registerTargetHandlers } from './api-target-handlers.js';
import { registerManagementHandlers } from './management-handlers.js';
import type { QueryService } from './query-service.js';
import type { ServerFlags } from './server-flags.js';
import { WebApp } from './web-app.js';
import { registerAdminHandlers } from './admin-handlers.js';
import { registerFederateHandler } from './federate-handler.js';
import { Labels } from '../model/labels.js';
import type { Matcher } from '../model/matcher.js';
import { registerTsdbMetrics } from './tsdb-metrics.js';
import type { TsdbStats } from '../tsdb/tsdb-stats.js';
import { registerUiRoutes, UiAssets } from './ui-assets.js';

export const VIGIL_VERSION = '0.1.0';

/** What the server needs from its storage. */
export interface ServerStorage extends Appendable, Queryable {
  close(): Promise<void> | void;
  headStats?(): HeadStats;
  /** The WAL replay's progress (the storage opened before the server, so it is complete by the time anyone asks). */
  walReplayStatus?(): WalReplayFigures;
}

export interface VigilServerOptions {
  readonly flags: ServerFlags;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly storage: ServerStorage;
  /** Builds the PromQL query service over the storage; without it the query endpoints are absent. */
  readonly queries?: QueryService;
  readonly hostname?: string;
  /** The TSDB's counters; exported on /metrics under Prometheus's names. */
  readonly tsdbStats?: TsdbStats;
  /** Takes a snapshot of the storage (admin API); absent when the storage cannot. */
  readonly snapshot?: (skipHead: boolean) => Promise<string> | string;
  /** Deletes samples of matching series (admin API); absent when the storage cannot. */
  readonly deleteSeries?: (matchers: readonly Matcher[], mint: number, maxt: number) => void;
  /** Rewrites blocks without their deleted samples (admin API); absent when the storage cannot. */
  readonly cleanTombstones?: () => Promise<unknown>;
}

/** The configuration `npm start` uses when no --config.file is given: scrape this server every 15s. */
export function builtinConfigYaml(flags: Pick<ServerFlags, 'listenHost' | 'listenPort' | 'externalUrl'>): string {
  const host = flags.listenHost === '0.0.0.0' || flags.listenHost === '::' || flags.listenHost === '' ? 'localhost' : flags.listenHost;
  const addr = host.includes(':') ? `[${host}]:${flags.listenPort}` : `${host}:${flags.listenPort}`;
  return `# Vigil's built-in configuration (used when --config.file is not given).
global:
  scrape_interval: 15s
  evaluation_interval: 15s
scrape_configs:
  - job_name: vigil
    scrape_interval: 15s
    metrics_path: ${routePrefix(flags.externalUrl)}/metrics
    static_configs:
      - targets: ['${addr}']
`;
}

/**
 * Lifecycle: `start` loads the configuration (a bad one fails start), starts scraping and serves HTTP; the server
 * is ready after that. `reload` (SIGHUP, POST /-/reload) loads the configuration again: on error the running
 * configuration stays. `stop` stops scrapes, then HTTP, then closes the storage.
 */
export class VigilServer {
  readonly registry = new MetricsRegistry();
  readonly app: WebApp;
  readonly scrape: ScrapeManager;
  readonly discovery: DiscoveryManager;
  private discoveryDone: Promise<void> | undefined;
  private readonly discoveryController = new AbortController();
  private readonly startTime: number;
  private config: PrometheusConfig | undefined;
  private lastReloadOk = false;
  private lastConfigTime = 0;
  private ready = false;
  private stopped = false;
  private http: Server | undefined;
  private readonly httpController = new AbortController();
  private readonly quitController = new AbortController();
  private readonly hostname: string;

  constructor(private readonly o: VigilServerOptions) {
    this.startTime = o.clock.now();
    this.hostname = o.hostname ?? osHostname();
    let appendable: Appendable = o.storage;
    if (o.tsdbStats !== undefined) registerTsdbMetrics(this.registry, o.tsdbStats);
    else {
      const appended = this.registry.counter('prometheus_tsdb_head_samples_appended_total', 'Total number of appended samples.', ['type']);
      appended.inc(['float'], 0);
      appendable = countingAppendable(o.storage, (n) => appended.inc(['float'], n));
    }
    this.scrape = new ScrapeManager({
      appendable,
      parse: expositionParser,
      clock: o.clock,
      logger: o.logger,
      registry: this.registry,
      offsetSeed: offsetSeedFor(this.hostname, []),
    });
    this.discovery = new DiscoveryManager({
      clock: o.clock,
      onError: (err, jobs) => o.logger.warn('Service discovery failed', { jobs: jobs.join(','), err }),
    });
    const requests = this.registry.counter('prometheus_http_requests_total', 'Counter of HTTP requests.', ['code', 'handler']);
    const durations = this.registry.histogram('prometheus_http_request_duration_seconds', 'Histogram of latencies for HTTP requests.', ['handler'], [0.1, 0.2, 0.4, 1, 3, 8, 20, 60, 120]);
    this.app = new WebApp({
      observe: (i) => {
        requests.inc([String(i.status), i.handler]);
        durations.observe([i.handler], i.seconds);
      },
      routePrefix: routePrefix(o.flags.externalUrl),
      onInternalError: (err, req) => o.logger.error('Internal error answering a request', { path: req.path, err: err instanceof Error ? err : String(err) }),
    });
    this.registerSelfMetrics();
    this.registerRoutes();
  }

  /** The configuration in force (undefined before the first successful load). */
  get currentConfig(): PrometheusConfig | undefined {
    return this.config;
  }

  /** Aborts when the server was asked to quit (POST /-/quit). */
  get quitSignal(): AbortSignal {
    return this.quitController.signal;
  }

  async start(): Promise<void> {
    const f = this.o.flags;
    this.discoveryDone = this.discovery
      .run(this.discoveryController.signal, (sets) => this.scrape.updateTargets(sets))
      .catch((err: unknown) => this.o.logger.error('Service discovery stopped', { err: err instanceof Error ? err : String(err) }));
    await this.reload();
    this.http = await this.app.listen({ host: f.listenHost, port: f.listenPort, signal: this.httpController.signal });
    this.ready = true;
    this.o.logger.info('Server is ready to receive web requests.', { address: `${f.listenHost}:${this.listenPort}` });
  }

  /** The port actually listened on (useful with --web.listen-address=:0). */
  get listenPort(): number {
    const a = this.http?.address();
    return typeof a === 'object' && a !== null ? a.port : this.o.flags.listenPort;
  }

  async reload(): Promise<void> {
    const f = this.o.flags;
    try {
      // A file's scrape_config_files are merged in by loadPrometheusConfig.
      const cfg = f.configFile === '' ? parsePrometheusConfig(builtinConfigYaml(f)) : await loadPrometheusConfig(f.configFile);
      this.discovery.applyConfig(cfg.scrapeConfigs.map((sc) => [sc.jobName, sc.serviceDiscoveryConfigs] as const));
      await this.scrape.applyConfig(cfg);
      // Static and unchanged providers have their groups after a tick; the rest arrive with the next update.
      await settle();
      this.scrape.updateTargets(this.discovery.targetSets());
      this.config = cfg;
      this.lastReloadOk = true;
      this.lastConfigTime = this.o.clock.now();
      this.o.logger.info('Completed loading of configuration file', { filename: f.configFile === '' ? '(built-in)' : f.configFile });
      for (const s of inactiveSettings(cfg)) this.o.logger.warn('Configuration setting has no effect in this version', { setting: s.setting, effect: s.effect });
    } catch (err) {
      this.lastReloadOk = false;
      this.o.logger.error('Error loading config', { filename: f.configFile, err: err instanceof Error ? err : String(err) });
      throw err;
    }
  }

  /** Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.ready = false;
    this.discoveryController.abort();
    await this.discoveryDone;
    await this.scrape.stop();
    closeScrapeConnections();
    this.httpController.abort();
    await this.o.storage.close();
  }

  private registerRoutes(): void {
    const o = this.o;
    const parseSelector = parseMetricSelector;
    if (o.queries !== undefined) {
      registerQueryHandlers(this.app, { queries: o.queries, now: () => o.clock.now(), defaultTimeout: o.flags.queryTimeout });
    }
    registerSeriesHandlers(this.app, { queryable: o.storage, parseSelector });
    registerTargetHandlers(this.app, { scrape: this.scrape, parseSelector, externalHost: externalHost(o.flags.externalUrl, this.hostname) });
    registerStatusHandlers(this.app, {
      configYaml: () => (this.config === undefined ? '' : prometheusConfigYaml(this.config)),
      flags: o.flags.asText,
      buildInfo: { version: VIGIL_VERSION, revision: '', branch: '', buildUser: '', buildDate: '', goVersion: process.version },
      runtime: () => ({
        startTime: this.startTime,
        reloadConfigSuccess: this.lastReloadOk,
        lastConfigTime: this.lastConfigTime,
        corruptionCount: o.tsdbStats?.walCorruptionsTotal ?? 0,
        storageRetention: retentionText(o.flags),
      }),
      now: () => o.clock.now(),
      queryable: o.storage,
      ...(o.storage.headStats !== undefined ? { headStats: () => (o.storage.headStats as () => HeadStats)() } : {}),
      ...(o.storage.walReplayStatus !== undefined ? { walReplay: () => (o.storage.walReplayStatus as () => WalReplayFigures)() } : {}),
      hostname: this.hostname,
    });
    registerFederateHandler(this.app, {
      queryable: o.storage,
      parseSelector,
      now: () => o.clock.now(),
      lookbackDelta: o.flags.queryLookbackDelta,
      externalLabels: () => this.config?.global.externalLabels ?? Labels.EMPTY,
    });
    registerAdminHandlers(this.app, {
      enabled: o.flags.enableAdminApi,
      parseSelector,
      ...(o.snapshot !== undefined ? { snapshot: o.snapshot } : {}),
      ...(o.deleteSeries !== undefined ? { deleteSeries: o.deleteSeries } : {}),
      ...(o.cleanTombstones !== undefined ? { cleanTombstones: o.cleanTombstones } : {}),
    });
    registerManagementHandlers(this.app, {
      registry: this.registry,
      isReady: () => this.ready,
      enableLifecycle: o.flags.enableLifecycle,
      reload: () => this.reload(),
      quit: () => this.quitController.abort(),
    });
    registerUiRoutes(this.app, UiAssets.load());
  }

  private registerSelfMetrics(): void {
    const r = this.registry;
    r.gaugeFunc('prometheus_config_last_reload_successful', 'Whether the last configuration reload attempt was successful.', () => (this.lastReloadOk ? 1 : 0));
    r.gaugeFunc('prometheus_config_last_reload_success_timestamp_seconds', 'Timestamp of the last successful configuration reload.', () => this.lastConfigTime / 1000);
    r.gaugeFunc('prometheus_ready', 'Whether Prometheus startup was fully completed and the server is ready for normal operation.', () => (this.ready ? 1 : 0));
    r.gaugeFunc('prometheus_build_info', 'A metric with a constant \'1\' value labeled by version, revision, branch, and goversion from which prometheus was built.', () => [[[VIGIL_VERSION, process.version], 1] as const], { labelNames: ['version', 'goversion'] });
    r.gaugeFunc('process_start_time_seconds', 'Start time of the process since unix epoch in seconds.', () => Math.floor(this.startTime / 1000));
    r.gaugeFunc('process_resident_memory_bytes', 'Resident memory size in bytes.', () => process.memoryUsage.rss());
    r.gaugeFunc('process_cpu_seconds_total', 'Total user and system CPU time spent in seconds.', () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1e6;
    }, { type: 'counter' });
    r.gaugeFunc('nodejs_heap_used_bytes', 'Bytes of the V8 heap in use.', () => process.memoryUsage().heapUsed);
    const storage = this.o.storage;
    if (this.o.tsdbStats !== undefined) return;
    if (storage.headStats !== undefined) {
      r.gaugeFunc('prometheus_tsdb_head_series', 'Total number of series in the head block.', () => (storage.headStats as () => HeadStats)().numSeries);
    } else if ('seriesCount' in storage) {
      r.gaugeFunc('prometheus_tsdb_head_series', 'Total number of series in the head block.', () => (storage as unknown as { seriesCount: number }).seriesCount);
    }
  }
}

/** An Appendable that reports how many samples each committed transaction held. */
function countingAppendable(inner: Appendable, onCommit: (n: number) => void): Appendable {
  return {
    appender(): Appender {
      const app = inner.appender();
      let n = 0;
      return {
        append(ref, labels, t, v) {
          const r = app.append(ref, labels, t, v);
          n++;
          return r;
        },
        labelsOf: (ref) => app.labelsOf?.(ref),
        async commit() {
          await app.commit();
          onCommit(n);
        },
        rollback() {
          app.rollback();
        },
      };
    },
  };
}

function externalHost(externalUrl: string, hostname: string): string {
  if (externalUrl === '') return hostname;
  try {
    return new URL(externalUrl).hostname;
  } catch {
    return hostname;
  }
}

/** The path of the external URL without a trailing slash ('' when none), under which every route is served. */
export function routePrefix(externalUrl: string): string {
  if (externalUrl === '') return '';
  try {
    return new URL(externalUrl).pathname.replace(/\/+$/, '');
  } catch {
    return '';
  }
}

function retentionText(f: ServerFlags): string {
  const parts: string[] = [];
  if (f.retentionTime > 0) parts.push(formatDuration(f.retentionTime));
  if (f.retentionSize > 0) parts.push(`${f.retentionSize}B`);
  return parts.join(' or ');
}
