import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { ApiError } from './api-error.js';
import { jsonResponse, makeRequest, textResponse } from './http-exchange.js';
import { WebApp } from './web-app.js';

function app(seen: { handler: string; status: number }[] = [], internal: unknown[] = []): WebApp {
  return new WebApp({ observe: (i) => seen.push(i), onInternalError: (e) => internal.push(e) })
    .route('GET', '/api/v1/label/:name/values', (req) => jsonResponse(200, JSON.stringify({ name: req.params.name })))
    .route(['GET', 'POST'], '/api/v1/bad', () => {
      throw new ApiError('bad_data', 'invalid parameter "query": 1:3: parse error');
    })
    .route('GET', '/api/v1/boom', () => {
      throw new TypeError('oops');
    })
    .route('GET', '/-/healthy', () => textResponse(200, 'Healthy.\n'))
    .route('GET', '/big', () => textResponse(200, 'x'.repeat(5000)));
}

test('path parameters are matched and percent-decoded', async () => {
  const res = await app().handle(makeRequest('GET', '/api/v1/label/a%2Fb/values'));
  assert.equal(res.status, 200);
  assert.deepEqual(JSON.parse(String(res.body)), { name: 'a/b' });
});

test('an ApiError becomes Prometheus error JSON with the status of its type', async () => {
  const res = await app().handle(makeRequest('POST', '/api/v1/bad'));
  assert.equal(res.status, 400);
  assert.equal(res.headers['Content-Type'], 'application/json');
  assert.equal(res.body, '{"status":"error","errorType":"bad_data","error":"invalid parameter \\"query\\": 1:3: parse error"}');
});

test('an unexpected error is internal (500), reported, and the app keeps serving', async () => {
  const internal: unknown[] = [];
  const a = app([], internal);
  const res = await a.handle(makeRequest('GET', '/api/v1/boom'));
  assert.equal(res.status, 500);
  assert.equal(JSON.parse(String(res.body)).errorType, 'internal');
  assert.equal(internal.length, 1);
  assert.equal((await a.handle(makeRequest('GET', '/-/healthy'))).status, 200);
});

test('unknown paths are 404, wrong methods 405 with Allow, HEAD has no body', async () => {
  const seen: { handler: string; status: number }[] = [];
  const a = app(seen);
  assert.equal((await a.handle(makeRequest('GET', '/nope'))).status, 404);
  const r405 = await a.handle(makeRequest('DELETE', '/-/healthy'));
  assert.equal(r405.status, 405);
  assert.match(r405.headers.Allow ?? '', /GET/);
  const head = await a.handle(makeRequest('HEAD', '/-/healthy'));
  assert.equal(head.status, 200);
  assert.equal(head.body, '');
  assert.deepEqual(seen.map((s) => [s.handler, s.status]), [['', 404], ['', 405], ['/-/healthy', 200]]);
});

test('large answers are gzipped when the client accepts gzip', async () => {
  const res = await app().handle(makeRequest('GET', '/big', { headers: { 'accept-encoding': 'gzip, deflate' } }));
  assert.equal(res.headers['Content-Encoding'], 'gzip');
  assert.equal(gunzipSync(res.body as Buffer).toString(), 'x'.repeat(5000));
  const plain = await app().handle(makeRequest('GET', '/big'));
  assert.equal(plain.headers['Content-Encoding'], undefined);
});

test('listen serves the app over HTTP until the signal ends', async () => {
  const controller = new AbortController();
  const server = await app().listen({ host: '127.0.0.1', port: 0, signal: controller.signal });
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  const r = await fetch(`http://127.0.0.1:${port}/api/v1/bad`, { method: 'POST', body: 'x=1' });
  assert.equal(r.status, 400);
  assert.equal(((await r.json()) as { errorType: string }).errorType, 'bad_data');
  controller.abort();
  await new Promise((resolve) => server.once('close', resolve));
});

test('with a route prefix, routes answer under it and nowhere else', async () => {
  const a = new WebApp({ routePrefix: '/prom' }).route('GET', '/-/healthy', () => textResponse(200, 'ok\n'));
  assert.equal((await a.handle(makeRequest('GET', '/prom/-/healthy'))).status, 200);
  assert.equal((await a.handle(makeRequest('GET', '/-/healthy'))).status, 404);
  assert.equal((await a.handle(makeRequest('GET', '/promx/-/healthy'))).status, 404);
});
