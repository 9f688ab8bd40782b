// The request and response a handler sees: plain objects, so handlers run in tests without sockets.

import type { IncomingHttpHeaders } from 'node:http';

export interface WebRequest {
  readonly method: string;
  /** Path without the query string, percent-decoding left to the router. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** Query string parameters. */
  readonly query: URLSearchParams;
  /** The raw body (empty for GET). */
  readonly body: Buffer;
  /** Named path parameters filled by the router (`/api/v1/label/:name/values`). */
  params: Record<string, string>;
  /** Ends when the client goes away or the server stops. */
  readonly signal: AbortSignal;
}

export interface WebResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

export type Handler = (req: WebRequest) => Promise<WebResponse> | WebResponse;

/** Builds a WebRequest from parts (tests and the node:http adapter). */
export function makeRequest(
  method: string,
  target: string,
  options: { headers?: IncomingHttpHeaders; body?: string | Buffer; signal?: AbortSignal } = {},
): WebRequest {
  const q = target.indexOf('?');
  const body = options.body ?? Buffer.alloc(0);
  return {
    method: method.toUpperCase(),
    path: q < 0 ? target : target.slice(0, q),
    query: new URLSearchParams(q < 0 ? '' : target.slice(q + 1)),
    headers: options.headers ?? {},
    body: typeof body === 'string' ? Buffer.from(body) : body,
    params: {},
    signal: options.signal ?? new AbortController().signal,
  };
}

/**
 * The form values as Go's Request.ParseForm merges them: urlencoded POST/PUT body values first, then the
 * query string's. `get` returns the first value.
 */
export function formValues(req: WebRequest): URLSearchParams {
  const out = new URLSearchParams();
  const type = String(req.headers['content-type'] ?? '');
  if ((req.method === 'POST' || req.method === 'PUT' || req.method === 'PATCH') && type.startsWith('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(req.body.toString('utf8'))) out.append(k, v);
  }
  for (const [k, v] of req.query) out.append(k, v);
  return out;
}

export function textResponse(status: number, body: string, contentType = 'text/plain; charset=utf-8'): WebResponse {
  return { status, headers: { 'Content-Type': contentType }, body };
}

export function jsonResponse(status: number, body: string): WebResponse {
  return { status, headers: { 'Content-Type': 'application/json' }, body };
}
