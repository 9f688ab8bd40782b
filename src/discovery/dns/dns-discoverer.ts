// dns_sd_configs: SRV, A, AAAA, MX and NS lookups every refresh_interval, one group per name.

import { Resolver } from 'node:dns/promises';
import type { DnsSdConfig } from '../../config/prometheus-config.js';
import { VigilError } from '../../model/errors.js';
import { Labels } from '../../model/labels.js';
import type { Discoverer, DiscovererContext, TargetGroup } from '../discoverer.js';
import { GroupTracker } from '../group-tracker.js';
import { runRefreshLoop } from '../refresh-loop.js';

/** A DNS lookup that failed (other than "no such records", which yields an empty group). */
export class DnsSdError extends VigilError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('dns_sd', message, options);
    this.name = 'DnsSdError';
  }
}

/** `host:port`, with brackets around IPv6 addresses (Go's net.JoinHostPort). */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

const NO_RECORDS = new Set(['ENODATA', 'ENOTFOUND', 'NXDOMAIN']);

export class DnsDiscoverer implements Discoverer {
  private readonly tracker = new GroupTracker();
  private readonly resolver: Resolver;

  constructor(
    private readonly cfg: DnsSdConfig,
    private readonly ctx: DiscovererContext,
  ) {
    this.resolver = new Resolver({ timeout: 5000, tries: 2 });
    if (ctx.dnsServers !== undefined) this.resolver.setServers([...ctx.dnsServers]);
  }

  run(signal: AbortSignal, emit: (groups: TargetGroup[]) => void): Promise<void> {
    let first = true;
    return runRefreshLoop(signal, {
      clock: this.ctx.clock,
      intervalMs: this.cfg.refreshInterval,
      report: (err) => this.ctx.report(err),
      refresh: async (s) => {
        const onAbort = (): void => this.resolver.cancel();
        s.addEventListener('abort', onAbort, { once: true });
        try {
          const groups = await Promise.all(this.cfg.names.map((n) => this.lookup(n)));
          const changes = this.tracker.replace('', groups);
          if (first || changes.length > 0) emit(changes);
          first = false;
        } finally {
          s.removeEventListener('abort', onAbort);
        }
      },
    });
  }

  /** One group for `name`, source = the name, one target per answer record. */
  async lookup(name: string): Promise<TargetGroup> {
    const targets: Labels[] = [];
    const t = (addr: string, extra: Record<string, string> = {}): void => {
      targets.push(Labels.from({ __address__: addr, __meta_dns_name: name, ...extra }));
    };
    try {
      switch (this.cfg.type) {
        case 'SRV':
          for (const r of await this.resolver.resolveSrv(name)) {
            const host = r.name.endsWith('.') ? r.name.slice(0, -1) : r.name;
            t(joinHostPort(host, r.port), { __meta_dns_srv_record_target: `${host}.`, __meta_dns_srv_record_port: String(r.port) });
          }
          break;
        case 'A':
          for (const ip of await this.resolver.resolve4(name)) t(joinHostPort(ip, this.cfg.port));
          break;
        case 'AAAA':
          for (const ip of await this.resolver.resolve6(name)) t(joinHostPort(ip, this.cfg.port));
          break;
        case 'MX':
          for (const r of await this.resolver.resolveMx(name)) {
            const host = r.exchange.replace(/\.$/, '');
            t(joinHostPort(host, this.cfg.port), { __meta_dns_mx_record_target: `${host}.` });
          }
          break;
        case 'NS':
          for (const ns of await this.resolver.resolveNs(name)) {
            const host = ns.replace(/\.$/, '');
            t(joinHostPort(host, this.cfg.port), { __meta_dns_ns_record_target: `${host}.` });
          }
          break;
      }
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      if (!NO_RECORDS.has(code)) throw new DnsSdError(`error looking up ${this.cfg.type} records for ${name}: ${code || String(err)}`, { cause: err });
    }
    return { source: name, targets, labels: Labels.EMPTY };
  }
}
