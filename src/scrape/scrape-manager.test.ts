import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { after, before, test } from 'node:test';
import { parsePrometheusConfig } from '../config/prometheus-config-loading.js';
import { systemClock } from '../model/clock.js';
import { Labels } from '../model/labels.js';
import { NOP_LOGGER } from '../model/logger.js';
import { Matcher } from '../model/matcher.js';
import { MetricsRegistry } from '../model/metrics-registry.js';
import type { TargetGroup } from '../model/target-group.js';
import { MemoryStorage } from '../storage/memory-storage.js';
import { ScrapeManager } from './scrape-manager.js';
import { expositionParser } from './exposition-scrape-parser.js';

let server: Server;
let port = 0;
const hits = new Map<string, number>();

before(async () => {
  server = createServer((req, res) => {
    hits.set(req.url ?? '', (hits.get(req.url ?? '') ?? 0) + 1);
    if (req.url === '/fail') return void res.writeHead(500).end('boom');
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(`# TYPE m gauge\nm{path="${req.url}"} 1\n`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  port = typeof addr === 'object' && addr !== null ? addr.port : 0;
});
after(() => server.close());

function config(extra = '', interval = '100ms'): ReturnType<typeof parsePrometheusConfig> {
  return parsePrometheusConfig(`
global: { scrape_interval: ${interval}, scrape_timeout: 50ms }
scrape_configs:
  - job_name: a
    metrics_path: /a
    static_configs: [{ targets: ['127.0.0.1:${port}'] }]
    relabel_configs: [{ source_labels: [__address__], regex: 'drop.*', action: drop }]
  - job_name: b
    metrics_path: /fail
${extra}`);
}

function staticGroups(cfg: ReturnType<typeof parsePrometheusConfig>): Map<string, TargetGroup[]> {
  const out = new Map<string, TargetGroup[]>();
  for (const sc of cfg.scrapeConfigs) {
    const groups: TargetGroup[] = [];
    for (const sd of sc.serviceDiscoveryConfigs) if (sd.kind === 'static') groups.push(...sd.groups);
    out.set(sc.jobName, groups);
  }
  return out;
}

async function until(cond: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 5000;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function count(st: MemoryStorage, name: string, labels: Record<string, string> = {}): number {
  const q = st.querier(0, Number.MAX_SAFE_INTEGER);
  const set = q.select([new Matcher('=', '__name__', name), ...Object.entries(labels).map(([k, v]) => new Matcher('=', k, v))]);
  let n = 0;
  while (set.next()) {
    const it = set.at().iterator();
    while (it.next()) n++;
  }
  q.close();
  return n;
}

test('pools scrape their targets, report failures per target, and reload without restarting unchanged jobs', async () => {
  const st = new MemoryStorage();
  const registry = new MetricsRegistry();
  const m = new ScrapeManager({ appendable: st, parse: expositionParser, clock: systemClock, logger: NOP_LOGGER, registry });
  const cfg = config();
  await m.applyConfig(cfg);
  const groups = staticGroups(cfg);
  groups.set('b', [{ source: '0', targets: [Labels.from({ __address__: `127.0.0.1:${port}` }), Labels.from({ __address__: 'drop-me:1' })], labels: Labels.EMPTY }]);
  groups.set('a', [...(groups.get('a') ?? []), { source: 'x', targets: [Labels.from({ __address__: 'drop-me:2' })], labels: Labels.EMPTY }]);
  m.updateTargets(groups);
  await until(() => count(st, 'm') >= 2 && count(st, 'up', { job: 'b' }) >= 1, 'scrapes');

  const [a, b] = m.scrapePools();
  assert.equal(a?.jobName, 'a');
  const loopA = a?.activeLoops()[0];
  assert.equal(loopA?.target.health, 'up');
  assert.equal(loopA?.target.url, `http://127.0.0.1:${port}/a`);
  assert.equal(a?.droppedTargets().length, 1, 'the relabel drop shows as a dropped target');
  assert.equal(b?.activeLoops().length, 2, 'job b has no relabeling, so both targets are active');
  const failing = b?.activeLoops().find((l) => l.target.url.includes('127.0.0.1'));
  assert.equal(failing?.target.health, 'down');
  assert.equal(failing?.target.lastError, 'server returned HTTP status 500 Internal Server Error');
  assert.match(registry.expose(), /prometheus_target_scrape_pool_targets\{scrape_job="a"\} 1/);

  // Same job a, changed job b: a's loop object survives, b's loops are replaced.
  const loopB = b?.activeLoops()[0];
  await m.applyConfig(config('    sample_limit: 5\n'));
  m.updateTargets(groups);
  assert.equal(m.scrapePools()[0]?.activeLoops()[0], loopA);
  assert.notEqual(m.scrapePools()[1]?.activeLoops()[0], loopB);

  // Job a's target goes away: its series get staleness markers.
  const before = count(st, 'm');
  m.updateTargets(new Map([['a', []]]));
  await until(() => count(st, 'm') === before + 1, 'staleness marker');
  await m.stop();
});

test('target_limit fails every target of the pool with a clear error', async () => {
  const st = new MemoryStorage();
  const m = new ScrapeManager({ appendable: st, parse: expositionParser, clock: systemClock, logger: NOP_LOGGER });
  const cfg = parsePrometheusConfig(`
scrape_configs:
  - job_name: t
    scrape_interval: 100ms
    scrape_timeout: 50ms
    target_limit: 1
    static_configs: [{ targets: ['127.0.0.1:${port}', 'localhost:${port}'] }]
`);
  await m.applyConfig(cfg);
  m.updateTargets(staticGroups(cfg));
  await until(() => count(st, 'up') >= 2, 'two reports');
  for (const l of m.scrapePools()[0]?.activeLoops() ?? []) {
    assert.equal(l.target.lastError, 'target_limit exceeded (number of targets: 2, limit: 1)');
  }
  assert.equal(hits.get('/metrics'), undefined, 'the targets were not contacted');
  await m.stop();
});
