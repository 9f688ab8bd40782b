import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { DEFAULT_HTTP_CLIENT, DEFAULT_TLS_CONFIG, NO_PROXY } from '../../config/http-client-decoding.js';
import { FakeClock } from '../../model/clock.js';
import type { TargetGroup } from '../discoverer.js';
import { HttpDiscoverer } from './http-discoverer.js';
import { closeHttpConnections } from '../http-transport.js';
import { listen, startTestProxy, startTokenEndpoint } from '../test-http-servers.js';
import { waitFor } from '../test-wait.js';

test('http_sd follows the HTTP SD contract: header, 200 + JSON only, __meta_url, last good state kept', async () => {
  let reply: { status: number; type: string; body: string | Buffer } = { status: 200, type: 'application/json; charset=utf-8', body: '[{"targets": ["a:1", "b:1"], "labels": {"env": "x"}}, {"targets": ["c:1"]}]' };
  const seen: { refresh: string | undefined; auth: string | undefined }[] = [];
  const server = createServer((req, res) => {
    seen.push({ refresh: req.headers['x-prometheus-refresh-interval-seconds'] as string | undefined, auth: req.headers.authorization });
    res.writeHead(reply.status, { 'content-type': reply.type }).end(reply.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sd`;
  const clock = new FakeClock();
  const errors: Error[] = [];
  const d = new HttpDiscoverer(
    { kind: 'http', url, refreshInterval: 30_000, httpClient: { ...DEFAULT_HTTP_CLIENT, authorization: { type: 'Bearer', credentials: 'tok', credentialsFile: '' } } },
    { clock, report: (e) => errors.push(e) },
  );
  const emitted: TargetGroup[][] = [];
  const ctl = new AbortController();
  const running = d.run(ctl.signal, (g) => emitted.push(g));
  try {
    await waitFor('first emission', () => emitted.length === 1);
    assert.deepEqual(seen[0], { refresh: '30', auth: 'Bearer tok' });
    assert.deepEqual(emitted[0]?.map((g) => [g.source, g.targets.map((t) => t.get('__address__')), g.labels.toObject()]), [
      [`${url}:0`, ['a:1', 'b:1'], { __meta_url: url, env: 'x' }],
      [`${url}:1`, ['c:1'], { __meta_url: url }],
    ]);

    const bad = [
      { status: 500, type: 'application/json', body: '[]', want: /HTTP status 500/ },
      { status: 200, type: 'text/plain', body: '[]', want: /unsupported content type "text\/plain"/ },
      { status: 200, type: 'application/json', body: '[{"targets": "x"', want: /bad target groups/ },
      { status: 200, type: 'application/json', body: Buffer.from([0x5b, 0xff, 0x5d]), want: /not valid UTF-8/ },
    ];
    for (const [i, b] of bad.entries()) {
      reply = b;
      await clock.advance(30_000);
      await waitFor('error', () => errors.length === i + 1);
      assert.match(errors[i]?.message ?? '', b.want);
    }
    assert.equal(emitted.length, 1, 'failed refreshes keep the last good state');

    reply = { status: 200, type: 'application/json', body: '[{"targets": ["c:1"]}]' };
    await clock.advance(30_000);
    await waitFor('update', () => emitted.length === 2);
    assert.deepEqual(emitted[1]?.map((g) => [g.source, g.targets.length]), [[`${url}:0`, 1], [`${url}:1`, 0]]);
  } finally {
    ctl.abort();
    await running;
    server.close();
  }
});

test('http_sd through proxy_url with an oauth2 token: fetched once, reused across refreshes; token failures are reported', async () => {
  const sd = await listen(createServer((req, res) => {
    if (req.headers.authorization !== 'Bearer sd-token') return void res.writeHead(401).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end('[{"targets": ["a:1"]}]');
  }));
  const proxy = await startTestProxy();
  const ep = await startTokenEndpoint();
  ep.answers = [[200, { access_token: 'sd-token', expires_in: 3600 }]];
  const clock = new FakeClock();
  const errors: Error[] = [];
  const oauth2 = { clientId: 'sd', clientSecret: 'x', clientSecretFile: '', scopes: [], tokenUrl: `${ep.url}/token`, endpointParams: {}, tlsConfig: DEFAULT_TLS_CONFIG, ...NO_PROXY };
  const httpClient = { ...DEFAULT_HTTP_CLIENT, proxyUrl: proxy.url, oauth2 };
  const d = new HttpDiscoverer({ kind: 'http', url: `${sd.url}/sd`, refreshInterval: 30_000, httpClient }, { clock, report: (e) => errors.push(e) });
  const emitted: TargetGroup[][] = [];
  const ctl = new AbortController();
  const running = d.run(ctl.signal, (g) => emitted.push(g));
  try {
    await waitFor('first emission', () => emitted.length === 1);
    assert.deepEqual(emitted[0]?.map((g) => g.targets.map((t) => t.get('__address__'))), [['a:1']]);
    await clock.advance(30_000);
    await waitFor('second request', () => proxy.seen.length === 2);
    assert.deepEqual(proxy.seen.map((r) => r.line), [`GET ${sd.url}/sd`, `GET ${sd.url}/sd`]);
    assert.equal(ep.requests.length, 1);
    assert.equal(errors.length, 0);

    const failing = new HttpDiscoverer(
      { kind: 'http', url: `${sd.url}/sd`, refreshInterval: 30_000, httpClient: { ...httpClient, oauth2: { ...oauth2, tokenUrl: 'http://127.0.0.1:1/token' } } },
      { clock, report: (e) => errors.push(e) },
    );
    await assert.rejects(failing.fetchGroups(ctl.signal), (e: unknown) => e instanceof Error && e.message === `GET ${sd.url}/sd: oauth2: cannot fetch token: Post "http://127.0.0.1:1/token": connect ECONNREFUSED 127.0.0.1:1`);
  } finally {
    ctl.abort();
    await running;
    closeHttpConnections();
    for (const s of [sd, proxy, ep]) s.close();
  }
});
