// HTTP requests of discovery mechanisms (http_sd, Consul, etcd) with Prometheus's client settings: auth, TLS, redirects.

import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { DEFAULT_HTTP_CLIENT as DEFAULT_CLIENT } from '../config/http-client-decoding.js';
import type { HttpClientConfig, OAuth2 } from '../config/prometheus-config.js';
import { VigilError } from '../model/errors.js';
import { proxyFor } from './http-proxy.js';

/** A discovery request that failed: transport error, timeout, or a body over the size limit. */
export class DiscoveryHttpError extends VigilError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('discovery_http', message, options);
    this.name = 'DiscoveryHttpError';
  }
}

export interface HttpRequestOptions {
  method?: 'GET' | 'POST' | 'PUT';
  headers?: Record<string, string>;
  body?: string;
  client: HttpClientConfig;
  signal: AbortSignal;
  /** Whole-request timeout in ms (0 = none beyond `signal`). */
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: IncomingMessage['headers'];
  /** The response stream; read it with `readBody` or consume it as a stream. */
  stream: IncomingMessage;
}

const MAX_REDIRECTS = 10;

async function fileText(path: string): Promise<string> {
  return (await readFile(path, 'utf8')).trim();
}

/** Access tokens per oauth2 config, reused until shortly before they expire. */
const tokens = new WeakMap<OAuth2, { token: string; type: string; expiresAt: number }>();

/**
 * An access token by OAuth 2.0 client credentials (RFC 6749 §4.4), as Prometheus's oauth2 setting gets one:
 * POST to token_url with grant_type, scope and endpoint_params, the client id and secret as basic auth.
 */
async function oauth2Token(o: OAuth2, signal: AbortSignal): Promise<{ token: string; type: string }> {
  const cached = tokens.get(o);
  if (cached !== undefined && cached.expiresAt > Date.now()) return cached;
  const secret = o.clientSecretFile !== '' ? await fileText(o.clientSecretFile) : o.clientSecret;
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (o.scopes.length > 0) form.set('scope', o.scopes.join(' '));
  for (const [k, v] of Object.entries(o.endpointParams)) form.set(k, v);
  const client: HttpClientConfig = { ...DEFAULT_CLIENT, tlsConfig: o.tlsConfig, proxyUrl: o.proxyUrl };
  const url = new URL(o.tokenUrl);
  const basic = `${encodeURIComponent(o.clientId)}:${encodeURIComponent(secret)}`;
  const res = await once(url, { method: 'POST', body: form.toString(), client, signal, timeoutMs: 30_000 }, {
    authorization: `Basic ${Buffer.from(basic).toString('base64')}`,
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  }, await tlsOptions(client));
  const text = (await readBody(res, 1024 * 1024)).toString('utf8');
  if (res.status !== 200) throw new DiscoveryHttpError(`oauth2: token request to ${url.origin}${url.pathname} returned HTTP status ${res.status}: ${text.slice(0, 200)}`);
  let body: { access_token?: unknown; token_type?: unknown; expires_in?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch (err) {
    throw new DiscoveryHttpError('oauth2: token response is not JSON', { cause: err });
  }
  if (typeof body.access_token !== 'string' || body.access_token === '') throw new DiscoveryHttpError('oauth2: token response has no access_token');
  const type = typeof body.token_type === 'string' && body.token_type.toLowerCase() !== 'bearer' ? body.token_type : 'Bearer';
  const lifetime = typeof body.expires_in === 'number' ? body.expires_in * 1000 : Number(body.expires_in ?? 0) * 1000;
  const entry = { token: body.access_token, type, expiresAt: lifetime > 0 ? Date.now() + lifetime - 10_000 : Number.POSITIVE_INFINITY };
  tokens.set(o, entry);
  return entry;
}

/** Headers for the configured authorization (basic_auth, authorization / bearer token, oauth2, http_headers). */
async function authHeaders(c: HttpClientConfig, signal: AbortSignal): Promise<Record<string, string>> {
  const h: Record<string, string> = {};
  if (c.oauth2 !== undefined) {
    const t = await oauth2Token(c.oauth2, signal);
    h.authorization = `${t.type} ${t.token}`;
  }
  if (c.basicAuth !== undefined) {
    const user = c.basicAuth.usernameFile !== '' ? await fileText(c.basicAuth.usernameFile) : c.basicAuth.username;
    const pass = c.basicAuth.passwordFile !== '' ? await fileText(c.basicAuth.passwordFile) : c.basicAuth.password;
    h.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  }
  if (c.authorization !== undefined) {
    const cred = c.authorization.credentialsFile !== '' ? await fileText(c.authorization.credentialsFile) : c.authorization.credentials;
    h.authorization = `${c.authorization.type} ${cred}`;
  }
  for (const [name, v] of Object.entries(c.httpHeaders)) {
    const values = [...v.values, ...v.secrets];
    for (const f of v.files) values.push(await fileText(f));
    if (values.length > 0) h[name.toLowerCase()] = values.join(', ');
  }
  return h;
}

async function tlsOptions(c: HttpClientConfig): Promise<Record<string, unknown>> {
  const t = c.tlsConfig;
  const o: Record<string, unknown> = { rejectUnauthorized: !t.insecureSkipVerify };
  if (t.ca !== '' || t.caFile !== '') o.ca = t.ca !== '' ? t.ca : await readFile(t.caFile);
  if (t.cert !== '' || t.certFile !== '') o.cert = t.cert !== '' ? t.cert : await readFile(t.certFile);
  if (t.key !== '' || t.keyFile !== '') o.key = t.key !== '' ? t.key : await readFile(t.keyFile);
  if (t.serverName !== '') o.servername = t.serverName;
  const v = (s: string): string => `TLSv1${s === 'TLS10' ? '' : `.${s.slice(4)}`}`;
  if (t.minVersion !== '') o.minVersion = v(t.minVersion);
  if (t.maxVersion !== '') o.maxVersion = v(t.maxVersion);
  return o;
}

/**
 * Sends one request (following redirects when the config allows) and resolves with the response head.
 * Supports basic_auth, authorization / bearer tokens, oauth2 (client credentials), http_headers, tls_config
 * and proxies (proxy_url / no_proxy / proxy_from_environment / proxy_connect_header; CONNECT for https).
 */
export async function sendRequest(url: string, options: HttpRequestOptions): Promise<HttpResponse> {
  const headers = { ...(await authHeaders(options.client, options.signal)), ...options.headers };
  const tls = await tlsOptions(options.client);
  let current = new URL(url);
  for (let hops = 0; ; hops++) {
    const res = await once(current, options, headers, tls);
    const loc = res.headers.location;
    if (options.client.followRedirects && res.status >= 300 && res.status < 400 && loc !== undefined && hops < MAX_REDIRECTS) {
      res.stream.resume();
      current = new URL(loc, current);
      continue;
    }
    return res;
  }
}

function proxyAuthorization(proxy: URL): Record<string, string> {
  if (proxy.username === '' && proxy.password === '') return {};
  const cred = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return { 'proxy-authorization': `Basic ${Buffer.from(cred).toString('base64')}` };
}

/** Opens a CONNECT tunnel through `proxy` to the host of `url` and resolves with the raw socket. */
function connectTunnel(url: URL, proxy: URL, options: HttpRequestOptions): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const target = `${url.hostname.includes(':') ? `[${url.hostname}]` : url.hostname}:${url.port || '443'}`;
    const connectHeaders: Record<string, string> = { host: target, ...proxyAuthorization(proxy) };
    for (const [k, v] of Object.entries(options.client.proxyConnectHeader)) connectHeaders[k.toLowerCase()] = v.join(', ');
    const req = (proxy.protocol === 'https:' ? httpsRequest : httpRequest)({
      host: proxy.hostname, port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80), method: 'CONNECT', path: target, headers: connectHeaders, signal: options.signal,
    });
    req.once('connect', (res, socket) => {
      if (res.statusCode === 200) return resolve(socket);
      socket.destroy();
      reject(new DiscoveryHttpError(`proxy ${proxy.host} refused CONNECT to ${target}: HTTP status ${res.statusCode ?? 0}`));
    });
    req.once('error', (err) => reject(new DiscoveryHttpError(`proxy ${proxy.host}: ${err.message}`, { cause: err })));
    req.end();
  });
}

