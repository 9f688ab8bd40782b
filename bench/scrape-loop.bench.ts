// Scrape loop throughput on one core: a realistic exposition appended into the TSDB head, steady state (every
// series a scrape-cache hit) against cold scrapes (a fresh cache each time: labels parsed, relabeled and hashed).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Labels } from '../src/model/labels.js';
import { ScrapeCache } from '../src/scrape/scrape-cache.js';
import { ScrapeLoop } from '../src/scrape/scrape-loop.js';
import { plainLoopOptions } from '../src/scrape/test-scrape-loop.js';
import { ScrapeTarget } from '../src/scrape/scrape-target.js';
import { Head } from '../src/tsdb/head.js';
import { sharedPath } from '../test/support/shared-data.js';

const dir = sharedPath('conformance/textparse');
if (dir === undefined) {
  console.error('bench: ../shared/conformance/textparse not found');
  process.exit(1);
}
const seconds = Number(process.env.BENCH_SECONDS ?? '1');
const body = readFileSync(join(dir, 'alltypes.237mfs.prom.txt'));
const labels = Labels.from({
  __address__: 'node:9100', __scheme__: 'http', __metrics_path__: '/metrics', __scrape_interval__: '15s', __scrape_timeout__: '10s',
  job: 'node', instance: 'node:9100',
});

function makeLoop(head: Head, cache?: ScrapeCache): ScrapeLoop {
  return new ScrapeLoop(plainLoopOptions({ target: new ScrapeTarget(labels, labels, {}), appendable: head, scrape: async () => ({ body, contentType: 'text/plain; version=0.0.4' }) }), cache);
}

async function run(name: string, cold: boolean): Promise<void> {
  const head = new Head();
  let loop = makeLoop(head);
  let t = 1_700_000_000_000;
  const first = await loop.scrapeOnce(t);
  if (first.error !== undefined) throw first.error;
  for (let i = 0; i < 20; i++) await loop.scrapeOnce((t += 15_000));
  let samples = 0;
  let scrapes = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < seconds) {
    if (cold) loop = makeLoop(head, new ScrapeCache());
    const r = await loop.scrapeOnce((t += 15_000));
    samples += r.samplesScraped;
    scrapes++;
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  }
  console.log(`${name.padEnd(28)} ${(samples / elapsed / 1e6).toFixed(2)} M samples/s  ${((elapsed / scrapes) * 1e3).toFixed(3)} ms/scrape  (${first.samplesScraped} samples per scrape)`);
}

await run('scrape, cache hits', false);
if (process.env.BENCH_ONLY !== 'hot') await run('scrape, cold cache', true);
