// Real exporters: what a running prometheus-node-exporter and a prom-client app serve parses to the number of samples
// the real Prometheus (2.42) counts on exactly the same bytes (its scrape_samples_scraped), in the format each serves.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { Entry, ExpositionParser } from '../src/model/exposition-parser.js';
import { formatFromContentType, scrapeAcceptHeader } from '../src/model/exposition-format.js';
import { findProgram, freePort, runProgram, startProgram, waitForHttp } from './support/programs.js';
import { prometheusVerdicts } from './support/prometheus-scrape.js';
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
    const verdicts = await prometheusVerdicts(prometheus.path as string, captures);
    const counts = new Map([...verdicts].map(([job, v]) => [job, v.samples]));
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
