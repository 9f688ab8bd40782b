// Fetching one target's exposition over HTTP: Prometheus's Accept header, gzip, timeout, body size limit, auth, proxies.

import { STATUS_CODES } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import { createGunzip, gunzip } from 'node:zlib';
import { DEFAULT_HTTP_CLIENT } from '../config/http-client-decoding.js';
import type { HttpClientConfig } from '../config/prometheus-config.js';
import { authHeaders } from '../discovery/http-auth-headers.js';
import { proxyFor } from '../discovery/http-proxy.js';
import { closeHttpConnections, sendHttp } from '../discovery/http-transport.js';
import { oauth2TokenSource } from '../discovery/oauth2-token-source.js';
import type { Clock } from '../model/clock.js';
import { BodyBuffers, bodyBuffers } from './body-buffers.js';
import { PlainHttpClient, sizeLimitError } from './plain-http-client.js';
import type { PlainHttpResponse } from './plain-http-client.js';
import { ScrapeError } from './sample-labels.js';

/** The Accept header Prometheus 3 sends by default (OpenMetrics first, then the text formats). */
export const SCRAPE_ACCEPT_HEADER =
  'application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,' +
  'text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2';

export const USER_AGENT = 'Vigil/0.1.0';

const PROTOCOL_MEDIA: Readonly<Record<string, string>> = {
  PrometheusProto: 'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited',
  'PrometheusText0.0.4': 'text/plain;version=0.0.4',
  'PrometheusText1.0.0': 'text/plain;version=1.0.0',
  'OpenMetricsText0.0.1': 'application/openmetrics-text;version=0.0.1',
  'OpenMetricsText1.0.0': 'application/openmetrics-text;version=1.0.0',
};

/**
 * The Accept header for `scrape_protocols`, built as Prometheus builds it: weights from q=0.6 down in the configured
 * order, `escaping=<scheme>` on the 1.0.0 text formats, then `*\/*`. The protobuf format is skipped (Vigil reads
 * text only) but keeps its weight slot.
 */
export function acceptHeaderFor(protocols: readonly string[], escaping = 'allow-utf-8'): string {
  const parts: string[] = [];
  let weight = Object.keys(PROTOCOL_MEDIA).length + 1;
  for (const p of protocols) {
    const media = PROTOCOL_MEDIA[p];
    if (media !== undefined && p !== 'PrometheusProto') {
      const esc = p === 'PrometheusText1.0.0' || p === 'OpenMetricsText1.0.0' ? `;escaping=${escaping}` : '';
      parts.push(`${media}${esc};q=0.${weight}`);
    }
    weight--;
  }
  parts.push(`*/*;q=0.${weight}`);
  return parts.join(',');
}

export interface ScrapeBody {
  readonly body: Buffer;
  readonly contentType: string;
  /** When set, the body's memory is lent: call once the body (and every view of it) is no longer used. */
  readonly release?: () => void;
}


export interface HttpScrapeOptions {
  readonly url: string;
  readonly timeout: number;
  /** Bytes; 0 = no limit. Applies to the uncompressed body. */
  readonly bodySizeLimit: number;
  readonly enableCompression: boolean;
  readonly httpClient?: HttpClientConfig;
  /** Default SCRAPE_ACCEPT_HEADER. */
  readonly accept?: string;
  /** Ages cached oauth2 tokens; default the system clock. */
  readonly clock?: Clock;
}

/** Go's http.Client gives up after this many redirects. */
const MAX_REDIRECTS = 10;

/**
 * Fetches the body once: plain HTTP with PlainHttpClient, https and proxies with node:http(s) (not fetch, which
 * refuses some ports). Redirects are followed up to 10
 * times unless follow_redirects is false. Errors are ScrapeErrors whose messages say what went wrong (shown on
 * /api/v1/targets).
 */
