import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { bodyBuffers } from './body-buffers.js';
import { HttpProtocolError, PlainHttpClient, requestHead } from './plain-http-client.js';
import type { PlainHttpResponse } from './plain-http-client.js';

/** A TCP server answering each request (one per connection read) with the bytes `reply` picks, in the pieces given. */
let server: Server;
let base = '';
const connections: Socket[] = [];
let accepted = 0;
const requests: string[] = [];

const replies: Record<string, (s: Socket) => void> = {
  '/length': (s) => write(s, ['HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nhello', ' world']),
  '/chunked': (s) => write(s, ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhel', 'lo\r', '\n6\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n']),
  '/close': (s) => {
    s.end('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil close');
  },
  '/splithead': (s) => write(s, ['HTTP/1.1 200 OK\r', '\nContent-Type: a\r\nContent-Length: 2\r\n\r', '\nok']),
  '/bare-lf': (s) => write(s, ['HTTP/1.1 200 OK\nContent-Length: 2\n', '\nok']),
  '/continue': (s) => write(s, ['HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok']),
  '/redirect': (s) => write(s, ['HTTP/1.1 302 Found\r\nLocation: /length\r\nContent-Length: 0\r\n\r\n']),
  '/bad': (s) => write(s, ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n']),
  '/garbage': (s) => write(s, ['SSH-2.0-OpenSSH\r\n\r\n']),
  '/hang': () => undefined,
  '/big': (s) => write(s, [`HTTP/1.1 200 OK\r\nContent-Length: 200000\r\n\r\n${'z'.repeat(200_000)}`]),
  '/bigchunks': (s) => write(s, ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n', ...Array.from({ length: 20 }, () => `2710\r\n${'c'.repeat(10_000)}\r\n`), '0\r\n\r\n']),
};

function write(s: Socket, pieces: string[]): void {
  let i = 0;
  const next = (): void => {
    if (i < pieces.length) s.write(pieces[i++] as string, 'latin1', () => setImmediate(next));
  };
  next();
}

before(async () => {
  server = createServer((s) => {
    accepted++;
    connections.push(s);
    s.on('error', () => undefined);
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString('latin1');
      const end = buf.indexOf('\r\n\r\n');
      if (end === -1) return;
      const head = buf.slice(0, end);
      buf = buf.slice(end + 4);
      requests.push(head);
      const path = head.split(' ')[1] as string;
      (replies[path] ?? ((x: Socket) => write(x, ['HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n'])))(s);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const a = server.address();
  base = `http://127.0.0.1:${typeof a === 'object' && a !== null ? a.port : 0}`;
});
after(() => {
  for (const s of connections) s.destroy();
  server.close();
});

const noSignal = new AbortController().signal;
const text = (r: PlainHttpResponse): string | undefined => r.body?.toString('latin1');

test('reads Content-Length, chunked (extensions, split CRLFs, trailers) and until-close bodies, heads in pieces, skipping 1xx heads', async () => {
  const c = new PlainHttpClient();
  try {
    const l = await c.get(new URL(`${base}/length`), { Accept: 'text/plain' }, 0, noSignal);
    assert.equal(l.status, 200);
    assert.equal(text(l), 'hello world');
    assert.equal(l.contentType, 'text/plain');
    assert.equal(text(await c.get(new URL(`${base}/chunked`), {}, 0, noSignal)), 'hello world');
    assert.equal(text(await c.get(new URL(`${base}/close`), {}, 0, noSignal)), 'until close');
    assert.equal(text(await c.get(new URL(`${base}/continue`), {}, 0, noSignal)), 'ok');
    const split = await c.get(new URL(`${base}/splithead`), {}, 0, noSignal);
    assert.deepEqual([text(split), split.contentType], ['ok', 'a']);
    assert.equal(text(await c.get(new URL(`${base}/bare-lf`), {}, 0, noSignal)), 'ok');
    const big = await c.get(new URL(`${base}/bigchunks`), {}, 0, noSignal);
    assert.equal(big.body?.length, 200_000);
    assert.ok(big.body?.every((b) => b === 0x63));
    bodyBuffers.give(big.buffer as Buffer);
  } finally {
    c.close();
  }
});

test('keeps connections alive between requests and sends the request head as given', async () => {
  const c = new PlainHttpClient();
  try {
    const before = accepted;
    for (let i = 0; i < 3; i++) await c.get(new URL(`${base}/length?x=${i}`), { 'X-Prometheus-Scrape-Timeout-Seconds': '2' }, 0, noSignal);
    // `?x=` paths are unknown to the server's table: its 404 closes nothing, but the client does not reuse after a non-200.
    await c.get(new URL(`${base}/length`), {}, 0, noSignal);
    await c.get(new URL(`${base}/length`), {}, 0, noSignal);
    assert.equal(accepted - before, 4, 'three 404s each left their connection; the two 200s shared one');
    assert.match(requests.at(-3) as string, /^GET \/length\?x=2 HTTP\/1\.1\r\nHost: 127\.0\.0\.1:\d+\r\nX-Prometheus-Scrape-Timeout-Seconds: 2\r\nConnection: keep-alive$/);
    assert.equal(c.size, 1);
  } finally {
    c.close();
  }
  assert.throws(() => requestHead(new URL(base), { 'X-A': 'a\r\nX-B: b' }), /Invalid character in header content \["X-A"\]/);
  assert.throws(() => requestHead(new URL(base), { 'X A': 'a' }), /Header name must be a valid HTTP token/);
});

test('statuses other than 200 come back without a body; redirects carry Location', async () => {
  const c = new PlainHttpClient();
  try {
    const r = await c.get(new URL(`${base}/redirect`), {}, 0, noSignal);
    assert.deepEqual([r.status, r.statusText, r.location, r.body], [302, 'Found', '/length', undefined]);
    const nf = await c.get(new URL(`${base}/nope`), {}, 0, noSignal);
    assert.deepEqual([nf.status, nf.statusText], [404, 'Not Found']);
  } finally {
    c.close();
  }
});

test('a kept-alive connection the server closed while idle is replaced, and the request is sent again', async () => {
  const c = new PlainHttpClient();
  try {
    await c.get(new URL(`${base}/length`), {}, 0, noSignal);
    const n = accepted;
    // Close the server side without the client having seen it yet: the next request meets a dead connection.
    (connections.at(-1) as Socket).destroy();
    assert.equal(text(await c.get(new URL(`${base}/length`), {}, 0, noSignal)), 'hello world');
    assert.equal(accepted, n + 1);
  } finally {
    c.close();
  }
});

test('broken framing, size limits, aborts and refused connections fail the request', async () => {
  const c = new PlainHttpClient();
  try {
    await assert.rejects(c.get(new URL(`${base}/bad`), {}, 0, noSignal), (err) => err instanceof HttpProtocolError && /invalid chunk size "zz"/.test(err.message));
    await assert.rejects(c.get(new URL(`${base}/garbage`), {}, 0, noSignal), /malformed HTTP response "SSH-2.0-OpenSSH"/);
    await assert.rejects(c.get(new URL(`${base}/big`), {}, 1000, noSignal), /body size limit exceeded \(limit: 1000 bytes\)/);
    await assert.rejects(c.get(new URL(`${base}/bigchunks`), {}, 50_000, noSignal), /body size limit exceeded \(limit: 50000 bytes\)/);
    const ac = new AbortController();
    const hung = c.get(new URL(`${base}/hang`), {}, 0, ac.signal);
    setTimeout(() => ac.abort(new Error('stop')), 20);
    await assert.rejects(hung, /^Error: stop$/);
    await assert.rejects(c.get(new URL('http://127.0.0.1:1/metrics'), {}, 0, noSignal), /ECONNREFUSED/);
    assert.equal(text(await c.get(new URL(`${base}/length`), {}, 0, noSignal)), 'hello world', 'failures leave the client usable');
  } finally {
    c.close();
  }
});

test('speaks to node:http servers (keep-alive, chunked writes) as node:http does', async () => {
  const http = createHttpServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
    for (let i = 0; i < 5; i++) res.write(`m{i="${i}"} ${req.headers['x-n'] ?? ''}\n`);
    res.end();
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  const a = http.address();
  const url = new URL(`http://127.0.0.1:${typeof a === 'object' && a !== null ? a.port : 0}/metrics`);
  const c = new PlainHttpClient();
  try {
    for (let n = 0; n < 3; n++) {
      const r = await c.get(url, { 'X-N': String(n) }, 0, noSignal);
      assert.equal(text(r), Array.from({ length: 5 }, (_, i) => `m{i="${i}"} ${n}\n`).join(''));
      assert.equal(r.contentType, 'text/plain; version=0.0.4');
    }
    assert.equal(c.size, 1);
  } finally {
    c.close();
    http.closeAllConnections();
    http.close();
  }
});
