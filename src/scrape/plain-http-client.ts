// GET over plain HTTP/1.1 for scrapes, without node:http: kept-alive sockets per host, responses read into lent buffers.

import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { BodyBuffers, bodyBuffers } from './body-buffers.js';
import { ScrapeError } from './sample-labels.js';

/*
 * Why not node:http: its streams and per-request objects (ClientRequest, IncomingMessage, header maps, async
 * iterators, end-of-stream listeners) cost ~1 ms of CPU per scrape, most of it in code that runs too rarely to be
 * optimised. At 50 targets every 5 s that was about a third of the server's CPU. This client writes one request string,
 * copies each read from one shared buffer straight into the body buffer (de-chunking on the way) and parses only what
 * a scrape reads: status, Content-Type, Content-Encoding, Location, framing.
 */

/** The part of a response a scrape uses. */
export interface PlainHttpResponse {
  readonly status: number;
  readonly statusText: string;
  readonly contentType: string;
  readonly contentEncoding: string;
  readonly location: string | undefined;
  /** Status 200 only: the body, a view of `buffer`, which is lent from `bodyBuffers` (give it back when done). */
  readonly body: Buffer | undefined;
  readonly buffer: Buffer | undefined;
}

/** The response broke HTTP/1.1 framing (or headers were too large). */
export class HttpProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HttpProtocolError';
  }
}

/** A kept-alive connection the server had closed before it answered: the request is sent again on a new one. */
class StaleConnectionError extends Error {}

/**
 * Every socket of this client reads into this one buffer. Safe because a read and its callback run back to back on
 * the main thread: the callback copies the bytes out before any other read can happen.
 */
const READ_BUFFER = Buffer.allocUnsafeSlow(64 * 1024);
const MAX_HEAD_BYTES = 64 * 1024;
const MAX_LINE_BYTES = 4 * 1024;
/** Idle kept-alive connections are closed after this long (Prometheus's scrape client: 5 minutes). */
const IDLE_TIMEOUT_MS = 5 * 60_000;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const BAD_VALUE = /[\r\n\0]/;
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: (.*))?$/;
const HEAD_END = /\r?\n\r?\n$/;
const CHUNK_SIZE = /^[0-9a-fA-F]{1,15}$/;

const enum State { Idle, Head, Length, ChunkSize, ChunkData, ChunkEnd, Trailers, UntilClose }

interface Pending {
  readonly resolve: (r: PlainHttpResponse) => void;
  readonly reject: (err: unknown) => void;
  readonly signal: AbortSignal;
  readonly onAbort: () => void;
}

/** One socket and the parse state of the response it is reading. */
class Connection {
  readonly socket: Socket;
  closed = false;
  /** Served a request before: a close before any byte of the next response means the server dropped it idle. */
  private used = false;
  private pending: Pending | undefined;
  private state = State.Idle;
  private head = '';
  /** Bytes of the head line being read so far. */
  private headLine = 0;
  private line = '';
  private remaining = 0;
  private received = false;
  private reusable = true;
  private limit = 0;
  private body: Buffer | undefined;
  private size = 0;
  private status = 0;
  private statusText = '';
  private contentType = '';
  private contentEncoding = '';
  private location: string | undefined;

  constructor(readonly key: string, host: string, port: number, private readonly pool: PlainHttpClient) {
    this.socket = connect({
      host, port, noDelay: true, keepAlive: true, keepAliveInitialDelay: 30_000,
      onread: { buffer: READ_BUFFER, callback: (n, buf) => this.onRead(buf as Buffer, n) },
    });
    this.socket.on('error', (err) => this.fail(err));
    this.socket.on('close', () => this.onClose());
    this.socket.on('timeout', () => this.socket.destroy());
  }

