// CPU per ingested sample of the server's scrape path: exposition bodies like bench/targets.mjs's (2000 series,
// long cAdvisor-like labels, ~175 bytes per line) parsed through the scrape cache and appended into a Db with
// its WAL, in steady state (every series a cache hit). CPU is the process's (process.cpuUsage: GC helper threads
// included), so the figure is comparable with compare.sh's `cpu_s_per_million_samples` minus HTTP.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '../src/model/labels.js';
import { tuneServerGc } from '../src/cli/server-gc.js';
import { ScrapeLoop } from '../src/scrape/scrape-loop.js';
import { plainLoopOptions } from '../src/scrape/test-scrape-loop.js';
import { ScrapeTarget } from '../src/scrape/scrape-target.js';
import { Db } from '../src/tsdb/db.js';

const seconds = Number(process.env.BENCH_SECONDS ?? '3');
const TARGETS = 10;
const SERIES = 2000;

/** One target's body at scrape `n`: node-exporter-like gauges, cAdvisor-like container series, a histogram. */
function exposition(target: number, n: number): Buffer {
  const out: string[] = [];
  let count = 0;
  const v = (i: number): string => String(Math.round((i * 7919 + n * 13) % 100000) / 10);
  for (let i = 0; i < 40; i++, count++) out.push(`node_memory_${i}_bytes ${(i + 1) * 1048576 + n}`);
  const pods = 14;
  for (let i = 0; count < SERIES - 120; i++, count++) {
    const pod = i % pods;
    const c = `c${(i * 2654435761) % 4096}`;
    const id = `/kubepods/pod${pod.toString(16).padStart(8, '0')}-${(target * 1000 + pod).toString(16).padStart(8, '0')}/${c}`;
    out.push(
      `container_metric_${i % 23}_total{container="app-${pod}",cpu="cpu${i % 8}",id="${id}",image="reg.example/app-${pod}:v1.${i % 5}",name="k8s_app-${pod}_${i}",namespace="ns-${pod % 3}"} ${v(i)}`,
    );
  }
  const les = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf'];
  for (let h = 0; count < SERIES; h++) {
    for (const le of les) {
      if (count >= SERIES) break;
      out.push(`http_request_duration_seconds_bucket{code="200",handler="/api/v1/h${h}",method="GET",le="${le}"} ${n * 10 + h}`);
      count++;
    }
  }
  return Buffer.from(`${out.join('\n')}\n`);
}

const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-ingest-'));
try {
  tuneServerGc();
  const db = await Db.open(dir, { logger: () => undefined });
  const bodies = Array.from({ length: TARGETS }, (_, t) => Array.from({ length: 4 }, (_, n) => exposition(t, n)));
  const perLine = bodies[0]?.[0] !== undefined ? (bodies[0][0].length / SERIES).toFixed(0) : '?';
  const loops = bodies.map((b, t) => {
    const labels = Labels.from({ __address__: `t${t}:9100`, __scheme__: 'http', __metrics_path__: '/metrics', __scrape_interval__: '5s', __scrape_timeout__: '5s', job: 'bench', instance: `t${t}:9100` });
    let n = 0;
    return new ScrapeLoop(
      plainLoopOptions({
        target: new ScrapeTarget(labels, labels, {}),
        appendable: db,
        scrape: async () => ({ body: b[n++ % b.length] as Buffer, contentType: 'text/plain; version=0.0.4' }),
      }),
    );
  });
  let t = 1_700_000_000_000;
  const round = async (): Promise<number> => {
    t += 5000;
    let samples = 0;
    for (const l of loops) {
      const r = await l.scrapeOnce(t);
      if (r.error !== undefined) throw r.error;
      samples += r.samplesScraped;
    }
    return samples;
  };
  for (let i = 0; i < 30; i++) await round();
  let samples = 0;
  const cpu0 = process.cpuUsage();
  const start = process.hrtime.bigint();
  while (Number(process.hrtime.bigint() - start) / 1e9 < seconds) samples += await round();
  const cpu = process.cpuUsage(cpu0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  console.log(
    `scrape+append+WAL, cache hits  ${((cpuS / samples) * 1e6).toFixed(2)} CPU-s per million samples  ` +
      `(${samples} samples, ${TARGETS} targets x ${SERIES} series, ~${perLine} bytes per line)`,
  );
  await db.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
