// HTTP requests of discovery mechanisms (http_sd, Consul, etcd) with Prometheus's client settings: auth, TLS, redirects.

import type { IncomingMessage } from 'node:http';
import type { HttpClientConfig } from '../config/prometheus-config.js';
import type { Clock } from '../model/clock.js';
import { VigilError } from '../model/errors.js';
import { authHeaders } from './http-auth-headers.js';
import { sendHttp } from './http-transport.js';
import { oauth2TokenSource } from './oauth2-token-source.js';

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
  /** The clock that ages cached oauth2 tokens (default: the system clock). */
  clock?: Clock;
}

export interface HttpResponse {
  status: number;
  headers: IncomingMessage['headers'];
  /** The response stream; read it with `readBody` or consume it as a stream. */
  stream: IncomingMessage;
}

const MAX_REDIRECTS = 10;

/**
 * Sends one request (following redirects when the config allows) and resolves with the response head.
 * Supports basic_auth, authorization / bearer tokens, oauth2 (client credentials), http_headers, tls_config
 * and proxies (proxy_url / no_proxy / proxy_from_environment / proxy_connect_header; CONNECT for https).
 */
export async function sendRequest(url: string, options: HttpRequestOptions): Promise<HttpResponse> {
  const headers = { ...authHeaders(options.client, (message, cause) => new DiscoveryHttpError(message, { cause })), ...options.headers };
  let current = new URL(url);
  for (let hops = 0; ; hops++) {
    const res = await once(current, options, headers);
    const loc = res.headers.location;
    if (options.client.followRedirects && res.status >= 300 && res.status < 400 && loc !== undefined && hops < MAX_REDIRECTS) {
      res.stream.resume();
      current = new URL(loc, current);
      continue;
    }
    return res;
  }
}

async function once(url: URL, options: HttpRequestOptions, headers: Record<string, string>): Promise<HttpResponse> {
  const method = options.method ?? 'GET';
  const where = `${method} ${url.origin}${url.pathname}`;
  // One controller per request: the caller's signal and the timeout both abort it.
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(options.signal.reason);
  if (options.signal.aborted) onAbort();
  else options.signal.addEventListener('abort', onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  if (options.timeoutMs !== undefined && options.timeoutMs > 0) {
    const ms = options.timeoutMs;
    timer = setTimeout(() => controller.abort(new DiscoveryHttpError(`request to ${url.origin}${url.pathname} timed out after ${ms} ms`)), ms);
  }
  const release = (): void => {
    clearTimeout(timer);
    options.signal.removeEventListener('abort', onAbort);
  };
  try {
    const all: Record<string, string> = { 'user-agent': 'Vigil', ...headers };
    if (options.client.oauth2 !== undefined) {
      // As Go's oauth2 transport: a token per request (cached), ahead of the configured headers.
      const t = await oauth2TokenSource(options.client.oauth2, options.clock).token(controller.signal);
      all.authorization = `${t.type} ${t.value}`;
    }
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    if (body !== undefined) {
      all['content-type'] ??= 'application/json';
      all['content-length'] = String(body.length);
    }
    const res = await sendHttp(url, { method, headers: all, ...(body === undefined ? {} : { body }), signal: controller.signal, settings: options.client });
    res.once('close', release);
    return { status: res.statusCode ?? 0, headers: res.headers, stream: res };
  } catch (err) {
    release();
    if (controller.signal.aborted && controller.signal.reason instanceof DiscoveryHttpError) throw controller.signal.reason;
    if (err instanceof VigilError) throw err;
    throw new DiscoveryHttpError(`${where}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
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

/**
 * The JSON body of a 200 response. Otherwise throws `ErrorType` with `<what> returned HTTP status <status>: <start of
 * the body>`, or `<what> returned invalid JSON`.
 */
export async function readJsonBody(
  res: HttpResponse,
  what: string,
  ErrorType: new (message: string, options?: { cause?: unknown }) => Error,
): Promise<unknown> {
  const text = (await readBody(res)).toString('utf8');
  if (res.status !== 200) throw new ErrorType(`${what} returned HTTP status ${res.status}: ${text.slice(0, 200)}`);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ErrorType(`${what} returned invalid JSON`, { cause: err });
  }
}
