// Connections of the HTTP clients of scrapes and discovery: keep-alive agents per (proxy, TLS settings), plain HTTP
// through a proxy in absolute form, https through a CONNECT tunnel, as Go's transport does for Prometheus.

import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { ClientRequest, ClientRequestArgs, IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { AgentOptions as HttpsAgentOptions, RequestOptions as HttpsRequestOptions } from 'node:https';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import type { ConnectionOptions, SecureVersion } from 'node:tls';
import type { ProxySettings, TlsConfig } from '../config/prometheus-config.js';
import { proxyFor } from './http-proxy.js';

/** What a request needs to know of a client config to connect: its TLS and proxy settings. */
export interface TransportSettings extends ProxySettings {
  readonly tlsConfig: TlsConfig;
}

export interface TransportRequest {
  readonly method?: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Buffer;
  readonly signal: AbortSignal;
  readonly settings: TransportSettings;
}

/** A proxy that refused a CONNECT, or a proxy scheme this client cannot speak. */
export class ProxyError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProxyError';
  }
}

/** Give up on a proxy that does not answer a CONNECT within this time (the request's own signal also applies). */
const CONNECT_TIMEOUT_MS = 30_000;

const AGENT_OPTIONS = { keepAlive: true, maxFreeSockets: 1024 } as const;

function tlsVersion(v: string): SecureVersion | undefined {
  if (v === '') return undefined;
  return (v === 'TLS10' ? 'TLSv1' : `TLSv1.${v.slice(4)}`) as SecureVersion;
}

/** Node's TLS options for a tls_config (files are read when the agent is made). */
export function tlsOptions(t: TlsConfig): ConnectionOptions {
  const o: ConnectionOptions = { rejectUnauthorized: !t.insecureSkipVerify };
  if (t.ca !== '' || t.caFile !== '') o.ca = t.ca !== '' ? t.ca : readFileSync(t.caFile);
  if (t.cert !== '' || t.certFile !== '') o.cert = t.cert !== '' ? t.cert : readFileSync(t.certFile);
  if (t.key !== '' || t.keyFile !== '') o.key = t.key !== '' ? t.key : readFileSync(t.keyFile);
  if (t.serverName !== '') o.servername = t.serverName;
  const min = tlsVersion(t.minVersion);
  const max = tlsVersion(t.maxVersion);
  if (min !== undefined) o.minVersion = min;
  if (max !== undefined) o.maxVersion = max;
  return o;
}

function bracketed(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

function proxyPort(proxy: URL): number {
  return Number(proxy.port !== '' ? proxy.port : proxy.protocol === 'https:' ? 443 : 80);
}

/** `Proxy-Authorization` from the proxy URL's user info, as Go sends it (basic auth). */
function proxyAuthorization(proxy: URL): Record<string, string> {
  if (proxy.username === '' && proxy.password === '') return {};
  const cred = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return { 'proxy-authorization': `Basic ${Buffer.from(cred).toString('base64')}` };
}

/**
 * The TLS server name for a connection to an https:// proxy: server_name if set, else the proxy's host name, or none
 * for an IP (the certificate is then checked against the IP). Always explicit: Node would otherwise take the Host
 * header, which names the target, not the proxy.
 */
function proxyServerName(proxy: URL, serverName: string | undefined): { servername: string } {
  if (serverName !== undefined && serverName !== '') return { servername: serverName };
  const host = proxy.hostname.replace(/^\[|\]$/g, '');
  return { servername: isIP(host) === 0 ? host : '' };
}

function checkScheme(proxy: URL): void {
  if (proxy.protocol !== 'http:' && proxy.protocol !== 'https:') {
    throw new ProxyError(`proxy ${proxy.host}: unsupported proxy scheme "${proxy.protocol.slice(0, -1)}" (http and https proxies are supported)`);
  }
}

/** An https agent whose connections are TLS sessions inside CONNECT tunnels through one proxy. */
class TunnelAgent extends HttpsAgent {
  constructor(
    private readonly proxy: URL,
    private readonly connectHeaders: Readonly<Record<string, string>>,
    private readonly proxyTls: ConnectionOptions,
    options: HttpsAgentOptions,
  ) {
    super(options);
  }

  override createConnection(options: HttpsRequestOptions, callback?: (err: Error | null, stream: Duplex) => void): undefined {
    const done = once(callback);
    const target = `${bracketed(options.host ?? options.hostname ?? 'localhost')}:${options.port ?? 443}`;
    const p = this.proxy;
    const connect = p.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = connect({
      ...(p.protocol === 'https:' ? { ...this.proxyTls, ...proxyServerName(p, this.proxyTls.servername) } : {}),
      host: p.hostname.replace(/^\[|\]$/g, ''), port: proxyPort(p), method: 'CONNECT', path: target, agent: false, timeout: CONNECT_TIMEOUT_MS,
      headers: { ...this.connectHeaders, host: target, ...proxyAuthorization(p) },
    });
    req.once('connect', (res, socket, head) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        done(new ProxyError(`proxy ${p.host} refused CONNECT to ${target}: ${res.statusCode ?? 0} ${res.statusMessage ?? ''}`.trimEnd()));
        return;
      }
      if (head.length > 0) socket.unshift(head);
      done(null, tlsConnect({ ...(options as ConnectionOptions), socket }));
    });
    req.once('timeout', () => req.destroy(new ProxyError(`proxy ${p.host}: no answer to CONNECT ${target} within ${CONNECT_TIMEOUT_MS / 1000}s`)));
    req.once('error', (err) => done(err instanceof ProxyError ? err : new ProxyError(`proxyconnect ${p.host}: ${err.message}`, { cause: err })));
    req.end();
    return undefined;
  }
}