  request(text: string, limit: number, signal: AbortSignal): Promise<PlainHttpResponse> {
    return new Promise((resolve, reject) => {
      const onAbort = (): void => this.fail(signal.reason ?? new Error('aborted'));
      this.pending = { resolve, reject, signal, onAbort };
      this.state = State.Head;
      this.head = '';
      this.headLine = 0;
      this.received = false;
      this.limit = limit;
      this.socket.setTimeout(0);
      this.socket.ref();
      signal.addEventListener('abort', onAbort, { once: true });
      this.socket.write(text, 'latin1');
    });
  }

  /** Idle again and reusable: waits in the pool, not keeping the process alive. */
  park(): void {
    this.used = true;
    this.socket.setTimeout(IDLE_TIMEOUT_MS);
    this.socket.unref();
  }

  private onRead(buf: Buffer, n: number): boolean {
    if (this.pending === undefined) {
      // Bytes nobody asked for: the connection's framing can no longer be trusted.
      this.socket.destroy();
      return false;
    }
    this.received = true;
    let i = 0;
    while (i < n && this.pending !== undefined) {
      switch (this.state) {
        case State.Head:
          i = this.readHead(buf, i, n);
          break;
        case State.Length:
        case State.ChunkData: {
          const take = Math.min(this.remaining, n - i);
          if (!this.store(buf, i, take)) return false;
          i += take;
          this.remaining -= take;
          if (this.remaining === 0) {
            if (this.state === State.Length) this.finish(i < n);
            else this.state = State.ChunkEnd;
          }
          break;
        }
        case State.UntilClose:
          if (!this.store(buf, i, n - i)) return false;
          i = n;
          break;
        default:
          i = this.readLine(buf, i, n);
      }
    }
    return true;
  }

  /** Reads head lines up to the empty one; only the head's bytes become a string (the body's never do). */
  private readHead(buf: Buffer, i: number, n: number): number {
    let pos = i;
    for (;;) {
      const lf = buf.indexOf(10, pos);
      if (lf === -1 || lf >= n) {
        this.headLine += n - pos;
        this.head += buf.toString('latin1', i, n);
        if (this.head.length > MAX_HEAD_BYTES) this.fail(new HttpProtocolError('response headers too large'));
        return n;
      }
      const len = this.headLine + lf - pos;
      const cr = lf > pos ? buf[lf - 1] === 13 : this.head.endsWith('\r');
      this.headLine = 0;
      pos = lf + 1;
      if (len === 0 || (len === 1 && cr)) {
        const text = this.head + buf.toString('latin1', i, lf + 1);
        this.head = '';
        if (text.length > MAX_HEAD_BYTES) this.fail(new HttpProtocolError('response headers too large'));
        else this.onHead(text.replace(HEAD_END, ''));
        return pos;
      }
    }
  }

