// Proxy selection for discovery requests: proxy_url with no_proxy, or proxy_from_environment
// (HTTP_PROXY, HTTPS_PROXY, NO_PROXY), matching hosts as Go's httpproxy package does.

import { isIP } from 'node:net';
import type { HttpClientConfig } from '../config/prometheus-config.js';

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

/** True when `host` (and `port`) is excluded from proxying by a NO_PROXY-style list. */
export function bypassesProxy(noProxy: string, host: string, port: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  for (const raw of noProxy.split(',')) {
    let entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    const slash = entry.indexOf('/');
    if (slash > 0) {
      const net = entry.slice(0, slash);
      const bits = Number(entry.slice(slash + 1));
      if (isIP(net) === 4 && isIP(h) === 4 && bits >= 0 && bits <= 32) {
        const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
        if (((ipv4ToInt(net) & mask) >>> 0) === ((ipv4ToInt(h) & mask) >>> 0)) return true;
      }
      continue;
    }
    const colon = entry.lastIndexOf(':');
    if (colon > 0 && !entry.includes(']') && isIP(entry) !== 6) {
      if (entry.slice(colon + 1) !== port) continue;
      entry = entry.slice(0, colon);
    }
    entry = entry.replace(/^\[|\]$/g, '');
    if (isIP(entry) !== 0) {
      if (entry === h) return true;
      continue;
    }
    if (entry.startsWith('*.')) entry = entry.slice(1);
    if (entry.startsWith('.')) {
      if (h.endsWith(entry)) return true;
    } else if (h === entry || h.endsWith(`.${entry}`)) {
      return true;
    }
  }
  return false;
}

/** The proxy to use for `url`, or undefined to connect directly. */
export function proxyFor(url: URL, client: HttpClientConfig, env: Readonly<Record<string, string | undefined>> = process.env): URL | undefined {
  let proxy = '';
  let noProxy = '';
  if (client.proxyFromEnvironment) {
    proxy = (url.protocol === 'https:' ? env.HTTPS_PROXY ?? env.https_proxy : env.HTTP_PROXY ?? env.http_proxy) ?? '';
    noProxy = env.NO_PROXY ?? env.no_proxy ?? '';
  } else {
    proxy = client.proxyUrl;
    noProxy = client.noProxy;
  }
  if (proxy === '') return undefined;
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  if (bypassesProxy(noProxy, url.hostname, port)) return undefined;
  return new URL(proxy.includes('://') ? proxy : `http://${proxy}`);
}
