// Warms V8's compiler for the query path at server start: typical dashboard queries on a small head of its own.

import { Labels } from '../model/labels.js';
import { Head } from '../tsdb/head.js';
import { PromqlQueryService } from './promql-query-service.js';
import { queryDataJson } from './query-result-json.js';

/*
 * Why: a fresh Node process runs the query code in V8's interpreter until it has run often enough to be optimised;
 * the first ten or so queries of each kind took 2-4 times as long as later ones (topk(10, rate(...)) at 100k series:
 * 14, 9, 6 ms, then 4). Queries that run on this head's series go through the same engine, head querier, functions,
 * aggregations and JSON code as the user's, so those are optimised before the first user query arrives. The head
 * is this function's own: the server's storage, metrics and query log never see the warm-up.
 */

/** The queries run: the kinds dashboards and the default alert rules ask most. */
export const WARMUP_QUERIES: readonly string[] = [
  'rate(http_requests_total[5m])',
  'sum by (job) (rate(http_requests_total[1m]))',
  'sum by (job) (rate(http_requests_total{code=~"5.."}[5m])) / sum by (job) (rate(http_requests_total[5m]))',
  'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[1m])))',
  'histogram_quantile(0.9, sum by (job, le) (rate(http_request_duration_seconds_bucket[5m])))',
  'topk(10, rate(container_cpu_usage_seconds_total[1m]))',
  'bottomk(3, container_memory_working_set_bytes)',
  'sum by (namespace) (container_memory_working_set_bytes)',
  'avg by (namespace) (container_memory_working_set_bytes) > 0',
  'count({__name__=~".+"})',
  'count by (__name__) ({job="api"})',
  'sum by (mode) (rate(node_cpu_seconds_total[1m]))',
  '1 - avg by (instance) (irate(node_cpu_seconds_total{mode="idle"}[5m]))',
  'increase(http_requests_total{job!="api"}[5m])',
  'max_over_time(container_memory_working_set_bytes[5m])',
  'avg_over_time(up[5m:30s])',
  'up == 0',
  'sum(up) by (job)',
  'quantile(0.9, container_memory_working_set_bytes)',
  'label_replace(up, "host", "$1", "instance", "(.*):.*")',
  'container_memory_working_set_bytes offset 1m',
  'absent(up{job="missing"})',
];

const JOBS = ['api', 'web', 'db', 'cache', 'queue'];
const INSTANCES = 4;
const NAMESPACES = ['default', 'kube-system', 'monitoring'];
const PODS = 20;
const BUCKETS = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf'];
const STEP_MS = 15_000;
const SAMPLES = 41;

type Kind = 'counter' | 'gauge' | 'constant';

/** A head with counters, gauges and histograms in the shapes of node_exporter, cAdvisor and a client library. */
export async function warmupHead(end: number): Promise<Head> {
  const head = new Head();
  const series: { labels: Labels; rate: number; kind: Kind }[] = [];
  const add = (labels: Record<string, string>, rate: number, kind: Kind = 'counter'): void => {
    series.push({ labels: Labels.from(labels), rate, kind });
  };
  JOBS.forEach((job, j) => {
    for (let i = 0; i < INSTANCES; i++) {
      const instance = `10.0.${j}.${i}:8080`;
      add({ __name__: 'up', job, instance }, i === 0 && j === 0 ? 0 : 1, 'constant');
      for (const code of ['200', '404', '500']) {
        for (const method of ['GET', 'POST']) add({ __name__: 'http_requests_total', job, instance, code, method }, 1 + i + j);
      }
      BUCKETS.forEach((le, b) => add({ __name__: 'http_request_duration_seconds_bucket', job, instance, le }, (b + 1) * (i + 1)));
      for (const mode of ['idle', 'user', 'system', 'iowait']) {
        for (const cpu of ['0', '1']) add({ __name__: 'node_cpu_seconds_total', job: 'node', instance, cpu, mode }, mode === 'idle' ? 0.9 : 0.03);
      }
    }
  });
  for (let p = 0; p < PODS; p++) {
    const namespace = NAMESPACES[p % NAMESPACES.length] as string;
    const pod = `app-${p}`;
    add({ __name__: 'container_cpu_usage_seconds_total', namespace, pod, container: 'app' }, 0.01 * (p + 1));
    add({ __name__: 'container_memory_working_set_bytes', namespace, pod, container: 'app' }, 1e8 + p * 4096, 'gauge');
  }
  const start = end - (SAMPLES - 1) * STEP_MS;
  for (let k = 0; k < SAMPLES; k++) {
    const app = head.appender();
    const t = start + k * STEP_MS;
    for (let s = 0; s < series.length; s++) {
      const { labels, rate, kind } = series[s] as (typeof series)[number];
      app.append(0, labels, t, kind === 'counter' ? rate * k * 15 : kind === 'gauge' ? rate + ((k * 7 + s) % 13) * 4096 : rate);
    }
    await app.commit();
  }
  return head;
}

/**
 * Runs every warm-up query `rounds` times, instant and over the last 5 minutes, and writes each answer as the API
 * does. Resolves with the number of queries run; a query that fails rejects (the list above is fixed and valid).
 */
export async function warmUpQueries(rounds: number, signal: AbortSignal): Promise<number> {
  const end = 1_700_000_000_000;
  const head = await warmupHead(end);
  const service = new PromqlQueryService({ queryable: head, timeout: 60_000, lookbackDelta: 300_000, maxSamples: 50_000_000, maxConcurrency: 1 });
  const options = { timeout: 60_000, signal };
  let run = 0;
  for (let r = 0; r < rounds; r++) {
    for (const query of WARMUP_QUERIES) {
      signal.throwIfAborted();
      const instant = await service.instant(query, end, options);
      queryDataJson(instant.result);
      const range = await service.range(query, end - 300_000, end, STEP_MS, options);
      queryDataJson(range.result);
      run += 2;
    }
  }
  return run;
}
