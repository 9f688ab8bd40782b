// Prometheus 2.42 and Vigil's scrape client scrape through the same in-test proxy with the same oauth2 settings:
// the token requests, what reaches the proxy, and the error of a failing token endpoint must be the same.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parsePrometheusConfig } from '../src/config/prometheus-config-loading.js';
import { closeHttpConnections } from '../src/discovery/http-transport.js';
import { listen, startTestProxy, startTokenEndpoint } from '../src/discovery/test-http-servers.js';
import type { ProxyRecord, TokenRequest } from '../src/discovery/test-http-servers.js';
import { httpScrape } from '../src/scrape/http-scraper.js';
import { findProgram, freePort, startProgram, waitForHttp } from './support/programs.js';

const prometheus = findProgram('prometheus');

interface TargetsAnswer {
  data: { activeTargets: { scrapePool: string; health: string; lastError: string }[] };
}

test('oauth2 and proxy_url: Prometheus and Vigil send the same token requests and proxy requests, and fail alike', { skip: prometheus.skip ?? false }, async () => {
  const target = await listen(createServer((req, res) => {
    res.writeHead(req.headers.authorization === 'Bearer tok' ? 200 : 401, { 'content-type': 'text/plain; version=0.0.4' }).end('m 1\n');
  }));
  const good = await startTokenEndpoint();
  const bad = await startTokenEndpoint();
  bad.answers = [[401, 'denied']];
  const proxy = await startTestProxy();
  const dir = mkdtempSync(join(tmpdir(), 'vigil-oauth2-interop-'));
  const yaml = (goodUrl: string, badUrl: string): string => `
global: { scrape_interval: 1s, scrape_timeout: 1s }
scrape_configs:
  - job_name: good
    proxy_url: http://p%20user:s3cr%3At@127.0.0.1:${proxy.port}
    oauth2:
      client_id: 'client id'
      client_secret: 'se&cret/+'
      token_url: '${goodUrl}'
      scopes: [read, 'write all']
      endpoint_params: { audience: vigil, z: 'a b' }
    static_configs: [{ targets: ['127.0.0.1:${target.port}'] }]
  - job_name: bad
    oauth2: { client_id: c, client_secret: s, token_url: '${badUrl}' }
    static_configs: [{ targets: ['127.0.0.1:${target.port}'] }]
`;
  const port = await freePort();
  writeFileSync(join(dir, 'prometheus.yml'), yaml(`${good.url}/token`, `${bad.url}/token`));
  const prom = startProgram(prometheus.path ?? '', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`]);
  try {
    await waitForHttp(`http://127.0.0.1:${port}/-/ready`, prom);
    let targets: TargetsAnswer['data']['activeTargets'] = [];
    const end = Date.now() + 15_000;
    while (Date.now() < end) {
      targets = ((await (await fetch(`http://127.0.0.1:${port}/api/v1/targets`)).json()) as TargetsAnswer).data.activeTargets;
      if (targets.length === 2 && targets.every((t) => t.health !== 'unknown') && bad.requests.length >= 2 && proxy.seen.length >= 1) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const promError = targets.find((t) => t.scrapePool === 'bad')?.lastError;
    assert.equal(targets.find((t) => t.scrapePool === 'good')?.health, 'up', prom.output());
    const promGood = good.requests.slice(0, 1);
    const promBad = bad.requests.slice(0, 2);
    const promProxy = proxy.seen.slice(0, 1);
    assert.deepEqual([promGood.length, promBad.length, promProxy.length], [1, 2, 1]);
    assert.match(promError ?? '', /oauth2: cannot fetch token: 401 Unauthorized/);
    await prom.stop();

    // The same settings through Vigil's scrape client, against fresh token URLs (auth styles are learnt per URL).
    const cfg = parsePrometheusConfig(yaml(`${good.url}/vigil-token`, `${bad.url}/vigil-token`));
    const [goodJob, badJob] = cfg.scrapeConfigs;
    const scrape = (httpClient = goodJob?.httpClient): Promise<unknown> =>
      httpScrape({ url: `${target.url}/metrics`, timeout: 1000, bodySizeLimit: 0, enableCompression: true, ...(httpClient === undefined ? {} : { httpClient }) }, new AbortController().signal);
    const [goodFrom, badFrom, proxyFrom] = [good.requests.length, bad.requests.length, proxy.seen.length];
    await scrape();
    let vigilError = '';
    await scrape(badJob?.httpClient).catch((e: unknown) => (vigilError = (e as Error).message));

    const tokenView = (r: TokenRequest): unknown => [r.authorization, r.form];
    const proxyView = (r: ProxyRecord): unknown => [r.line, r.headers['proxy-authorization'], r.headers.authorization];
    assert.deepEqual(good.requests.slice(goodFrom).map(tokenView), promGood.map(tokenView));
    assert.deepEqual(bad.requests.slice(badFrom).map(tokenView), promBad.map(tokenView), 'basic auth first, then the credentials as form fields');
    assert.deepEqual(proxy.seen.slice(proxyFrom).map(proxyView), promProxy.map(proxyView));
    assert.equal(vigilError, promError);
  } finally {
    await prom.stop();
    closeHttpConnections();
    for (const s of [target, good, bad, proxy]) s.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
