// Builds the Discoverer for one SD config: the one place that knows every mechanism.

import type { SdConfig } from '../config/prometheus-config.js';
import { ConsulDiscoverer } from './consul/consul-discoverer.js';
import type { Discoverer, DiscovererContext } from './discoverer.js';
import { DnsDiscoverer } from './dns/dns-discoverer.js';
import { EtcdDiscoverer } from './etcd/etcd-discoverer.js';
import { FileDiscoverer } from './file/file-discoverer.js';
import { HttpDiscoverer } from './http/http-discoverer.js';
import { StaticDiscoverer } from './static/static-discoverer.js';

export function createDiscoverer(cfg: SdConfig, ctx: DiscovererContext): Discoverer {
  switch (cfg.kind) {
    case 'static':
      return new StaticDiscoverer(cfg);
    case 'file':
      return new FileDiscoverer(cfg, ctx);
    case 'http':
      return new HttpDiscoverer(cfg, ctx);
    case 'dns':
      return new DnsDiscoverer(cfg, ctx);
    case 'consul':
      return new ConsulDiscoverer(cfg, ctx);
    case 'etcd':
      return new EtcdDiscoverer(cfg, ctx);
  }
}
