import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { test } from 'node:test';
import { DEFAULT_HTTP_CLIENT, DEFAULT_TLS_CONFIG, NO_PROXY } from '../config/http-client-decoding.js';
import { parsePrometheusConfig } from '../config/prometheus-config-loading.js';
import type { HttpClientConfig, OAuth2 } from '../config/prometheus-config.js';
import { closeHttpConnections } from '../discovery/http-transport.js';
import { listen, startTestProxy, startTokenEndpoint, TEST_CERT, TEST_KEY, testCertFile } from '../discovery/test-http-servers.js';
import { FakeClock, systemClock } from '../model/clock.js';
import { NOP_LOGGER } from '../model/logger.js';
import { MemoryStorage } from '../storage/memory-storage.js';
import { expositionParser } from './exposition-scrape-parser.js';
import { httpScrape } from './http-scraper.js';
import { ScrapeError } from './sample-labels.js';
import { ScrapeManager } from './scrape-manager.js';

const signal = new AbortController().signal;
const METRICS = '# TYPE m gauge\nm 1\n';

test('scrapes go through proxy_url (absolute form for http, CONNECT for https) unless no_proxy excludes the target', async () => {
  const plain = await listen(createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(METRICS)));
  const secure = await listen(createHttpsServer({ key: TEST_KEY, cert: TEST_CERT }, (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(METRICS)));
  const proxy = await startTestProxy();
  const ca = testCertFile();
  try {
    proxy.requireAuth = `Basic ${Buffer.from('u:p').toString('base64')}`;
    const httpClient: HttpClientConfig = { ...DEFAULT_HTTP_CLIENT, proxyUrl: `http://u:p@127.0.0.1:${proxy.port}`, tlsConfig: { ...DEFAULT_TLS_CONFIG, caFile: ca.path } };
    const scrape = (url: string, c = httpClient): Promise<string> =>
      httpScrape({ url, timeout: 2000, bodySizeLimit: 0, enableCompression: true, httpClient: c }, signal).then((r) => r.body.toString());
    assert.equal(await scrape(`${plain.url}/metrics`), METRICS);
    assert.equal(await scrape(`https://127.0.0.1:${secure.port}/metrics`), METRICS);
    assert.deepEqual(proxy.seen.map((r) => r.line), [`GET ${plain.url}/metrics`, `CONNECT 127.0.0.1:${secure.port}`]);
    assert.equal(await scrape(`${plain.url}/metrics`, { ...httpClient, noProxy: '127.0.0.0/8' }), METRICS);
    assert.equal(proxy.seen.length, 2, 'no_proxy: direct');
    proxy.requireAuth = 'Basic other';
    await assert.rejects(scrape(`${plain.url}/metrics`), /^ScrapeError: server returned HTTP status 407 Proxy Authentication Required$/);
    closeHttpConnections();
    await assert.rejects(scrape(`https://127.0.0.1:${secure.port}/x`),
      (e: unknown) => e instanceof ScrapeError && e.message.startsWith(`Get "https://127.0.0.1:${secure.port}/x": proxy 127.0.0.1:${proxy.port} refused CONNECT`));
  } finally {
    closeHttpConnections();
    for (const s of [plain, secure, proxy]) s.close();
    ca.remove();
  }
});

test('oauth2: one token for many scrapes, a new one after it expires, and a failing endpoint fails the scrape', async () => {
  const seen: IncomingHttpHeaders[] = [];
  const target = await listen(createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(200, { 'content-type': 'text/plain' }).end(METRICS);
  }));
  const ep = await startTokenEndpoint();
  try {
    ep.answers = [[200, { access_token: 'first', token_type: 'bearer', expires_in: 300 }], [200, { access_token: 'second', expires_in: 300 }], [401, 'denied']];
    const oauth2: OAuth2 = {
      clientId: 'vigil', clientSecret: 'pw', clientSecretFile: '', scopes: ['metrics'], tokenUrl: `${ep.url}/token`, endpointParams: {},
      tlsConfig: DEFAULT_TLS_CONFIG, ...NO_PROXY,
    };
    const clock = new FakeClock(0);
    const url = `${target.url}/metrics`;
    const scrape = (): Promise<unknown> => httpScrape({ url, timeout: 2000, bodySizeLimit: 0, enableCompression: true, httpClient: { ...DEFAULT_HTTP_CLIENT, oauth2 }, clock }, signal);
    for (let i = 0; i < 3; i++) await scrape();
    assert.equal(ep.requests.length, 1);
    assert.deepEqual(seen.map((h) => h.authorization), ['Bearer first', 'Bearer first', 'Bearer first']);
    await clock.advance(290_000);
    await scrape();
    assert.equal(ep.requests.length, 2);
    assert.equal(seen.at(-1)?.authorization, 'Bearer second');
    await clock.advance(290_000);
    await assert.rejects(scrape(), (e: unknown) => e instanceof ScrapeError && e.message === `Get "${url}": oauth2: cannot fetch token: 401 Unauthorized\nResponse: denied`);
    assert.equal(seen.length, 4, 'the target is not asked without a token');
  } finally {
    closeHttpConnections();
    target.close();
    ep.close();
  }
});

test('a scrape config with oauth2 and proxy_url: targets are up through the proxy, or down with the token error', async () => {
  const target = await listen(createServer((req, res) => {
    if (req.headers.authorization !== 'Bearer tok') return void res.writeHead(401).end();
    res.writeHead(200, { 'content-type': 'text/plain' }).end(METRICS);
  }));
  const ep = await startTokenEndpoint();
  const bad = await startTokenEndpoint();
  const proxy = await startTestProxy();
  bad.answers = [[503, 'try later']];
  const m = new ScrapeManager({ appendable: new MemoryStorage(), parse: expositionParser, clock: systemClock, logger: NOP_LOGGER });
  try {
    const cfg = parsePrometheusConfig(`
global: { scrape_interval: 200ms, scrape_timeout: 200ms }
scrape_configs:
  - job_name: good
    proxy_url: http://127.0.0.1:${proxy.port}
    oauth2: { client_id: a, client_secret: b, token_url: '${ep.url}/token' }
    static_configs: [{ targets: ['127.0.0.1:${target.port}'] }]
  - job_name: broken
    oauth2: { client_id: a, client_secret: b, token_url: '${bad.url}/token' }
    static_configs: [{ targets: ['127.0.0.1:${target.port}'] }]
`);
    await m.applyConfig(cfg);
    m.updateTargets(new Map(cfg.scrapeConfigs.map((sc) => [sc.jobName, sc.serviceDiscoveryConfigs.flatMap((sd) => (sd.kind === 'static' ? sd.groups : []))])));
    const targetOf = (job: string) => m.scrapePools().find((p) => p.jobName === job)?.activeLoops()[0]?.target;
    const [good, broken] = [targetOf('good'), targetOf('broken')];
    const end = Date.now() + 5000;
    while ((good?.health !== 'up' || broken?.health !== 'down') && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    assert.equal(good?.health, 'up', good?.lastError);
    assert.equal(proxy.seen[0]?.line, `GET http://127.0.0.1:${target.port}/metrics`);
    assert.equal(broken?.health, 'down');
    assert.equal(broken?.lastError, `Get "http://127.0.0.1:${target.port}/metrics": oauth2: cannot fetch token: 503 Service Unavailable\nResponse: try later`);
  } finally {
    await m.stop();
    closeHttpConnections();
    for (const s of [target, ep, bad, proxy]) s.close();
  }
});
