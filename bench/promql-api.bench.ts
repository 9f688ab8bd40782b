// Benchmark of the query API path on real data: ../shared/bench/compare.sh's PromQL suite over a TSDB directory.
//
// Each query goes the way /api/v1/query and /api/v1/query_range answer it: parse and evaluate (the query service),
// the result's JSON, then gzip as for a client that accepts it. Data: VIGIL_BENCH_DATA, a TSDB directory (use a copy
// of a compare.sh run's vigil/data: opening it replays and appends to its WAL). Instant queries run at
// VIGIL_BENCH_TIME (seconds; default the newest sample), range queries over the 90 s before it at a 5 s step.
// Runs: VIGIL_BENCH_RUNS (default 9) after one warm-up (shown as "first": later runs may find caches warm); median
// and minimum per phase.
//
// Without VIGIL_BENCH_DATA the data is synthetic, in the TSDB head: one exposition of ../shared/bench/targets.mjs
// (`--dump`, VIGIL_BENCH_SERIES series, default 2000) copied to VIGIL_BENCH_TARGETS targets (default 250: 500k
// series; each copy gets its own instance and one of 5 jobs, as compare.sh scrapes them), scraped
// VIGIL_BENCH_SCRAPES times (default 42: compare.sh's 30 s warm-up and 180 s run) 5 s apart with values moving as counters and gauges do. VIGIL_BENCH_ONLY (comma-separated names) picks queries.

import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Labels } from '../src/model/labels.js';
import { Entry, ExpositionParser } from '../src/model/exposition-parser.js';
import type { Queryable } from '../src/storage/queryable.js';
import { Db } from '../src/tsdb/db.js';
import { Head } from '../src/tsdb/head.js';
import { sharedPath } from '../test/support/shared-data.js';
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

const SCRAPE_MS = 5_000;
const SCRAPES = Number(process.env['VIGIL_BENCH_SCRAPES'] ?? 42);

/** The synthetic head described above, its newest sample at `SCRAPES - 1` intervals after 1 700 000 000 s. */
async function syntheticHead(): Promise<Head> {
  const script = sharedPath('bench/targets.mjs');
  if (script === undefined) throw new Error('../shared/bench/targets.mjs not found: set VIGIL_BENCH_DATA instead');
  const perTarget = Number(process.env['VIGIL_BENCH_SERIES'] ?? 2000);
  const targets = Number(process.env['VIGIL_BENCH_TARGETS'] ?? 250);
  // Into a file: the script exits right after writing, which can cut a pipe's output short.
  const tmp = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
  const file = join(tmp, 'dump.txt');
  const fd = openSync(file, 'w');
  const dump = spawnSync(process.execPath, [script, '--targets', '1', '--series', String(perTarget), '--dump'], { stdio: ['ignore', fd, 'pipe'] });
  closeSync(fd);
  const text = readFileSync(file);
  rmSync(tmp, { recursive: true });
  if (dump.status !== 0) throw new Error(`targets.mjs --dump failed: ${dump.stderr.toString()}`);
  const parser = new ExpositionParser(text, { format: 'text' });
  const base: Labels[] = [];
  const first: number[] = [];
  for (let k = parser.next(); k !== Entry.End; k = parser.next()) {
    if (k !== Entry.Series) continue;
    base.push(parser.labels());
    first.push(parser.value);
  }
  const counter = base.map((l) => /_(total|count|sum|bucket)$/.test(l.metricName));
  const head = new Head();
  const refs = new Array<number>(base.length * targets).fill(0);
  const labels: Labels[] = [];
  for (let t = 0; t < targets; t++) {
    const job = `bench-${t % 5}`;
    const instance = `127.0.0.1:${19100 + t}`;
    for (const l of base) labels.push(l.with('instance', instance).with('job', job));
  }
  const t0 = 1_700_000_000_000;
  for (let s = 0; s < SCRAPES; s++) {
    const app = head.appender();
    const ts = t0 + s * SCRAPE_MS;
    for (let i = 0; i < labels.length; i++) {
      const b = i % base.length;
      const v0 = first[b] as number;
      const jitter = ((i * 2654435761 + s * 40503) >>> 0) / 4294967296;
      const v = counter[b] === true ? v0 + s * (1 + (i % 97)) * (0.5 + jitter) : v0 * (0.9 + 0.2 * jitter);
      refs[i] = app.append(refs[i] as number, labels[i] as Labels, ts, v);
    }
    await app.commit();
  }
  return head;
}

async function main(): Promise<void> {
  const dir = process.env['VIGIL_BENCH_DATA'];
  const runs = Math.max(1, Number(process.env['VIGIL_BENCH_RUNS'] ?? 9));
  const only = (process.env['VIGIL_BENCH_ONLY'] ?? '').split(',').filter((x) => x !== '');
  const loadStart = performance.now();
  const db = dir !== undefined && dir !== '' ? await Db.open(dir) : undefined;
  const head = db?.head ?? (await syntheticHead());
  const queryable: Queryable = db ?? head;
  try {
    const time = process.env['VIGIL_BENCH_TIME'] !== undefined ? Number(process.env['VIGIL_BENCH_TIME']) * 1000 : head.maxTime();
    const start = time - 90_000;
    const service = new PromqlQueryService({ queryable, timeout: 600_000, lookbackDelta: 300_000, maxSamples: 50_000_000, maxConcurrency: 20 });
    const signal = new AbortController().signal;
    const source = db !== undefined ? dir : 'synthetic';
    console.log(`${head.numSeries} head series (${source}, ready in ${((performance.now() - loadStart) / 1000).toFixed(1)} s), instant queries at ${time / 1000}, range ${start / 1000}..${time / 1000} step 5s, ${runs} runs`);
    console.log('query                       eval ms   json ms   gzip ms  total ms (min)  first ms   result series');
    const jobs = [...INSTANT.map(([n, q]) => [n, q, 'instant'] as const), ...RANGE.map(([n, q]) => [n, q, 'range'] as const)].filter(
      ([n]) => only.length === 0 || only.includes(n),
    );
    for (const [name, query, kind] of jobs) {
      const phases = { evaluate: [] as number[], json: [] as number[], gzip: [] as number[], total: [] as number[] };
      let series = 0;
      let first = 0;
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
        if (run === 0) {
          first = t3 - t0;
          continue;
        }
        phases.evaluate.push(t1 - t0);
        phases.json.push(t2 - t1);
        phases.gzip.push(t3 - t2);
        phases.total.push(t3 - t0);
      }
      const f = (xs: number[]): string => median(xs).toFixed(1).padStart(9);
      const min = Math.min(...phases.total).toFixed(1);
      console.log(`${name.padEnd(26)}${f(phases.evaluate)} ${f(phases.json)} ${f(phases.gzip)} ${f(phases.total)} (${min.padStart(5)}) ${first.toFixed(1).padStart(9)} ${String(series).padStart(11)}`);
    }
  } finally {
    await db?.close();
  }
}

await main();
