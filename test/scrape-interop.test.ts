// Vigil and the real Prometheus scrape the same real exporters at the same time and must store the same series.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { findProgram, freePort, startProgram, waitForHttp } from './support/programs.js';
import type { RunningProgram } from './support/programs.js';

const PROGRAMS = ['prometheus', 'prometheus-node-exporter', 'redis-server', 'prometheus-redis-exporter'].map((p) => [p, findProgram(p)] as const);
const missing = PROGRAMS.find(([, f]) => f.skip !== undefined);

interface SeriesAnswer {
  status: string;
  data: Record<string, string>[];
}
interface ActiveTarget {
  discoveredLabels: Record<string, string>;
  labels: Record<string, string>;
  health: string;
  lastError: string;
  scrapePool: string;
  scrapeUrl: string;
  globalUrl: string;
  scrapeInterval: string;
  scrapeTimeout: string;
}
interface TargetsAnswer {
  data: { activeTargets: ActiveTarget[] };
}

async function getJson<T>(url: string): Promise<T> {
  const r = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return (await r.json()) as T;
}

function key(s: Record<string, string>): string {
  return JSON.stringify(Object.entries(s).sort(([a], [b]) => (a < b ? -1 : 1)));
}

describe('scrape interop with Prometheus 2.42', { skip: missing === undefined ? false : missing[1].skip }, () => {
  const running: RunningProgram[] = [];
  let dir = '';
  let bad: Server;
  let promUrl = '';
  let vigilUrl = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-interop-'));
    const path = (name: string): string => PROGRAMS.find(([p]) => p === name)?.[1].path as string;
    const [nodePort, redisPort, redisExpPort, appPort, badPort, promPort, vigilPort] = await Promise.all(Array.from({ length: 7 }, () => freePort()));
    const node = startProgram(path('prometheus-node-exporter'), [`--web.listen-address=127.0.0.1:${nodePort}`]);
    const redis = startProgram(path('redis-server'), ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
    const redisExp = startProgram(path('prometheus-redis-exporter'), [`--redis.addr=redis://127.0.0.1:${redisPort}`, `--web.listen-address=127.0.0.1:${redisExpPort}`]);
    const app = startProgram(process.execPath, ['dist/test/support/prom-client-app.js', String(appPort)]);
    running.push(node, redis, redisExp, app);
    bad = createServer((req, res) => {
      switch (req.url) {
        case '/garbage':
          return void res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end('this is { not metrics\n');
        case '/hang':
          return;
        case '/500':
          return void res.writeHead(500).end('oops');
        case '/loop':
          return void res.writeHead(302, { Location: '/loop' }).end();
        case '/limit':
          return void res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end('a 1\nb 2\nc 3\n');
        default:
          return void res.writeHead(404).end();
      }
    });
    await new Promise<void>((r) => bad.listen(badPort, '127.0.0.1', () => r()));
    const badJob = (name: string, extra = ''): string => `
  - job_name: ${name}
    metrics_path: /${name}
    scrape_timeout: 1s
${extra}    static_configs: [{ targets: ['127.0.0.1:${badPort}'] }]`;
    const config = `global: { scrape_interval: 2s, scrape_timeout: 2s }
scrape_configs:
  - job_name: node
    static_configs: [{ targets: ['127.0.0.1:${nodePort}'] }]
  - job_name: redis
    static_configs: [{ targets: ['127.0.0.1:${redisExpPort}'] }]
  - job_name: app
    static_configs: [{ targets: ['127.0.0.1:${appPort}'] }]
${[badJob('garbage'), badJob('hang'), badJob('500'), badJob('loop'), badJob('limit', '    sample_limit: 2\n')].join('\n')}
`;
    writeFileSync(join(dir, 'prometheus.yml'), config);
    await Promise.all([
      waitForHttp(`http://127.0.0.1:${nodePort}/metrics`, node),
      waitForHttp(`http://127.0.0.1:${redisExpPort}/metrics`, redisExp),
      waitForHttp(`http://127.0.0.1:${appPort}/metrics`, app),
    ]);
    const prom = startProgram(path('prometheus'), [
      `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'prom')}`, `--web.listen-address=127.0.0.1:${promPort}`,
    ]);
    const vigil = startProgram(process.execPath, [
      'bin/vigil', 'server', `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'vigil')}`, `--web.listen-address=127.0.0.1:${vigilPort}`,
    ]);
    running.push(prom, vigil);
    promUrl = `http://127.0.0.1:${promPort}`;
    vigilUrl = `http://127.0.0.1:${vigilPort}`;
    await Promise.all([waitForHttp(`${promUrl}/-/ready`, prom), waitForHttp(`${vigilUrl}/-/ready`, vigil)]);
    // Prometheus applies targets only every 5s after start; wait until both scraped every job, then two intervals more.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const [p, v] = await Promise.all([promUrl, vigilUrl].map((u) => getJson<SeriesAnswer>(`${u}/api/v1/series?match[]=up`)));
      if ((p?.data.length ?? 0) >= 8 && (v?.data.length ?? 0) >= 8) break;
      if (Date.now() > deadline) throw new Error(`targets not scraped in time: ${JSON.stringify([p, v])}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    await new Promise((r) => setTimeout(r, 4500));
  });

  after(async () => {
    await Promise.all(running.map((p) => p.stop()));
    bad?.closeAllConnections();
    bad?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const job of ['node', 'redis', 'app']) {
    test(`job ${job}: both store the same series (names and label sets)`, async () => {
      const q = `/api/v1/series?match[]=${encodeURIComponent(`{job="${job}"}`)}`;
      const [p, v] = await Promise.all([getJson<SeriesAnswer>(promUrl + q), getJson<SeriesAnswer>(vigilUrl + q)]);
      assert.equal(v.status, 'success');
      const ps = new Set(p.data.map(key));
      const vs = new Set(v.data.map(key));
      assert.ok(ps.size > 20, `Prometheus found only ${ps.size} series for ${job}`);
      const onlyProm = [...ps].filter((s) => !vs.has(s));
      const onlyVigil = [...vs].filter((s) => !ps.has(s));
      assert.deepEqual({ onlyProm, onlyVigil }, { onlyProm: [], onlyVigil: [] });
    });
  }

  test('/api/v1/targets describes every target as Prometheus does', async () => {
    const [p, v] = await Promise.all([promUrl, vigilUrl].map((u) => getJson<TargetsAnswer>(`${u}/api/v1/targets`)));
    const pick = (t: ActiveTarget): unknown => ({
      discoveredLabels: t.discoveredLabels, labels: t.labels, scrapePool: t.scrapePool, scrapeUrl: t.scrapeUrl, globalUrl: t.globalUrl,
      scrapeInterval: t.scrapeInterval, scrapeTimeout: t.scrapeTimeout, health: t.health,
    });
    const byPool = (a: TargetsAnswer | undefined): unknown[] => (a?.data.activeTargets ?? []).map(pick).sort((x, y) => ((x as ActiveTarget).scrapePool < (y as ActiveTarget).scrapePool ? -1 : 1));
    assert.deepEqual(byPool(v), byPool(p));
  });

  test('bad queries get bad_data with the same position from both', async () => {
    for (const q of ['sum(rate(x[5m])', 'foo{', 'rate(x)', '1 +', 'x[5m', 'sum by (a) b', 'up{job="a"} offset', 'label_replace(x, "a")']) {
      const ask = async (base: string): Promise<{ status: number; body: { errorType: string; error: string } }> => {
        const r = await fetch(`${base}/api/v1/query`, { method: 'POST', body: new URLSearchParams({ query: q }) });
        return { status: r.status, body: (await r.json()) as { errorType: string; error: string } };
      };
      const [p, v] = await Promise.all([ask(promUrl), ask(vigilUrl)]);
      assert.equal(v.status, 400, q);
      assert.equal(v.body.errorType, p.body.errorType, q);
      const position = (e: string): string => /^invalid parameter "query": \d+:\d+: parse error: /.exec(e)?.[0] ?? e;
      assert.equal(position(v.body.error), position(p.body.error), `${q}: ${v.body.error} vs ${p.body.error}`);
    }
  });

  test('broken targets are down with a clear error; the good ones are up', async () => {
    const t = await getJson<TargetsAnswer>(`${vigilUrl}/api/v1/targets`);
    const byJob = new Map(t.data.activeTargets.map((a) => [a.scrapePool, a]));
    for (const job of ['node', 'redis', 'app']) assert.equal(byJob.get(job)?.health, 'up', `${job}: ${byJob.get(job)?.lastError}`);
    const want: Record<string, RegExp> = {
      garbage: /^\d+:\d+: /,
      hang: /context deadline exceeded/,
      '500': /^server returned HTTP status 500 Internal Server Error$/,
      loop: /stopped after 10 redirects/,
      limit: /^sample limit exceeded \(limit: 2\)$/,
    };
    for (const [job, re] of Object.entries(want)) {
      const target = byJob.get(job);
      assert.equal(target?.health, 'down', job);
      assert.match(target?.lastError ?? '', re, job);
    }
    const up = await getJson<SeriesAnswer>(`${vigilUrl}/api/v1/series?match[]=up`);
    assert.equal(up.data.length, 8);
  });
});
