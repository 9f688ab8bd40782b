// Fetching one target's exposition over HTTP: Prometheus's Accept header, gzip, timeout, body size limit, auth, proxies.

import { STATUS_CODES } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { createGunzip } from 'node:zlib';
import { DEFAULT_HTTP_CLIENT } from '../config/http-client-decoding.js';
import type { HttpClientConfig } from '../config/prometheus-config.js';
import { authHeaders } from '../discovery/http-auth-headers.js';
import { closeHttpConnections, sendHttp } from '../discovery/http-transport.js';
import { oauth2TokenSource } from '../discovery/oauth2-token-source.js';
import type { Clock } from '../model/clock.js';
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

/**
 * Buffers that scrape bodies are read into, reused: a new buffer per body was, at 100k series, most of the memory
 * the process allocated outside the JS heap, and V8 counts that towards starting its next full GC. Only as many
 * buffers exist as scrapes were reading at once (a few, however many targets), each as large as the largest body.
 */
class BodyBuffers {
  private static readonly KEEP = 8;
  private readonly free: Buffer[] = [];

  take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafeSlow(64 * 1024);
  }

  give(buf: Buffer): void {
    if (this.free.length < BodyBuffers.KEEP) this.free.push(buf);
  }
}

const bodyBuffers = new BodyBuffers();

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
 * Fetches the body once with node:http(s) (not fetch, which refuses some ports). Redirects are followed up to 10
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
        throw new ScrapeError('http_status', `server returned HTTP status ${status} ${res.statusMessage ?? STATUS_CODES[status] ?? ''}`.trimEnd());
      }
      const gzipped = (res.headers['content-encoding'] ?? '').toLowerCase() === 'gzip';
      const stream: AsyncIterable<Buffer> = gzipped ? res.pipe(createGunzip()) : res;
      let buf = bodyBuffers.take();
      let size = 0;
      try {
        for await (const chunk of stream) {
          if (opts.bodySizeLimit > 0 && size + chunk.length > opts.bodySizeLimit) {
            res.destroy();
            throw new ScrapeError('body_size_limit', `body size limit exceeded (limit: ${opts.bodySizeLimit} bytes)`);
          }
          if (size + chunk.length > buf.length) {
            const grown = Buffer.allocUnsafeSlow(Math.max(buf.length * 2, size + chunk.length));
            buf.copy(grown, 0, 0, size);
            buf = grown;
          }
          chunk.copy(buf, size);
          size += chunk.length;
        }
      } catch (err) {
        bodyBuffers.give(buf);
        throw err;
      }
      const lent = buf;
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        bodyBuffers.give(lent);
      };
      return { body: buf.subarray(0, size), contentType: String(res.headers['content-type'] ?? ''), release };
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

/**
 * One request with the client's TLS and proxy settings over kept-alive connections (as Go's transport), the oauth2
 * token (fetched and cached by its token source) as Authorization.
 */
async function request(url: string, headers: Record<string, string>, signal: AbortSignal, c: HttpClientConfig | undefined, clock: Clock | undefined): Promise<IncomingMessage> {
  let h = headers;
  if (c?.oauth2 !== undefined) {
    const t = await oauth2TokenSource(c.oauth2, clock).token(signal);
    h = { ...headers, Authorization: `${t.type} ${t.value}` };
  }
  return sendHttp(new URL(url), { headers: h, signal, settings: c ?? DEFAULT_HTTP_CLIENT });
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: string }).code;
  return code !== undefined && !err.message.includes(code) ? `${err.message} (${code})` : err.message;
}


/** Closes kept-alive scrape connections (server shutdown). */
export function closeScrapeConnections(): void {
  closeHttpConnections();
}
