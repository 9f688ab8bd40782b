// Asking the real Prometheus how it scrapes given response bodies: serves each body byte for byte to a Prometheus
// scraping every second, and reads `up` and `scrape_samples_scraped` per job through its HTTP API.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startProgram, waitForHttp } from './programs.js';
import type { RunningProgram } from './programs.js';

export interface ScrapeBody {
  /** Job name: [a-z0-9_]+, unique. */
  job: string;
  body: Buffer;
  contentType: string;
}

export interface ScrapeVerdict {
  /** Prometheus's `up`: 1 when the scrape (and its parse) succeeded. */
  up: number;
  /** Prometheus's `scrape_samples_scraped`. */
  samples: number;
}

export async function prometheusVerdicts(prometheus: string, bodies: ScrapeBody[]): Promise<Map<string, ScrapeVerdict>> {
  const replay = createServer((req, res) => {
    const c = bodies.find((x) => req.url === `/${x.job}`);
    if (c === undefined) res.writeHead(404).end();
    else res.writeHead(200, { 'Content-Type': c.contentType }).end(c.body);
  });
  await new Promise<void>((resolve) => replay.listen(0, '127.0.0.1', resolve));
  const replayPort = (replay.address() as AddressInfo).port;
  const dir = mkdtempSync(join(tmpdir(), 'vigil-prom-'));
  const promPort = await freePort();
  const jobs = bodies.map((c) => `  - job_name: ${c.job}\n    metrics_path: /${c.job}\n    static_configs: [{ targets: ['127.0.0.1:${replayPort}'] }]\n`).join('');
  writeFileSync(join(dir, 'prometheus.yml'), `global: { scrape_interval: 1s, scrape_timeout: 1s }\nscrape_configs:\n${jobs}`);
  let prom: RunningProgram | undefined;
  try {
    prom = startProgram(prometheus, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`]);
    await waitForHttp(`http://127.0.0.1:${promPort}/-/ready`, prom);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const query = async (q: string): Promise<Map<string, number>> => {
        const r = await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(q)}`, { signal: AbortSignal.timeout(5000) });
        const body = (await r.json()) as { data: { result: Array<{ metric: { job: string }; value: [number, string] }> } };
        return new Map(body.data.result.map((s) => [s.metric.job, Number(s.value[1])]));
      };
      const up = await query('up');
      const samples = await query('scrape_samples_scraped');
      if (bodies.every((c) => up.has(c.job) && samples.has(c.job))) {
        return new Map(bodies.map((c) => [c.job, { up: up.get(c.job) as number, samples: samples.get(c.job) as number }]));
      }
      if (Date.now() > deadline) throw new Error(`Prometheus did not scrape every job in time\n${prom.output()}`);
      await new Promise((res) => setTimeout(res, 250));
    }
  } finally {
    await prom?.stop();
    await new Promise((res) => replay.close(res));
    rmSync(dir, { recursive: true, force: true });
  }
}
