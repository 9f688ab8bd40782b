// consul_sd_configs: the catalog and health calls Prometheus makes (blocking queries on /v1/catalog/services and
// /v1/health/service/<name>), one group per service with the `__meta_consul_*` labels.

import type { ConsulSdConfig } from '../../config/prometheus-config.js';
import { asError, VigilError } from '../../model/errors.js';
import { Labels } from '../../model/labels.js';
import type { Discoverer, DiscovererContext, TargetGroup } from '../discoverer.js';
import { joinHostPort } from '../dns/dns-discoverer.js';
import { readJsonBody, sendRequest } from '../http-client.js';

/** Consul answered with an error or something that is not its API's JSON. */
export class ConsulSdError extends VigilError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('consul_sd', message, options);
    this.name = 'ConsulSdError';
  }
}

/** How long a blocking query may wait on the server (Prometheus: 2 minutes). */
const WATCH_TIMEOUT_MS = 120_000;
const RETRY_MS = 5000;

interface HealthCheck {
  CheckID?: string;
  Status?: string;
}
interface ServiceEntry {
  Node?: { Node?: string; Address?: string; Datacenter?: string; TaggedAddresses?: Record<string, string>; Meta?: Record<string, string> };
  Service?: { ID?: string; Service?: string; Tags?: string[] | null; Address?: string; Port?: number; Meta?: Record<string, string>; Namespace?: string; Partition?: string };
  Checks?: HealthCheck[];
}

/** Label-name sanitising: every character outside [a-zA-Z0-9_] becomes `_`. */
export function sanitizeLabelName(s: string): string {
  return s.replace(/[^a-zA-Z0-9_]/g, '_');
}

/** Consul's aggregated status of a set of checks: maintenance > critical > warning > passing; none = passing. */
export function aggregatedStatus(checks: readonly HealthCheck[]): string {
  let warning = false;
  let critical = false;
  let maintenance = false;
  for (const c of checks) {
    const id = c.CheckID ?? '';
    if (id === '_node_maintenance' || id.startsWith('_service_maintenance:')) {
      maintenance = true;
      continue;
    }
    switch (c.Status) {
      case 'passing':
        break;
      case 'warning':
        warning = true;
        break;
      case 'critical':
        critical = true;
        break;
      default:
        return '';
    }
  }
  if (maintenance) return 'maintenance';
  if (critical) return 'critical';
  if (warning) return 'warning';
  return 'passing';
}

/** The group of one service from a health response, labelled as Prometheus labels it. */
export function serviceGroup(name: string, entries: readonly ServiceEntry[], tagSeparator: string): TargetGroup {
  const targets = entries.map((e) => {
    const node = e.Node ?? {};
    const svc = e.Service ?? {};
    const port = svc.Port ?? 0;
    const addr = svc.Address ? joinHostPort(svc.Address, port) : joinHostPort(node.Address ?? '', port);
    const l: Record<string, string> = {
      __address__: addr,
      __meta_consul_address: node.Address ?? '',
      __meta_consul_node: node.Node ?? '',
      __meta_consul_namespace: svc.Namespace ?? '',
      __meta_consul_partition: svc.Partition ?? '',
      __meta_consul_tags: tagSeparator + (svc.Tags ?? []).join(tagSeparator) + tagSeparator,
      __meta_consul_service_address: svc.Address ?? '',
      __meta_consul_service_port: String(port),
      __meta_consul_service_id: svc.ID ?? '',
      __meta_consul_health: aggregatedStatus(e.Checks ?? []),
      __meta_consul_dc: node.Datacenter ?? '',
    };
    for (const [k, v] of Object.entries(node.Meta ?? {})) l[`__meta_consul_metadata_${sanitizeLabelName(k)}`] = v;
    for (const [k, v] of Object.entries(svc.Meta ?? {})) l[`__meta_consul_service_metadata_${sanitizeLabelName(k)}`] = v;
    for (const [k, v] of Object.entries(node.TaggedAddresses ?? {})) l[`__meta_consul_tagged_address_${sanitizeLabelName(k)}`] = v;
    return Labels.from(l);
  });
  return { source: name, targets, labels: Labels.from({ __meta_consul_service: name }) };
}

export class ConsulDiscoverer implements Discoverer {
  private datacenter: string;

  constructor(
    private readonly cfg: ConsulSdConfig,
    private readonly ctx: DiscovererContext,
  ) {
    this.datacenter = cfg.datacenter;
  }

  private base(): string {
    const prefix = this.cfg.pathPrefix.replace(/\/+$/, '');
    return `${this.cfg.scheme}://${this.cfg.server}${prefix && !prefix.startsWith('/') ? `/${prefix}` : prefix}`;
  }

