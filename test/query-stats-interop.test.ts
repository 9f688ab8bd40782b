// `stats=all` on /api/v1/query and /api/v1/query_range against Prometheus 2.42 on the same blocks: the same JSON
// shape (keys, order, types) and the same totalQueryableSamples; peakSamples is Vigil's own (see QueryStats).

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { demoOpenMetrics } from './support/demo-metrics.js';
import { findProgram } from './support/programs.js';
import { startBackfilledPair, type ServerPair } from './support/server-pair.js';

const prometheus = findProgram('prometheus');
const promtool = findProgram('promtool');

/** Queries whose queryable sample count both engines define the same way (selectors, range windows, subqueries). */
const QUERIES = [
  'demo_memory_usage_bytes',
  'demo_cpu_usage_seconds_total{mode="idle"}',
  'rate(demo_cpu_usage_seconds_total[1m])',
  'sum by (instance) (rate(demo_cpu_usage_seconds_total[5m]))',
  'demo_memory_usage_bytes offset 2m',
  'max_over_time(demo_memory_usage_bytes[3m])',
  'max_over_time(rate(demo_cpu_usage_seconds_total[1m])[5m:1m])',
  'demo_memory_usage_bytes / on(instance) group_left sum by (instance) (demo_memory_usage_bytes)',
  'absent(nonexistent)',
  'vector(1)',
  'demo_memory_usage_bytes[2m]',
];

interface StatsAnswer {
  status: string;
  data?: { resultType: string; stats?: { timings: Record<string, unknown>; samples: Record<string, unknown> } };
}

describe('stats=all matches Prometheus 2.42 in shape and totalQueryableSamples', { skip: prometheus.skip ?? promtool.skip ?? false }, () => {
  let pair: ServerPair | undefined;
  let dir = '';
  let promUrl = '';
  let vigilUrl = '';
  let end = 0;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-stats-'));
    const data = demoOpenMetrics(Date.now() - 130 * 60_000, 600);
    end = Math.floor((data.end - 60_000) / 10_000) * 10_000 + 3300;
    pair = await startBackfilledPair(prometheus.path as string, promtool.path as string, dir, data.text);
    ({ promUrl, vigilUrl } = pair);
  });
  after(async () => {
    await pair?.stop();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  /** The stats object with every number replaced by its JSON type, so shapes compare exactly. */
  const shape = (a: StatsAnswer): string => JSON.stringify(a.data?.stats, (_k, v: unknown) => (typeof v === 'number' ? 'number' : v));

  for (const query of QUERIES) {
    for (const kind of ['query', 'query_range'] as const) {
      if (kind === 'query_range' && query.endsWith('[2m]')) continue;
      test(`${kind} ${query}`, async () => {
        const params: Record<string, string> =
          kind === 'query' ? { query, time: String(end / 1000), stats: 'all' } : { query, start: String((end - 10 * 60_000) / 1000), end: String(end / 1000), step: '30', stats: 'all' };
        const [p, v] = (await Promise.all(
          [promUrl, vigilUrl].map(async (u) => (await fetch(`${u}/api/v1/${kind}`, { method: 'POST', body: new URLSearchParams(params) })).json()),
        )) as [StatsAnswer, StatsAnswer];
        assert.equal(v.status, 'success', JSON.stringify(v));
        assert.equal(p.status, 'success', JSON.stringify(p));
        assert.equal(shape(v), shape(p));
        assert.deepEqual(Object.keys(v.data ?? {}), Object.keys(p.data ?? {}), 'stats comes last in data');
        assert.equal(v.data?.stats?.samples.totalQueryableSamples, p.data?.stats?.samples.totalQueryableSamples);
        if (query.includes('demo_')) assert.ok(Number(p.data?.stats?.samples.totalQueryableSamples) > 0, 'the data is there');
      });
    }
  }

  test('without stats (or with an empty one) data has no stats', async () => {
    for (const u of [promUrl, vigilUrl]) {
      const r = (await (await fetch(`${u}/api/v1/query?query=vector(1)&time=1&stats=`)).json()) as StatsAnswer;
      assert.deepEqual(Object.keys(r.data ?? {}), ['resultType', 'result'], u);
    }
  });
});