export async function httpScrape(opts: HttpScrapeOptions, signal: AbortSignal): Promise<ScrapeBody> {
  const headers: Record<string, string> = {
    Accept: opts.accept ?? SCRAPE_ACCEPT_HEADER,
    'Accept-Encoding': opts.enableCompression ? 'gzip' : 'identity',
    'User-Agent': USER_AGENT,
    'X-Prometheus-Scrape-Timeout-Seconds': String(opts.timeout / 1000),
    ...(opts.httpClient === undefined ? {} : authHeaders(opts.httpClient, (message, cause) => new ScrapeError('secret_file', message, { cause }))),
  };
  // One controller and one timer per scrape: AbortSignal.timeout + AbortSignal.any cost more on Node 20 (the
  // combined signal and its listeners live until a GC), which adds up at one scrape per target per interval.
  const both = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    both.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
  }, opts.timeout);
  const onAbort = (): void => both.abort(signal.reason);
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  const follow = opts.httpClient?.followRedirects !== false;
  let url = opts.url;
  const where = `Get ${JSON.stringify(opts.url)}`;
  try {
    for (let redirects = 0; ; redirects++) {
      const target = new URL(url);
      if (plainHttp(target, opts.httpClient)) {
        const res = await plainHttp.client.get(target, await withToken(headers, both.signal, opts.httpClient, opts.clock), opts.bodySizeLimit, both.signal);
        if (follow && res.status >= 300 && res.status < 400 && res.location !== undefined) {
          if (redirects >= MAX_REDIRECTS) throw new ScrapeError('scrape_failed', `${where}: stopped after ${MAX_REDIRECTS} redirects`);
          url = new URL(res.location, url).toString();
          continue;
        }
        if (res.status !== 200) throw statusError(res.status, res.statusText);
        return await plainBody(res, opts.bodySizeLimit);
      }
      const res = await request(url, headers, both.signal, opts.httpClient, opts.clock);
      const status = res.statusCode ?? 0;
      if (follow && status >= 300 && status < 400 && res.headers.location !== undefined) {
        res.resume();
        if (redirects >= MAX_REDIRECTS) throw new ScrapeError('scrape_failed', `${where}: stopped after ${MAX_REDIRECTS} redirects`);
        url = new URL(res.headers.location, url).toString();
        continue;
      }
      if (status !== 200) {
        res.resume();
        throw statusError(status, res.statusMessage);
      }
      const gzipped = (res.headers['content-encoding'] ?? '').toLowerCase() === 'gzip';
      const stream: AsyncIterable<Buffer> = gzipped ? res.pipe(createGunzip()) : res;
      let buf = bodyBuffers.take();
      let size = 0;
      try {
        for await (const chunk of stream) {
          if (opts.bodySizeLimit > 0 && size + chunk.length > opts.bodySizeLimit) {
            res.destroy();
            throw sizeLimitError(opts.bodySizeLimit);
          }
          buf = BodyBuffers.grow(buf, size, size + chunk.length);
          chunk.copy(buf, size);
          size += chunk.length;
        }
      } catch (err) {
        bodyBuffers.give(buf);
        throw err;
      }
      return lentBody(buf, size, String(res.headers['content-type'] ?? ''));
    }
  } catch (err) {
    if (err instanceof ScrapeError) throw err;
    const why = timedOut ? 'context deadline exceeded' : signal.aborted ? 'context canceled' : describe(err);
    throw new ScrapeError('scrape_failed', `${where}: ${why}`, { cause: err });
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}

/** The headers with the oauth2 token (fetched and cached by its token source) as Authorization, when configured. */
async function withToken(headers: Record<string, string>, signal: AbortSignal, c: HttpClientConfig | undefined, clock: Clock | undefined): Promise<Record<string, string>> {
  if (c?.oauth2 === undefined) return headers;
  const t = await oauth2TokenSource(c.oauth2, clock).token(signal);
  return { ...headers, Authorization: `${t.type} ${t.value}` };
}

/** One request with the client's TLS and proxy settings over kept-alive connections (as Go's transport). */
async function request(url: string, headers: Record<string, string>, signal: AbortSignal, c: HttpClientConfig | undefined, clock: Clock | undefined): Promise<IncomingMessage> {
  const h = await withToken(headers, signal, c, clock);
  return sendHttp(new URL(url), { headers: h, signal, settings: c ?? DEFAULT_HTTP_CLIENT });
}

/**
 * Whether `url` goes through the plain HTTP client: http: without user info (node:http sends that as basic auth) and
 * not through a proxy. https and proxies take node:http(s) with the transport's agents.
 */
function plainHttp(url: URL, c: HttpClientConfig | undefined): boolean {
  return url.protocol === 'http:' && url.username === '' && url.password === '' && proxyFor(url, c ?? DEFAULT_HTTP_CLIENT) === undefined;
}
plainHttp.client = new PlainHttpClient();

const gunzipAsync = promisify(gunzip);

/** The scrape body of a 200 response of the plain client: its lent buffer, or the gzip body inflated (within the limit). */
async function plainBody(res: PlainHttpResponse, limit: number): Promise<ScrapeBody> {
  const raw = res.buffer as Buffer;
  const body = res.body as Buffer;
  if (res.contentEncoding.toLowerCase() !== 'gzip') return lentBody(raw, body.length, res.contentType);
  try {
    const inflated = await gunzipAsync(body, limit > 0 ? { maxOutputLength: limit } : {});
    return { body: inflated, contentType: res.contentType };
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw sizeLimitError(limit);
    throw err;
  } finally {
    bodyBuffers.give(raw);
  }
}

/** `buf[0, size)` as a scrape body whose buffer goes back to `bodyBuffers` on release (once, however often called). */
function lentBody(buf: Buffer, size: number, contentType: string): ScrapeBody {
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    bodyBuffers.give(buf);
  };
  return { body: buf.subarray(0, size), contentType, release };
}

function statusError(status: number, message: string | undefined): ScrapeError {
  return new ScrapeError('http_status', `server returned HTTP status ${status} ${message || STATUS_CODES[status] || ''}`.trimEnd());
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: string }).code;
  return code !== undefined && !err.message.includes(code) ? `${err.message} (${code})` : err.message;
}


/** Closes kept-alive scrape connections (server shutdown). */
export function closeScrapeConnections(): void {
  closeHttpConnections();
  plainHttp.client.close();
}
