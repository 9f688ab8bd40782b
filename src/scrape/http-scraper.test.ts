import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { after, before, test } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DEFAULT_HTTP_CLIENT } from '../config/http-client-decoding.js';
import { httpScrape, SCRAPE_ACCEPT_HEADER } from './http-scraper.js';
import { expositionParser } from './exposition-scrape-parser.js';

let server: Server;
let base = '';
let lastHeaders: Record<string, string | string[] | undefined> = {};

before(async () => {
  server = createServer((req, res) => {
    lastHeaders = req.headers;
    switch (req.url) {
      case '/gzip':
        res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4', 'Content-Encoding': 'gzip' }).end(gzipSync('a 1\n'));
        return;
      case '/loop':
        res.writeHead(302, { Location: '/loop' }).end();
        return;
      case '/hang':
        return;
      case '/big':
        res.writeHead(200, { 'Content-Type': 'text/plain' }).end('x'.repeat(5000));
        return;
      case '/huge':
        // Written in pieces, so the body arrives in several reads and outgrows a reused buffer.
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        for (let i = 0; i < 40; i++) res.write(`${String(i).padStart(2, '0')}${'y'.repeat(9998)}`);
        res.end();
        return;
      default:
        res.writeHead(404).end('nope');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const a = server.address();
  base = `http://127.0.0.1:${typeof a === 'object' && a !== null ? a.port : 0}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

const opts = (path: string, extra: { bodySizeLimit?: number; timeout?: number } = {}) => ({
  url: `${base}${path}`,
  timeout: extra.timeout ?? 2000,
  bodySizeLimit: extra.bodySizeLimit ?? 0,
  enableCompression: true,
});

test('sends Prometheus\'s scrape headers and decompresses gzip', async () => {
  const r = await httpScrape(opts('/gzip'), new AbortController().signal);
  assert.equal(r.body.toString(), 'a 1\n');
  assert.equal(r.contentType, 'text/plain; version=0.0.4');
  assert.equal(lastHeaders.accept, SCRAPE_ACCEPT_HEADER);
  assert.equal(lastHeaders['accept-encoding'], 'gzip');
  assert.equal(lastHeaders['x-prometheus-scrape-timeout-seconds'], '2');
});

test('basic_auth and http_headers (values, secrets, files) are sent; an unreadable file fails the scrape saying which', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-scrape-auth-'));
  try {
    writeFileSync(join(dir, 'password'), 'pa:ss\n');
    writeFileSync(join(dir, 'team'), 'from-file\n');
    const httpClient = {
      ...DEFAULT_HTTP_CLIENT,
      basicAuth: { username: 'u', usernameFile: '', password: '', passwordFile: join(dir, 'password') },
      httpHeaders: { 'X-Team': { values: ['a'], secrets: ['s'], files: [join(dir, 'team')] } },
    };
    await httpScrape({ ...opts('/gzip'), httpClient }, new AbortController().signal);
    assert.equal(lastHeaders.authorization, `Basic ${Buffer.from('u:pa:ss').toString('base64')}`);
    assert.equal(lastHeaders['x-team'], 'a, s, from-file');
    const missing = { ...httpClient, httpHeaders: { 'X-Team': { values: [], secrets: [], files: [join(dir, 'gone')] } } };
    await assert.rejects(httpScrape({ ...opts('/gzip'), httpClient: missing }, new AbortController().signal), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'secret_file');
      assert.match(err.message, new RegExp(`^unable to read ${join(dir, 'gone')}: ENOENT`));
      return true;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('failures carry clear messages', async () => {
  const s = new AbortController().signal;
  await assert.rejects(httpScrape(opts('/missing'), s), /^ScrapeError: server returned HTTP status 404 Not Found$/);
  await assert.rejects(httpScrape(opts('/loop'), s), /redirect/);
  await assert.rejects(httpScrape(opts('/hang', { timeout: 200 }), s), /context deadline exceeded/);
  await assert.rejects(httpScrape(opts('/big', { bodySizeLimit: 1000 }), s), /body size limit exceeded/);
  await assert.rejects(httpScrape({ ...opts('/'), url: 'http://127.0.0.1:1/metrics' }, s), /ECONNREFUSED/);
});

test('the parser follows Content-Type; unknown types fail unless a fallback is configured', () => {
  const om = expositionParser(Buffer.from('# TYPE a counter\na_total 1\n# EOF\n'), 'application/openmetrics-text; version=1.0.0', '');
  assert.equal(om.next(), 'type');
  assert.equal(om.next(), 'series');
  assert.equal(Buffer.from(om.bytes().subarray(om.seriesStart(), om.seriesEnd())).toString(), 'a_total');
  assert.throws(() => expositionParser(Buffer.from('a 1\n'), 'text/html', ''), /unsupported Content-Type "text\/html"/);
  const fb = expositionParser(Buffer.from('a 1\n'), '', 'text/plain; version=0.0.4');
  assert.equal(fb.next(), 'series');
  assert.equal(fb.value(), 1);
});

test('scrape_protocols shape the Accept header as Prometheus builds it', async () => {
  const { acceptHeaderFor } = await import('./http-scraper.js');
  assert.equal(acceptHeaderFor(['OpenMetricsText1.0.0', 'OpenMetricsText0.0.1', 'PrometheusText1.0.0', 'PrometheusText0.0.4']), SCRAPE_ACCEPT_HEADER);
  assert.equal(acceptHeaderFor(['PrometheusText0.0.4']), 'text/plain;version=0.0.4;q=0.6,*/*;q=0.5');
  assert.equal(acceptHeaderFor(['PrometheusProto', 'OpenMetricsText1.0.0'], 'underscores'), 'application/openmetrics-text;version=1.0.0;escaping=underscores;q=0.5,*/*;q=0.4');
});

test('bodies are read into lent buffers: whole and right across reuse, never handed out twice at once', async () => {
  const s = new AbortController().signal;
  const huge = await httpScrape(opts('/huge'), s);
  assert.equal(huge.body.length, 400_000);
  for (let i = 0; i < 40; i++) assert.equal(huge.body.toString('latin1', i * 10_000, i * 10_000 + 2), String(i).padStart(2, '0'));
  const held = await httpScrape(opts('/big'), s);
  assert.notEqual(held.body.buffer, huge.body.buffer, 'a body not released yet is not lent again');
  huge.release?.();
  huge.release?.();
  const small = await httpScrape(opts('/gzip'), s);
  assert.equal(small.body.toString(), 'a 1\n');
  const other = await httpScrape(opts('/big'), s);
  assert.equal(other.body.toString(), 'x'.repeat(5000));
  assert.notEqual(other.body.buffer, small.body.buffer, 'releasing twice did not lend one buffer twice');
  assert.equal(held.body.toString(), 'x'.repeat(5000), 'a held body is not overwritten');
  for (const b of [held, small, other]) b.release?.();
});