function once(callback: ((err: Error | null, stream: Duplex) => void) | undefined): (err: Error | null, stream?: Duplex) => void {
  let called = false;
  return (err, stream) => {
    if (called || callback === undefined) {
      stream?.destroy();
      return;
    }
    called = true;
    callback(err, stream as Duplex);
  };
}

const directHttp = new HttpAgent(AGENT_OPTIONS);
/** Agents by proxy and TLS settings (the key holds what makes their connections differ). */
const agents = new Map<string, HttpAgent>();

function agentFor(key: string, make: () => HttpAgent): HttpAgent {
  let a = agents.get(key);
  if (a === undefined) {
    a = make();
    agents.set(key, a);
  }
  return a;
}

function connectHeadersOf(s: TransportSettings): Record<string, string> {
  const h: Record<string, string> = {};
  for (const [k, v] of Object.entries(s.proxyConnectHeader)) if (v.length > 0) h[k.toLowerCase()] = v.join(', ');
  return h;
}

const tlsKeys = new WeakMap<TlsConfig, string>();

/** A string that differs between TLS configs that differ (computed once per config object). */
function tlsKeyOf(t: TlsConfig): string {
  let k = tlsKeys.get(t);
  if (k === undefined) {
    k = JSON.stringify(t);
    tlsKeys.set(t, k);
  }
  return k;
}

/** How to send a request for `url`: which agent, to which host, with which request target and extra headers. */
function route(url: URL, s: TransportSettings): ClientRequestArgs & { https: boolean } {
  const proxy = proxyFor(url, s);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  const path = `${url.pathname}${url.search}`;
  const tlsKey = tlsKeyOf(s.tlsConfig);
  if (url.protocol === 'https:') {
    if (proxy === undefined) {
      return { https: true, host, port, path, agent: agentFor(`direct ${tlsKey}`, () => new HttpsAgent({ ...AGENT_OPTIONS, ...tlsOptions(s.tlsConfig) })) };
    }
    checkScheme(proxy);
    const connectHeaders = connectHeadersOf(s);
    const key = `tunnel ${proxy.href} ${JSON.stringify(connectHeaders)} ${tlsKey}`;
    return { https: true, host, port, path, agent: agentFor(key, () => new TunnelAgent(proxy, connectHeaders, tlsOptions(s.tlsConfig), { ...AGENT_OPTIONS, ...tlsOptions(s.tlsConfig) })) };
  }
  if (proxy === undefined) return { https: false, host, port, path, agent: directHttp };
  checkScheme(proxy);
  // Plain HTTP through a proxy: the absolute URL is the request target; connections are to the proxy.
  const viaTls = proxy.protocol === 'https:';
  const agent = viaTls
    ? agentFor(`proxy ${proxy.href} ${tlsKey}`, () => new HttpsAgent({ ...AGENT_OPTIONS, ...tlsOptions(s.tlsConfig) }))
    : agentFor(`proxy ${proxy.href}`, () => new HttpAgent(AGENT_OPTIONS));
  return {
    https: viaTls, host: proxy.hostname.replace(/^\[|\]$/g, ''), port: proxyPort(proxy), path: `${url.protocol}//${url.host}${path}`, agent,
    headers: { host: url.host, ...proxyAuthorization(proxy) },
    ...(viaTls ? proxyServerName(proxy, s.tlsConfig.serverName) : {}),
  };
}

/**
 * Sends one request and resolves with the response head (no redirects followed). Errors are those of node:http,
 * or ProxyError for a refused CONNECT; aborting `signal` destroys the request.
 */
export function sendHttp(url: URL, r: TransportRequest): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    let req: ClientRequest;
    try {
      const { https, headers: routeHeaders, ...target } = route(url, r.settings);
      // User info in the URL is basic auth for the target (as Go's client and node:http do with a URL).
      const auth = url.username !== '' || url.password !== '' ? { auth: `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` } : {};
      const options = { ...target, ...auth, method: r.method ?? 'GET', signal: r.signal, headers: { ...r.headers, ...routeHeaders } };
      req = https ? httpsRequest(options) : httpRequest(options);
    } catch (err) {
      reject(err);
      return;
    }
    req.once('response', resolve);
    req.once('error', reject);
    req.end(r.body);
  });
}

/** Closes all kept-alive connections (server shutdown). */
export function closeHttpConnections(): void {
  directHttp.destroy();
  for (const a of agents.values()) a.destroy();
  agents.clear();
}
