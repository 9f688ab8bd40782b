// Proxy selection for scrapes and discovery requests as Prometheus makes it: proxy_url alone proxies everything;
// proxy_url with no_proxy, and proxy_from_environment (HTTP_PROXY, HTTPS_PROXY, NO_PROXY), follow Go's httpproxy rules.

import { BlockList, isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import type { ProxySettings } from '../config/prometheus-config.js';


type Env = Readonly<Record<string, string | undefined>>;

/** The first of the variables that is set and not empty (Go's getEnvAny). */
function envAny(env: Env, ...names: string[]): string {
  for (const n of names) {
    const v = env[n];
    if (v !== undefined && v !== '') return v;
  }
  return '';
}

function parseProxy(raw: string): URL | undefined {
  if (raw === '') return undefined;
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    return undefined;
  }
}

/** IP address and port of a no_proxy entry such as `10.0.0.1`, `10.0.0.1:80` or `[::1]:80`. */
function splitHostPort(entry: string): [string, string] {
  const m = /^\[([^\]]*)\]:(\d*)$/.exec(entry) ?? /^([^:]*):(\d*)$/.exec(entry);
  if (m !== null) return [m[1] ?? '', m[2] ?? ''];
  return [entry, ''];
}

function isLoopback(ip: string): boolean {
  if (isIP(ip) === 4) return ip.startsWith('127.');
  const lower = ip.toLowerCase();
  return lower === '::1' || lower === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(lower);
}

/**
 * True when Go's httpproxy would connect to `host:port` directly given the NO_PROXY-style list `noProxy`:
 * localhost and loopback addresses never use the proxy; otherwise `*`, IPs (with optional port), CIDRs, and
 * domains (`example.com` covers its subdomains, `.example.com` and `*.example.com` only subdomains) exclude hosts.
 */
export function bypassesProxy(noProxy: string, hostname: string, port: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost') return true;
  const hostIp = isIP(host);
  if (hostIp !== 0 && isLoopback(host)) return true;
  for (const raw of noProxy.split(',')) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    const slash = entry.indexOf('/');
    if (slash > 0) {
      const net = entry.slice(0, slash);
      const bits = Number(entry.slice(slash + 1));
      const family = isIP(net);
      if (family !== 0 && Number.isInteger(bits) && bits >= 0 && bits <= (family === 4 ? 32 : 128)) {
        if (hostIp === family) {
          const list = new BlockList();
          list.addSubnet(net, bits, family === 4 ? 'ipv4' : 'ipv6');
          if (list.check(host, family === 4 ? 'ipv4' : 'ipv6')) return true;
        }
        continue;
      }
    }
    const [entryHost, pport] = isIP(entry) === 6 ? [entry, ''] : splitHostPort(entry);
    let phost = entryHost;
    if (phost === '' && pport !== '') continue;
    if (isIP(phost) !== 0) {
      if (hostIp !== 0 && sameIp(phost, host) && (pport === '' || pport === port)) return true;
      continue;
    }
    if (phost === '') continue;
    if (phost.startsWith('*.')) phost = phost.slice(1);
    const matchHost = !phost.startsWith('.');
    if (matchHost) phost = `.${phost}`;
    const ascii = domainToASCII(phost.slice(1));
    if (ascii !== '') phost = `.${ascii}`;
    if ((host.endsWith(phost) || (matchHost && host === phost.slice(1))) && (pport === '' || pport === port)) return true;
  }
  return false;
}

function sameIp(a: string, b: string): boolean {
  const list = new BlockList();
  const family = isIP(a) === 4 ? 'ipv4' : 'ipv6';
  list.addAddress(a, family);
  return list.check(b, isIP(b) === 4 ? 'ipv4' : 'ipv6');
}

/**
 * The proxy to use for `url`, or undefined to connect directly. As Prometheus: proxy_from_environment reads
 * HTTP_PROXY / HTTPS_PROXY / NO_PROXY (or their lower-case forms; HTTP_PROXY is ignored under CGI's
 * REQUEST_METHOD); proxy_url without no_proxy proxies every request, with no_proxy it follows the same rules
 * as the environment (so localhost is then reached directly).
 */
export function proxyFor(url: URL, c: ProxySettings, env: Env = process.env): URL | undefined {
  let httpProxy: string;
  let httpsProxy: string;
  let noProxy: string;
  if (c.proxyFromEnvironment) {
    httpProxy = envAny(env, 'REQUEST_METHOD') !== '' ? '' : envAny(env, 'HTTP_PROXY', 'http_proxy');
    httpsProxy = envAny(env, 'HTTPS_PROXY', 'https_proxy');
    noProxy = envAny(env, 'NO_PROXY', 'no_proxy');
  } else if (c.proxyUrl !== '') {
    if (c.noProxy === '') return parseProxy(c.proxyUrl);
    [httpProxy, httpsProxy, noProxy] = [c.proxyUrl, c.proxyUrl, c.noProxy];
  } else {
    return undefined;
  }
  const proxy = parseProxy(url.protocol === 'https:' ? httpsProxy : url.protocol === 'http:' ? httpProxy : '');
  if (proxy === undefined) return undefined;
  const port = url.port !== '' ? url.port : url.protocol === 'https:' ? '443' : '80';
  return bypassesProxy(noProxy, url.hostname, port) ? undefined : proxy;
}
