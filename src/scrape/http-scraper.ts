// Fetching one target's exposition over HTTP: Prometheus's Accept header, gzip, timeout, body size limit, auth.

import { readFileSync } from 'node:fs';
import type { HttpClientConfig } from '../config/prometheus-config.js';
import { ScrapeError } from './sample-labels.js';

/** The Accept header Prometheus 3 sends by default (OpenMetrics first, then the text formats). */
export const SCRAPE_ACCEPT_HEADER =
  'application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,' +
  'text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2';

export const USER_AGENT = 'Vigil/0.1.0';

export interface ScrapeBody {
  readonly body: Buffer;
  readonly contentType: string;
}

export interface HttpScrapeOptions {
  readonly url: string;
  readonly timeout: number;
  /** Bytes; 0 = no limit. Applies to the uncompressed body. */
  readonly bodySizeLimit: number;
  readonly enableCompression: boolean;
  readonly httpClient?: HttpClientConfig;
}

/** Fetches the body once. Errors are ScrapeErrors whose messages say what went wrong (shown on /api/v1/targets). */
export async function httpScrape(opts: HttpScrapeOptions, signal: AbortSignal): Promise<ScrapeBody> {
  const headers: Record<string, string> = {
    Accept: SCRAPE_ACCEPT_HEADER,
    'Accept-Encoding': opts.enableCompression ? 'gzip' : 'identity',
    'User-Agent': USER_AGENT,
    'X-Prometheus-Scrape-Timeout-Seconds': String(opts.timeout / 1000),
  };
  addAuth(headers, opts.httpClient);
  const timeout = AbortSignal.timeout(opts.timeout);
  const both = AbortSignal.any([signal, timeout]);
  const where = `Get ${JSON.stringify(opts.url)}`;
  let res: Response;
  try {
    res = await fetch(opts.url, {
      headers,
      signal: both,
      redirect: opts.httpClient?.followRedirects === false ? 'manual' : 'follow',
    });
  } catch (err) {
    throw new ScrapeError('scrape_failed', `${where}: ${describeFetchError(err, timeout.aborted)}`, { cause: err });
  }
  try {
    if (res.status !== 200) {
      await res.body?.cancel().catch(() => undefined);
      throw new ScrapeError('http_status', `server returned HTTP status ${res.status} ${res.statusText}`.trimEnd());
    }
    const chunks: Buffer[] = [];
    let size = 0;
    if (res.body !== null) {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        size += chunk.length;
        if (opts.bodySizeLimit > 0 && size > opts.bodySizeLimit) {
          throw new ScrapeError('body_size_limit', `body size limit exceeded (limit: ${opts.bodySizeLimit} bytes)`);
        }
        chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
      }
    }
    return { body: Buffer.concat(chunks, size), contentType: res.headers.get('content-type') ?? '' };
  } catch (err) {
    if (err instanceof ScrapeError) throw err;
    throw new ScrapeError('scrape_failed', `${where}: ${describeFetchError(err, timeout.aborted)}`, { cause: err });
  }
}

function describeFetchError(err: unknown, timedOut: boolean): string {
  if (timedOut) return 'context deadline exceeded';
  if (!(err instanceof Error)) return String(err);
  if (err.name === 'AbortError') return 'context canceled';
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof Error) {
    if (/redirect count exceeded/i.test(cause.message)) return 'stopped after 20 redirects';
    const code = (cause as { code?: string }).code;
    return code !== undefined && !cause.message.includes(code) ? `${cause.message} (${code})` : cause.message;
  }
  return err.message;
}

function addAuth(headers: Record<string, string>, c: HttpClientConfig | undefined): void {
  if (c === undefined) return;
  if (c.basicAuth !== undefined) {
    const password = c.basicAuth.passwordFile !== '' ? readSecret(c.basicAuth.passwordFile) : c.basicAuth.password;
    const user = c.basicAuth.usernameFile !== '' ? readSecret(c.basicAuth.usernameFile) : c.basicAuth.username;
    headers.Authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  } else if (c.authorization !== undefined) {
    const cred = c.authorization.credentialsFile !== '' ? readSecret(c.authorization.credentialsFile) : c.authorization.credentials;
    headers.Authorization = `${c.authorization.type || 'Bearer'} ${cred}`;
  }
  for (const [name, h] of Object.entries(c.httpHeaders)) {
    const vals = [...h.values, ...h.secrets];
    if (vals.length > 0) headers[name] = vals.join(', ');
  }
}

function readSecret(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (err) {
    throw new ScrapeError('secret_file', `unable to read ${path}: ${(err as Error).message}`);
  }
}
