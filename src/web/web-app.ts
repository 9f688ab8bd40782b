// The HTTP application: routes requests, turns every thrown error into Prometheus's error answer, counts requests.

import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { ApiError } from './api-error.js';
import { goJson } from './json-format.js';
import type { Handler, WebRequest, WebResponse } from './http-exchange.js';
import { makeRequest, textResponse } from './http-exchange.js';
import { Router } from './router.js';
import { VigilError } from '../model/errors.js';
import { StorageError } from '../storage/storage-error.js';

/** Called once per answered request (for metrics and logs). `handler` is the route pattern, or '' when none matched. */
export type RequestObserver = (info: { handler: string; method: string; status: number; seconds: number }) => void;

export interface WebAppOptions {
  /** Logs unexpected errors (a bug, not bad input). */
  onInternalError?: (err: unknown, req: WebRequest) => void;
  observe?: RequestObserver;
  /** Largest request body accepted, in bytes (default 32 MiB). */
  maxBodyBytes?: number;
  /** Path every route lives under (the path of --web.external-url, e.g. `/prometheus`); '' for none. */
  routePrefix?: string;
}

/** Routes plus the central error handler. `handle` runs a request in process; `listen` serves it over node:http. */
export class WebApp {
  private readonly router = new Router();
  private readonly patterns = new Map<Handler, string>();

  constructor(private readonly options: WebAppOptions = {}) {}

  route(methods: string | readonly string[], pattern: string, handler: Handler): this {
    // Wrap so the same function under two patterns is counted under each.
    const h: Handler = (req) => handler(req);
    this.patterns.set(h, pattern);
    this.router.add(methods, pattern, h);
    return this;
  }

  /** Answers one request; never throws. */
  async handle(req: WebRequest): Promise<WebResponse> {
    const started = performance.now();
    const prefix = this.options.routePrefix ?? '';
    if (prefix !== '') {
      if (req.path !== prefix && !req.path.startsWith(`${prefix}/`)) return textResponse(404, '404 page not found\n');
      req = { ...req, path: req.path.slice(prefix.length) || '/' };
    }
    const m = this.router.match(req);
    let res: WebResponse;
    let pattern = '';
    if (m.kind === 'not_found') {
      res = textResponse(404, '404 page not found\n');
    } else if (m.kind === 'method_not_allowed') {
      res = textResponse(405, 'Method Not Allowed\n');
      res.headers.Allow = m.allowed.join(', ');
    } else {
      pattern = this.patterns.get(m.handler) ?? '';
      req.params = m.params;
      try {
        res = await m.handler(req);
      } catch (err) {
        res = this.errorResponse(err, req);
      }
    }
    if (req.method === 'HEAD') res = { ...res, body: '' };
    else res = maybeGzip(req, res);
    this.options.observe?.({ handler: pattern, method: req.method, status: res.status, seconds: (performance.now() - started) / 1000 });
    return res;
  }

  private errorResponse(err: unknown, req: WebRequest): WebResponse {
    let apiErr: ApiError;
    if (err instanceof ApiError) apiErr = err;
    else if (err instanceof StorageError) apiErr = new ApiError('internal', err.message);
    else if (err instanceof VigilError) apiErr = new ApiError('bad_data', err.message);
    else {
      this.options.onInternalError?.(err, req);
      apiErr = new ApiError('internal', err instanceof Error ? err.message : String(err));
    }
    if (!req.path.startsWith('/api/')) return textResponse(apiErr.status, `${apiErr.message}\n`);
    return {
      status: apiErr.status,
      headers: { 'Content-Type': 'application/json' },
      body: goJson({ status: 'error', errorType: apiErr.errorType, error: apiErr.message }),
    };
  }

  /** Serves the app on a node:http server; resolves once listening. Closing `signal` stops the server. */
  async listen(options: { host?: string; port: number; signal: AbortSignal }): Promise<Server> {
    const server = createServer((req, res) => void this.serveNode(req, res, options.signal));
    server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const stop = (): void => {
      server.close();
      server.closeAllConnections();
    };
    if (options.signal.aborted) stop();
    else options.signal.addEventListener('abort', stop, { once: true });
    return server;
  }

  private async serveNode(req: IncomingMessage, res: ServerResponse, serverSignal: AbortSignal): Promise<void> {
    const controller = new AbortController();
    const abort = (): void => controller.abort();
    res.once('close', () => {
      if (!res.writableFinished) abort();
    });
    serverSignal.addEventListener('abort', abort, { once: true });
    try {
      const max = this.options.maxBodyBytes ?? 32 * 1024 * 1024;
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const c of req as AsyncIterable<Buffer>) {
        size += c.length;
        if (size > max) {
          res.writeHead(413, { 'Content-Type': 'text/plain; charset=utf-8' }).end('request body too large\n');
          return;
        }
        chunks.push(c);
      }
      const wr = makeRequest(req.method ?? 'GET', req.url ?? '/', { headers: req.headers, body: Buffer.concat(chunks), signal: controller.signal });
      const out = await this.handle(wr);
      res.writeHead(out.status, out.headers);
      res.end(out.body);
    } catch (err) {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`${err instanceof Error ? err.message : String(err)}\n`);
    } finally {
      serverSignal.removeEventListener('abort', abort);
    }
  }
}

/** Compresses answers over 1 KiB when the client accepts gzip, as Prometheus's API does. */
function maybeGzip(req: WebRequest, res: WebResponse): WebResponse {
  const accept = String(req.headers['accept-encoding'] ?? '');
  if (!/\bgzip\b/.test(accept) || res.headers['Content-Encoding'] !== undefined || res.body.length < 1024) return res;
  return { ...res, headers: { ...res.headers, 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding' }, body: gzipSync(res.body) };
}
