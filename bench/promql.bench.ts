// Benchmark of the PromQL engine: dashboard-style range queries over 10k and 100k series and 1h and 24h ranges.
//
// Storage: the TSDB head (src/tsdb/head.ts) when it is built into this tree, else MemoryStorage; the output
// says which. Data: one sample per series per minute. Sizes: VIGIL_BENCH_SERIES (default "10000,100000") and
// VIGIL_BENCH_HOURS (default "1,24"), comma-separated. Each query runs once to warm up, then twice; the faster
// run is reported with the samples it read from storage per second.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Labels } from '../src/model/labels.js';
import type { Appendable } from '../src/storage/appendable.js';
import { MemoryStorage } from '../src/storage/memory-storage.js';
import type { Queryable } from '../src/storage/queryable.js';
import { Engine } from '../src/promql/engine.js';
import { ALL_FEATURES, parseExpr } from '../src/promql/parser.js';

const SCRAPE_MS = 60_000;
const QUERIES: ReadonlyArray<[name: string, query: string]> = [
  ['rate', 'rate(http_requests_total[5m])'],
  ['sum by', 'sum by (job) (rate(http_requests_total[5m]))'],
  ['histogram_quantile', 'histogram_quantile(0.9, sum by (job, le) (rate(http_request_duration_seconds_bucket[5m])))'],
  ['topk', 'topk(10, rate(http_requests_total[5m]))'],
  ['subquery', 'max_over_time(sum by (job) (rate(http_requests_total[5m]))[1h:5m])'],
  ['binary join', 'rate(http_requests_total[5m]) * on(instance) group_left(version) build_info'],
];
const LES = ['0.005', '0.01', '0.05', '0.1', '0.5', '1', '5', '10', '+Inf'];
const CODES = ['200', '201', '204', '301', '304', '400', '401', '404', '500', '503'];

function list(env: string | undefined, dflt: string): number[] {
  return (env ?? dflt).split(',').map((x) => Number(x.trim())).filter((x) => x > 0);
}

type Storage = Appendable & Queryable & { close?(): void };

async function newStorage(): Promise<{ storage: Storage; kind: string }> {
  const headJs = fileURLToPath(new URL('../src/tsdb/head.js', import.meta.url));
  if (existsSync(headJs)) {
    const mod = (await import(headJs)) as { Head: new () => Storage };
    return { storage: new mod.Head(), kind: 'tsdb head' };
  }
  return { storage: new MemoryStorage(), kind: 'memory storage (tsdb head not built in this tree)' };
}

/** 20 series per instance: 10 request counters, 9 duration buckets, 1 build_info. */
async function load(storage: Storage, series: number, hours: number): Promise<number> {
  const instances = Math.max(1, Math.floor(series / 20));
  const labels: Labels[] = [];
  const slope: number[] = [];
  for (let i = 0; i < instances; i++) {
    const job = `job-${i % 20}`;
    const instance = `host-${i}:9100`;
    CODES.forEach((code, k) => {
      labels.push(Labels.from({ __name__: 'http_requests_total', job, instance, code }));
      slope.push(1 + ((i + k) % 13));
    });
    LES.forEach((le, k) => {
      labels.push(Labels.from({ __name__: 'http_request_duration_seconds_bucket', job, instance, le }));
      slope.push(1 + k);
    });
    labels.push(Labels.from({ __name__: 'build_info', job, instance, version: `v${i % 5}` }));
    slope.push(0);
  }
  const refs = new Array<number>(labels.length).fill(0);
  let samples = 0;
  for (let t = 0; t <= hours * 3_600_000; t += SCRAPE_MS) {
    const app = storage.appender();
    for (let s = 0; s < labels.length; s++) {
      const v = slope[s] === 0 ? 1 : ((t / 1000) * (slope[s] as number)) % 1e7;
      refs[s] = app.append(refs[s] as number, labels[s] as Labels, t, v);
    }
    await app.commit();
    samples += labels.length;
  }
  return samples;
}

async function main(): Promise<void> {
  const engine = new Engine({ maxSamples: 500_000_000, timeout: 600_000 });
  for (const series of list(process.env['VIGIL_BENCH_SERIES'], '10000,100000')) {
    for (const hours of list(process.env['VIGIL_BENCH_HOURS'], '1,24')) {
      const { storage, kind } = await newStorage();
      const loadStart = performance.now();
      const samples = await load(storage, series, hours);
      const loadMs = performance.now() - loadStart;
      const end = hours * 3_600_000;
      const step = Math.ceil(end / 120 / 15_000) * 15_000;
      console.log(`\n${series} series, ${hours}h, step ${step / 1000}s, ${kind}: loaded ${samples} samples in ${(loadMs / 1000).toFixed(1)}s`);
      console.log('query                 latency ms   samples read   samples/s   result series');
      for (const [name, text] of QUERIES) {
        const expr = parseExpr(text, ALL_FEATURES);
        let best = Infinity;
        let read = 0;
        let resultSeries = 0;
        for (let run = 0; run < 3; run++) {
          const started = performance.now();
          const res = await engine.rangeQuery(storage, expr, 0, end, step);
          const ms = performance.now() - started;
          if (run > 0 && ms < best) best = ms;
          read = res.stats.samplesRead;
          resultSeries = res.value.type === 'matrix' ? res.value.series.length : 1;
        }
        const rate = read / (best / 1000);
        console.log(`${name.padEnd(20)} ${best.toFixed(0).padStart(11)} ${String(read).padStart(14)} ${rate.toExponential(2).padStart(11)} ${String(resultSeries).padStart(15)}`);
      }
      storage.close?.();
      (globalThis as { gc?: () => void }).gc?.();
    }
  }
}

await main();