async function once(url: URL, options: HttpRequestOptions, headers: Record<string, string>, tls: Record<string, unknown>): Promise<HttpResponse> {
  const proxy = proxyFor(url, options.client);
  let tunnel: Socket | undefined;
  if (proxy !== undefined && url.protocol === 'https:') tunnel = await connectTunnel(url, proxy, options);
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    const allHeaders: Record<string, string> = {
      'user-agent': 'Vigil', ...(body === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(body.length) }), ...headers,
    };
    const common = { method: options.method ?? 'GET', signal: options.signal };
    let req: ClientRequest;
    if (tunnel !== undefined) {
      const socket = tunnel;
      req = httpsRequest(url, { ...common, headers: allHeaders, ...tls, agent: false, createConnection: () => tlsConnect({ ...tls, socket, servername: (tls.servername as string | undefined) ?? url.hostname }) });
    } else if (proxy !== undefined) {
      // Plain HTTP through a proxy: the absolute URL as the request target.
      req = (proxy.protocol === 'https:' ? httpsRequest : httpRequest)({
        ...common, host: proxy.hostname, port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80), path: url.href,
        headers: { host: url.host, ...proxyAuthorization(proxy), ...allHeaders },
      });
    } else {
      req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { ...common, headers: allHeaders, ...(url.protocol === 'https:' ? tls : {}) });
    }
    let timer: NodeJS.Timeout | undefined;
    if (options.timeoutMs !== undefined && options.timeoutMs > 0) {
      timer = setTimeout(() => req.destroy(new DiscoveryHttpError(`request to ${url.origin}${url.pathname} timed out after ${options.timeoutMs} ms`)), options.timeoutMs);
    }
    req.once('response', (res) => {
      res.once('close', () => clearTimeout(timer));
      resolve({ status: res.statusCode ?? 0, headers: res.headers, stream: res });
    });
    req.once('error', (err) => {
      clearTimeout(timer);
      reject(err instanceof VigilError ? err : new DiscoveryHttpError(`${options.method ?? 'GET'} ${url.origin}${url.pathname}: ${err.message}`, { cause: err }));
    });
    req.end(body);
  });
}

/** Reads a whole response body, failing beyond `limit` bytes. */
export async function readBody(res: HttpResponse, limit = 64 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const c of res.stream) {
      size += (c as Buffer).length;
      if (size > limit) {
        res.stream.destroy();
        throw new DiscoveryHttpError(`response body larger than ${limit} bytes`);
      }
      chunks.push(c as Buffer);
    }
  } catch (err) {
    if (err instanceof DiscoveryHttpError) throw err;
    throw new DiscoveryHttpError(`reading response: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  return Buffer.concat(chunks);
}
