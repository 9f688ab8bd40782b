// Real exporters: what a running prometheus-node-exporter and a prom-client app serve parses to the number of samples
// the real Prometheus (2.42) counts on exactly the same bytes (its scrape_samples_scraped), in the format each serves.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Entry, ExpositionParser } from '../src/model/exposition-parser.js';
import { formatFromContentType, scrapeAcceptHeader } from '../src/model/exposition-format.js';
import { findProgram, freePort, runProgram, startProgram, waitForHttp } from './support/programs.js';
import type { RunningProgram } from './support/programs.js';
import { REPO_ROOT } from './support/shared-data.js';

interface Capture {
  job: string;
  body: Buffer;
  contentType: string;
}

function countSamples(c: Capture, strict: boolean): number {
  const p = new ExpositionParser(c.body, { format: formatFromContentType(c.contentType), strict });
  let n = 0;
  for (let k = p.next(); k !== Entry.End; k = p.next()) {
    if (k === Entry.Series) {
      p.labels();
      n++;
    }
  }
  return n;
}

async function capture(job: string, url: string, accept: string): Promise<Capture> {
  const r = await fetch(url, { headers: { Accept: accept }, signal: AbortSignal.timeout(10_000) });
  assert.equal(r.status, 200, `${job}: HTTP ${r.status}`);
  return { job, body: Buffer.from(await r.arrayBuffer()), contentType: r.headers.get('content-type') ?? '' };
}

/** Asks the real Prometheus to scrape each capture (served byte for byte) and returns scrape_samples_scraped per job. */
async function prometheusCounts(prometheus: string, captures: Capture[]): Promise<Map<string, number>> {
  const replay = createServer((req, res) => {
    const c = captures.find((x) => req.url === `/${x.job}`);
    if (c === undefined) res.writeHead(404).end();
    else res.writeHead(200, { 'Content-Type': c.contentType }).end(c.body);
  });
  await new Promise<void>((resolve) => replay.listen(0, '127.0.0.1', resolve));
  const replayPort = (replay.address() as AddressInfo).port;
  const dir = mkdtempSync(join(tmpdir(), 'vigil-prom-'));
  const promPort = await freePort();
  const jobs = captures.map((c) => `  - job_name: ${c.job}\n    metrics_path: /${c.job}\n    static_configs: [{ targets: ['127.0.0.1:${replayPort}'] }]\n`).join('');
  writeFileSync(join(dir, 'prometheus.yml'), `global: { scrape_interval: 1s, scrape_timeout: 1s }\nscrape_configs:\n${jobs}`);
  let prom: RunningProgram | undefined;
  try {
    prom = startProgram(prometheus, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`]);
    await waitForHttp(`http://127.0.0.1:${promPort}/-/ready`, prom);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const r = await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=scrape_samples_scraped`, { signal: AbortSignal.timeout(5000) });
      const body = (await r.json()) as { data: { result: Array<{ metric: { job: string }; value: [number, string] }> } };
      const counts = new Map(body.data.result.map((s) => [s.metric.job, Number(s.value[1])]));
      if (captures.every((c) => counts.has(c.job))) return counts;
      if (Date.now() > deadline) throw new Error(`Prometheus did not scrape every job in time: ${JSON.stringify(body)}\n${prom.output()}`);
      await new Promise((res) => setTimeout(res, 250));
    }
  } finally {
    await prom?.stop();
    await new Promise((res) => replay.close(res));
    rmSync(dir, { recursive: true, force: true });
  }
}

test('node-exporter and a prom-client app: Vigil counts the samples the real Prometheus counts', async (t) => {
  const prometheus = findProgram('prometheus');
  const exporter = findProgram('prometheus-node-exporter');
  const promtool = findProgram('promtool');
  for (const p of [prometheus, exporter, promtool]) if (p.skip !== undefined) return t.skip(p.skip);
  const exporterPort = await freePort();
  const appPort = await freePort();
  const nodeExporter = startProgram(exporter.path as string, [`--web.listen-address=127.0.0.1:${exporterPort}`]);
  const app = startProgram(process.execPath, [join(REPO_ROOT, 'test', 'fixtures', 'prom-client-app.mjs'), String(appPort)]);
  try {
    await waitForHttp(`http://127.0.0.1:${exporterPort}/metrics`, nodeExporter);
    await waitForHttp(`http://127.0.0.1:${appPort}/metrics`, app);
    const captures = [
      // node_exporter 1.5 (Debian) answers the text format even when OpenMetrics is preferred.
      await capture('node_exporter', `http://127.0.0.1:${exporterPort}/metrics`, scrapeAcceptHeader()),
      await capture('prom_client_text', `http://127.0.0.1:${appPort}/metrics`, 'text/plain'),
      await capture('prom_client_om', `http://127.0.0.1:${appPort}/metrics-om`, scrapeAcceptHeader()),
    ];
    assert.match(captures[2]?.contentType ?? '', /openmetrics/, 'prom-client serves OpenMetrics on /metrics-om');
    const counts = await prometheusCounts(prometheus.path as string, captures);
    for (const c of captures) {
      const theirs = counts.get(c.job);
      assert.ok(theirs !== undefined && theirs > 10, `${c.job}: Prometheus scraped ${theirs}`);
      assert.equal(countSamples(c, false), theirs, `${c.job}: lenient parse`);
      t.diagnostic(`${c.job} (${c.contentType}): ${theirs} samples, as Prometheus counts them`);
      if (c.contentType.startsWith('text/plain')) {
        // The text bodies are promtool-valid, so the strict parser must read them too.
        assert.notEqual(runProgram(promtool.path as string, ['check', 'metrics'], c.body).status, 1, `${c.job}: promtool parses it`);
        assert.equal(countSamples(c, true), theirs, `${c.job}: strict parse`);
      }
    }
    assert.equal(countSamples(captures[2] as Capture, true), counts.get('prom_client_om'), 'prom-client OpenMetrics is valid OpenMetrics');
  } finally {
    await nodeExporter.stop();
    await app.stop();
  }
});
