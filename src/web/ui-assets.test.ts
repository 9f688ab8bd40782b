// Tests for the UI asset handler: routes, content types, caching, gzip, conditional requests, and what it leaves alone.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { makeRequest } from './http-exchange.js';
import { registerUiRoutes, UI_ROUTES, UiAssets } from './ui-assets.js';
import { WebApp } from './web-app.js';

describe('UiAssets', () => {
  let dir = '';
  let assets: UiAssets;
  const index = '<!doctype html><title>Vigil</title><script type="module" src="/assets/index-AbCd1234.js"></script>';
  const script = `console.log(${JSON.stringify('x'.repeat(4000))});`;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-ui-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), index);
    writeFileSync(join(dir, 'assets', 'index-AbCd1234.js'), script);
    writeFileSync(join(dir, 'assets', 'index-EfGh5678.css'), 'body{color:red}');
    writeFileSync(join(dir, 'robots.txt'), 'User-agent: *\n');
    assets = UiAssets.load(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('answers every UI route (and its trailing-slash form) with index.html, revalidated on each load', () => {
    for (const path of [...UI_ROUTES, '/graph/', '/targets/']) {
      const res = assets.resolve({ method: 'GET', path });
      assert.ok(res, path);
      assert.equal(res.status, 200, path);
      assert.equal(res.headers['Content-Type'], 'text/html; charset=utf-8');
      assert.equal(res.headers['Cache-Control'], 'no-cache');
      assert.match(res.headers['Content-Security-Policy'] ?? '', /script-src 'self';/, 'no inline script may run');
      assert.equal(res.body?.toString(), index);
    }
  });

  it('never answers the API or paths it does not own', () => {
    for (const path of ['/api/v1/query', '/api/v1/targets', '/api', '/metrics', '/-/healthy', '/federate', '/graphs', '/index.htm']) {
      assert.equal(assets.resolve({ method: 'GET', path }), null, path);
    }
  });

  it('serves hashed assets with their content type and a year of immutable caching', () => {
    const js = assets.resolve({ method: 'GET', path: '/assets/index-AbCd1234.js' });
    assert.equal(js?.status, 200);
    assert.equal(js?.headers['Content-Type'], 'text/javascript; charset=utf-8');
    assert.equal(js?.headers['Cache-Control'], 'public, max-age=31536000, immutable');
    assert.equal(js?.body?.toString(), script);
    const css = assets.resolve({ method: 'GET', path: '/assets/index-EfGh5678.css' });
    assert.equal(css?.headers['Content-Type'], 'text/css; charset=utf-8');
    const robots = assets.resolve({ method: 'GET', path: '/robots.txt' });
    assert.equal(robots?.headers['Cache-Control'], 'no-cache', 'an unhashed file is revalidated');
  });

  it('gzips when the client accepts it, and not when it refuses', () => {
    const gz = assets.resolve({ method: 'GET', path: '/assets/index-AbCd1234.js', acceptEncoding: 'br, gzip;q=0.8' });
    assert.equal(gz?.headers['Content-Encoding'], 'gzip');
    assert.equal(gz?.headers.Vary, 'Accept-Encoding');
    assert.ok(gz?.body && gz.body.length < script.length);
    assert.equal(gunzipSync(gz.body).toString(), script);
    assert.equal(gz.headers['Content-Length'], String(gz.body.length));
    for (const acceptEncoding of [undefined, 'identity', 'gzip;q=0', 'br']) {
      const plain = assets.resolve({ method: 'GET', path: '/assets/index-AbCd1234.js', acceptEncoding });
      assert.equal(plain?.headers['Content-Encoding'], undefined, String(acceptEncoding));
      assert.equal(plain?.body?.toString(), script);
    }
  });

  it('answers If-None-Match with 304 and HEAD without a body', () => {
    const first = assets.resolve({ method: 'GET', path: '/assets/index-AbCd1234.js' });
    const etag = first?.headers.ETag;
    assert.ok(etag);
    const again = assets.resolve({ method: 'GET', path: '/assets/index-AbCd1234.js', ifNoneMatch: `"other", ${etag}` });
    assert.equal(again?.status, 304);
    assert.equal(again?.body, null);
    const changed = assets.resolve({ method: 'GET', path: '/assets/index-AbCd1234.js', ifNoneMatch: '"other"' });
    assert.equal(changed?.status, 200);
    const head = assets.resolve({ method: 'HEAD', path: '/graph' });
    assert.equal(head?.status, 200);
    assert.equal(head?.body, null);
    assert.equal(head?.headers['Content-Length'], String(Buffer.byteLength(index)));
  });

  it('refuses other methods on its paths, and a missing asset is a 404', () => {
    const post = assets.resolve({ method: 'POST', path: '/graph' });
    assert.equal(post?.status, 405);
    assert.equal(post?.headers.Allow, 'GET, HEAD');
    assert.equal(assets.resolve({ method: 'GET', path: '/assets/nope-12345678.js' })?.status, 404);
    assert.equal(assets.resolve({ method: 'GET', path: '/assets/../index.html' })?.status, 404, 'no path walking');
  });

  it('says how to build the UI when it is not built', () => {
    const empty = UiAssets.load(join(dir, 'missing'));
    assert.equal(empty.built, false);
    const res = empty.resolve({ method: 'GET', path: '/graph' });
    assert.equal(res?.status, 503);
    assert.match(res?.body?.toString() ?? '', /npm run build:ui/);
    assert.equal(empty.resolve({ method: 'GET', path: '/metrics' }), null);
  });

  it('mounts in the WebApp beside the API, which keeps its own routes', async () => {
    const app = new WebApp();
    app.route('GET', '/api/v1/status/buildinfo', () => ({ status: 200, headers: { 'Content-Type': 'application/json' }, body: '{"status":"success","data":{}}' }));
    registerUiRoutes(app, assets);
    const page = await app.handle(makeRequest('GET', '/graph?g0.expr=up&g0.tab=0'));
    assert.equal(page.status, 200);
    assert.equal(page.headers['Content-Type'], 'text/html; charset=utf-8');
    assert.equal(page.body.toString(), index);
    const js = await app.handle(makeRequest('GET', '/assets/index-AbCd1234.js', { headers: { 'accept-encoding': 'gzip, deflate' } }));
    assert.equal(js.headers['Content-Encoding'], 'gzip');
    assert.equal(gunzipSync(js.body).toString(), script, 'compressed once, not twice');
    const head = await app.handle(makeRequest('HEAD', '/targets'));
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
    assert.equal((await app.handle(makeRequest('GET', '/assets/missing-12345678.js'))).status, 404);
    assert.equal((await app.handle(makeRequest('GET', '/api/v1/status/buildinfo'))).body, '{"status":"success","data":{}}');
    assert.equal((await app.handle(makeRequest('GET', '/api/v1/nothing'))).status, 404);
  });

  it('plugs into node:http: answers its paths and leaves the rest to the server', async () => {
    const server = createServer((req, res) => {
      if (!assets.handle(req, res)) {
        res.writeHead(418).end('server');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const page = await fetch(`${base}/targets?health=unhealthy`);
      assert.equal(page.status, 200);
      assert.equal(await page.text(), index);
      const js = await fetch(`${base}/assets/index-AbCd1234.js`, { headers: { 'Accept-Encoding': 'gzip' } });
      assert.equal(js.headers.get('content-encoding'), 'gzip');
      assert.equal(await js.text(), script, 'fetch decodes the gzip body');
      const api = await fetch(`${base}/api/v1/query?query=up`);
      assert.equal(api.status, 418);
      await api.text();
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