  /** GET with Consul's query options; returns the parsed body and the X-Consul-Index. */
  private async get(path: string, params: [string, string][], signal: AbortSignal, blocking: boolean): Promise<{ body: unknown; index: string }> {
    const q = new URLSearchParams(params);
    if (this.datacenter !== '') q.append('dc', this.datacenter);
    if (this.cfg.namespace !== '') q.append('ns', this.cfg.namespace);
    if (this.cfg.partition !== '') q.append('partition', this.cfg.partition);
    if (this.cfg.allowStale) q.append('stale', '');
    for (const [k, v] of Object.entries(this.cfg.nodeMeta)) q.append('node-meta', `${k}:${v}`);
    const qs = q.toString().replace(/(^|&)stale=(&|$)/, '$1stale$2');
    const url = `${this.base()}${path}${qs === '' ? '' : `?${qs}`}`;
    const headers: Record<string, string> = this.cfg.token === '' ? {} : { 'x-consul-token': this.cfg.token };
    const res = await sendRequest(url, { client: this.cfg.httpClient, clock: this.ctx.clock, signal, headers, timeoutMs: blocking ? WATCH_TIMEOUT_MS + 15_000 : 30_000 });
    const body = await readJsonBody(res, `Consul ${path}`, ConsulSdError);
    const index = res.headers['x-consul-index'];
    return { body, index: typeof index === 'string' ? index : '' };
  }

  async run(signal: AbortSignal, emit: (groups: TargetGroup[]) => void): Promise<void> {
    while (this.datacenter === '' && !signal.aborted) {
      try {
        const { body } = await this.get('/v1/agent/self', [], signal, false);
        this.datacenter = String((body as { Config?: { Datacenter?: string } }).Config?.Datacenter ?? '');
        if (this.datacenter === '') throw new ConsulSdError('Consul /v1/agent/self did not name a datacenter');
      } catch (err) {
        if (signal.aborted) return;
        this.ctx.report(asError(err));
        await this.ctx.clock.sleep(RETRY_MS, signal);
      }
    }
    if (signal.aborted) return;
    if (this.cfg.services.length > 0 && this.cfg.tags.length === 0 && this.cfg.filter === '') {
      emit([]);
      await Promise.all(this.cfg.services.map((s) => this.watchService(s, signal, emit)));
      return;
    }
    await this.watchCatalog(signal, emit);
  }

  private shouldWatch(name: string, tags: readonly string[]): boolean {
    if (this.cfg.services.length > 0 && !this.cfg.services.includes(name)) return false;
    return this.cfg.tags.every((t) => tags.includes(t));
  }

  /** The service list loop: starts a watcher per matching service, stops (and empties) vanished ones. */
  private async watchCatalog(signal: AbortSignal, emit: (groups: TargetGroup[]) => void): Promise<void> {
    const watchers = new Map<string, { controller: AbortController; done: Promise<void> }>();
    let index = '';
    let first = true;
    while (!signal.aborted) {
      try {
        const params: [string, string][] = [];
        if (index !== '') params.push(['index', index], ['wait', `${WATCH_TIMEOUT_MS}ms`]);
        if (this.cfg.filter !== '') params.push(['filter', this.cfg.filter]);
        const res = await this.get('/v1/catalog/services', params, signal, index !== '');
        if (res.index !== index || first) {
          index = res.index;
          const services = (res.body ?? {}) as Record<string, string[] | null>;
          for (const [name, tags] of Object.entries(services)) {
            if (!this.shouldWatch(name, tags ?? []) || watchers.has(name)) continue;
            const controller = new AbortController();
            const stop = (): void => controller.abort();
            signal.addEventListener('abort', stop, { once: true });
            const done = this.watchService(name, controller.signal, emit).finally(() => signal.removeEventListener('abort', stop));
            watchers.set(name, { controller, done });
          }
          for (const [name, w] of watchers) {
            if (name in services) continue;
            w.controller.abort();
            watchers.delete(name);
            emit([{ source: name, targets: [], labels: Labels.EMPTY }]);
          }
          if (first) emit([]);
          first = false;
        }
      } catch (err) {
        if (signal.aborted) break;
        this.ctx.report(asError(err));
        await this.ctx.clock.sleep(RETRY_MS, signal);
        continue;
      }
      await this.ctx.clock.sleep(this.cfg.refreshInterval, signal);
    }
    await Promise.all([...watchers.values()].map((w) => w.done));
  }

  /** The loop of one service: blocking health query, emit on a new index, wait refresh_interval, repeat. */
  private async watchService(name: string, signal: AbortSignal, emit: (groups: TargetGroup[]) => void): Promise<void> {
    let index = '';
    while (!signal.aborted) {
      try {
        const params: [string, string][] = this.cfg.tags.map((t) => ['tag', t]);
        if (index !== '') params.push(['index', index], ['wait', `${WATCH_TIMEOUT_MS}ms`]);
        if (this.cfg.healthFilter !== '') params.push(['filter', this.cfg.healthFilter]);
        const res = await this.get(`/v1/health/service/${encodeURIComponent(name)}`, params, signal, index !== '');
        if (res.index !== index || index === '') {
          index = res.index;
          if (!Array.isArray(res.body)) throw new ConsulSdError(`Consul /v1/health/service/${name} did not return a list`);
          if (!signal.aborted) emit([serviceGroup(name, res.body as ServiceEntry[], this.cfg.tagSeparator)]);
        }
      } catch (err) {
        if (signal.aborted) break;
        this.ctx.report(asError(err));
        await this.ctx.clock.sleep(RETRY_MS, signal);
        continue;
      }
      await this.ctx.clock.sleep(this.cfg.refreshInterval, signal);
    }
  }
}