  private onHead(text: string): void {
    const lines = text.split(/\r?\n/);
    const sl = STATUS_LINE.exec(lines[0] as string);
    if (sl === null) return this.fail(new HttpProtocolError(`malformed HTTP response ${JSON.stringify((lines[0] as string).slice(0, 80))}`));
    const status = Number(sl[2]);
    if (status >= 100 && status < 200 && status !== 101) return; // informational: the real head follows
    let contentLength: string | undefined;
    let transferEncoding = '';
    let connection = '';
    this.contentType = '';
    this.contentEncoding = '';
    this.location = undefined;
    for (let k = 1; k < lines.length; k++) {
      const l = lines[k] as string;
      const colon = l.indexOf(':');
      if (colon <= 0) return this.fail(new HttpProtocolError(`malformed HTTP header ${JSON.stringify(l.slice(0, 80))}`));
      const name = l.slice(0, colon).trim().toLowerCase();
      const value = l.slice(colon + 1).trim();
      if (name === 'content-length') {
        if (contentLength !== undefined && contentLength !== value) return this.fail(new HttpProtocolError('conflicting Content-Length headers'));
        contentLength = value;
      } else if (name === 'transfer-encoding') transferEncoding = transferEncoding === '' ? value : `${transferEncoding}, ${value}`;
      else if (name === 'connection') connection = connection === '' ? value : `${connection}, ${value}`;
      else if (name === 'content-type') this.contentType = value;
      else if (name === 'content-encoding') this.contentEncoding = value;
      else if (name === 'location') this.location = value;
    }
    this.status = status;
    this.statusText = sl[3] ?? '';
    const tokens = connection.toLowerCase();
    this.reusable = sl[1] === '1' ? !/(^|[\s,])close($|[\s,])/.test(tokens) : /(^|[\s,])keep-alive($|[\s,])/.test(tokens);
    if (status !== 200) {
      // The caller reads no body of other statuses; the connection is not reused.
      this.reusable = false;
      return this.finish(false);
    }
    this.body = bodyBuffers.take();
    this.size = 0;
    if (transferEncoding !== '') {
      const codings = transferEncoding.toLowerCase().split(',').map((s) => s.trim());
      if (codings[codings.length - 1] === 'chunked') {
        this.state = State.ChunkSize;
        this.line = '';
      } else {
        this.state = State.UntilClose;
        this.reusable = false;
      }
      if (contentLength !== undefined) this.reusable = false;
    } else if (contentLength !== undefined) {
      if (!/^\d{1,15}$/.test(contentLength)) return this.fail(new HttpProtocolError(`invalid Content-Length ${JSON.stringify(contentLength)}`));
      const length = Number(contentLength);
      if (this.limit > 0 && length > this.limit) return this.fail(sizeLimitError(this.limit));
      if (length === 0) return this.finish(false);
      this.state = State.Length;
      this.remaining = length;
    } else {
      this.state = State.UntilClose;
      this.reusable = false;
    }
  }

  private readLine(buf: Buffer, i: number, n: number): number {
    const lf = buf.indexOf(10, i);
    if (lf === -1 || lf >= n) {
      this.line += buf.toString('latin1', i, n);
      if (this.line.length > MAX_LINE_BYTES) this.fail(new HttpProtocolError('chunk header too long'));
      return n;
    }
    let line = this.line + buf.toString('latin1', i, lf);
    this.line = '';
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (this.state === State.ChunkSize) {
      const semi = line.indexOf(';');
      const hex = (semi === -1 ? line : line.slice(0, semi)).trim();
      if (!CHUNK_SIZE.test(hex)) {
        this.fail(new HttpProtocolError(`invalid chunk size ${JSON.stringify(line.slice(0, 40))}`));
        return n;
      }
      this.remaining = parseInt(hex, 16);
      this.state = this.remaining === 0 ? State.Trailers : State.ChunkData;
    } else if (this.state === State.ChunkEnd) {
      if (line !== '') {
        this.fail(new HttpProtocolError('missing CRLF after chunk data'));
        return n;
      }
      this.state = State.ChunkSize;
    } else if (line === '') {
      this.finish(lf + 1 < n);
    }
    return lf + 1;
  }

  private store(buf: Buffer, i: number, take: number): boolean {
    if (this.limit > 0 && this.size + take > this.limit) {
      this.fail(sizeLimitError(this.limit));
      return false;
    }
    this.body = BodyBuffers.grow(this.body as Buffer, this.size, this.size + take);
    buf.copy(this.body, this.size, i, i + take);
    this.size += take;
    return true;
  }

  private finish(extraBytes: boolean): void {
    const p = this.pending as Pending;
    this.settle();
    const body = this.body;
    this.body = undefined;
    if (extraBytes || !this.reusable || this.closed) this.socket.destroy();
    else this.pool.release(this);
    p.resolve({
      status: this.status, statusText: this.statusText, contentType: this.contentType, contentEncoding: this.contentEncoding,
      location: this.location, body: body?.subarray(0, this.size), buffer: body,
    });
  }

