// Benchmark of the query API path on real data: ../shared/bench/compare.sh's PromQL suite over a TSDB directory.
//
// Each query goes the way /api/v1/query and /api/v1/query_range answer it: parse and evaluate (the query service),
// the result's JSON, then gzip as for a client that accepts it. Data: VIGIL_BENCH_DATA, a TSDB directory (use a copy
// of a compare.sh run's vigil/data: opening it replays and appends to its WAL). Instant queries run at
// VIGIL_BENCH_TIME (seconds; default the newest sample), range queries over the 90 s before it at a 5 s step.
// Runs: VIGIL_BENCH_RUNS (default 9) after one warm-up; medians per phase. Without VIGIL_BENCH_DATA it says so
// and does nothing.

import { gzipSync } from 'node:zlib';
import { Db } from '../src/tsdb/db.js';
import { apiSuccess } from '../src/web/api-envelope.js';
import { PromqlQueryService } from '../src/web/promql-query-service.js';
import { queryDataJson } from '../src/web/query-result-json.js';
import type { QueryAnswer } from '../src/web/query-service.js';

const INSTANT: ReadonlyArray<[string, string]> = [
  ['rate_http_5m', 'rate(http_requests_total[5m])'],
  ['sum_by_job_rate_1m', 'sum by (job) (rate(http_requests_total[1m]))'],
  ['hist_p99_1m', 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[1m])))'],
  ['topk10_cpu', 'topk(10, rate(container_cpu_usage_seconds_total[1m]))'],
  ['sum_by_ns_mem', 'sum by (namespace) (container_memory_working_set_bytes)'],
  ['count_all_series', 'count({__name__=~".+"})'],
];
const RANGE: ReadonlyArray<[string, string]> = [
  ['range_sum_by_job_rate_1m', 'sum by (job) (rate(http_requests_total[1m]))'],
  ['range_hist_p99_1m', 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[1m])))'],
  ['range_cpu_by_mode', 'sum by (mode) (rate(node_cpu_seconds_total[1m]))'],
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1] as number;
}

async function main(): Promise<void> {
  const dir = process.env['VIGIL_BENCH_DATA'];
  if (dir === undefined || dir === '') {
    console.log('VIGIL_BENCH_DATA is not set: give it a copy of a TSDB directory, e.g. of a compare.sh run\'s vigil/data');
    return;
  }
  const runs = Math.max(1, Number(process.env['VIGIL_BENCH_RUNS'] ?? 9));
  const db = await Db.open(dir);
  try {
    const time = process.env['VIGIL_BENCH_TIME'] !== undefined ? Number(process.env['VIGIL_BENCH_TIME']) * 1000 : db.head.maxTime();
    const start = time - 90_000;
    const service = new PromqlQueryService({ queryable: db, timeout: 600_000, lookbackDelta: 300_000, maxSamples: 50_000_000, maxConcurrency: 20 });
    const signal = new AbortController().signal;
    console.log(`${db.head.numSeries} head series, instant queries at ${time / 1000}, range ${start / 1000}..${time / 1000} step 5s, ${runs} runs`);
    console.log('query                       eval ms   json ms   gzip ms  total ms   result series');
    const jobs = [...INSTANT.map(([n, q]) => [n, q, 'instant'] as const), ...RANGE.map(([n, q]) => [n, q, 'range'] as const)];
    for (const [name, query, kind] of jobs) {
      const phases = { evaluate: [] as number[], json: [] as number[], gzip: [] as number[], total: [] as number[] };
      let series = 0;
      for (let run = 0; run <= runs; run++) {
        const t0 = performance.now();
        const answer: QueryAnswer =
          kind === 'instant' ? await service.instant(query, time, { timeout: 600_000, signal }) : await service.range(query, start, time, 5_000, { timeout: 600_000, signal });
        const t1 = performance.now();
        const body = apiSuccess(queryDataJson(answer.result), answer.warnings, answer.infos).body;
        const t2 = performance.now();
        if (body.length >= 1024) gzipSync(body);
        const t3 = performance.now();
        const r = answer.result;
        series = r.type === 'vector' ? r.samples.length : r.type === 'matrix' ? r.series.length : 1;
        if (run === 0) continue;
        phases.evaluate.push(t1 - t0);
        phases.json.push(t2 - t1);
        phases.gzip.push(t3 - t2);
        phases.total.push(t3 - t0);
      }
      const f = (xs: number[]): string => median(xs).toFixed(1).padStart(9);
      console.log(`${name.padEnd(26)}${f(phases.evaluate)} ${f(phases.json)} ${f(phases.gzip)} ${f(phases.total)} ${String(series).padStart(15)}`);
    }
  } finally {
    await db.close();
  }
}

await main();