  private fail(err: unknown): void {
    const p = this.pending;
    this.socket.destroy();
    if (p === undefined) return;
    this.settle();
    if (this.body !== undefined) bodyBuffers.give(this.body);
    this.body = undefined;
    p.reject(this.used && !this.received && !p.signal.aborted ? new StaleConnectionError('stale connection', { cause: err }) : err);
  }

  private onClose(): void {
    this.closed = true;
    this.pool.forget(this);
    if (this.pending === undefined) return;
    if (this.state === State.UntilClose) this.finish(false);
    else this.fail(new Error(this.received ? 'unexpected EOF' : 'EOF'));
  }

  private settle(): void {
    const p = this.pending as Pending;
    p.signal.removeEventListener('abort', p.onAbort);
    this.pending = undefined;
    this.state = State.Idle;
  }
}

/** The error of a body over `body_size_limit`, worded as Prometheus words it. */
export function sizeLimitError(limit: number): ScrapeError {
  return new ScrapeError('body_size_limit', `body size limit exceeded (limit: ${limit} bytes)`);
}

/** The request head for a GET of `url` with `headers`; throws (as node:http does) on a header that would break it. */
export function requestHead(url: URL, headers: Readonly<Record<string, string>>): string {
  let text = `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\n`;
  for (const name of Object.keys(headers)) {
    const value = headers[name] as string;
    if (!TOKEN.test(name)) throw new TypeError(`Header name must be a valid HTTP token ["${name}"]`);
    if (BAD_VALUE.test(value)) throw new TypeError(`Invalid character in header content ["${name}"]`);
    text += `${name}: ${value}\r\n`;
  }
  return `${text}Connection: keep-alive\r\n\r\n`;
}

/**
 * Kept-alive connections by host and port. A request goes out on an idle connection to its host (or a new one); if the
 * server had closed that connection before answering, the request is sent once more on a new connection, as Go's
 * transport retries idempotent requests.
 */
export class PlainHttpClient {
  private readonly idle = new Map<string, Connection[]>();
  private readonly all = new Set<Connection>();

  /** GET `url` (http: only, no proxy); `limit` bounds the body bytes read (0 = none). */
  async get(url: URL, headers: Readonly<Record<string, string>>, limit: number, signal: AbortSignal): Promise<PlainHttpResponse> {
    const text = requestHead(url, headers);
    const key = url.host;
    for (let attempt = 0; ; attempt++) {
      signal.throwIfAborted();
      const c = (attempt === 0 ? this.acquire(key) : undefined) ?? this.open(url, key);
      try {
        return await c.request(text, limit, signal);
      } catch (err) {
        if (err instanceof StaleConnectionError && attempt === 0) continue;
        throw err instanceof StaleConnectionError ? err.cause : err;
      }
    }
  }

  /** Closes every connection (server shutdown); requests in flight fail. */
  close(): void {
    for (const c of this.all) c.socket.destroy();
    this.all.clear();
    this.idle.clear();
  }

  /** Connections open (idle or busy); for tests. */
  get size(): number {
    return this.all.size;
  }

  release(c: Connection): void {
    c.park();
    let list = this.idle.get(c.key);
    if (list === undefined) this.idle.set(c.key, (list = []));
    list.push(c);
  }

  forget(c: Connection): void {
    this.all.delete(c);
    const list = this.idle.get(c.key);
    if (list === undefined) return;
    const at = list.indexOf(c);
    if (at !== -1) list.splice(at, 1);
    if (list.length === 0) this.idle.delete(c.key);
  }

  private acquire(key: string): Connection | undefined {
    const list = this.idle.get(key);
    if (list === undefined) return undefined;
    const c = list.pop();
    if (list.length === 0) this.idle.delete(key);
    return c;
  }

  private open(url: URL, key: string): Connection {
    const port = url.port !== '' ? Number(url.port) : 80;
    const c = new Connection(key, url.hostname.replace(/^\[|\]$/g, ''), port, this);
    this.all.add(c);
    return c;
  }
}
