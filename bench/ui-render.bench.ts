// UI bench: time to draw 1,000 series × 1,000 points on the query page in Chromium, and the gzipped UI bundle size.
// Run: npm run bench -- ui-render   (SERIES, POINTS and RUNS override the defaults 1000, 1000 and 5).

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { findChromium, launchChromium } from '../test/ui/browser.js';
import { UiAssets } from '../src/web/ui-assets.js';

const SERIES = Number(process.env.SERIES ?? 1000);
const POINTS = Number(process.env.POINTS ?? 1000);
const RUNS = Number(process.env.RUNS ?? 5);
const END = Date.UTC(2024, 0, 1) / 1000;
const STEP = 15;
const START = END - (POINTS - 1) * STEP;

/** A range-query answer with SERIES series of POINTS samples each (random walks), as Prometheus writes it. */
function matrixJson(): Buffer {
  const parts: string[] = [];
  let seed = 1;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let s = 0; s < SERIES; s++) {
    let v = rand() * 100;
    const values: string[] = [];
    for (let i = 0; i < POINTS; i++) {
      v = Math.max(0, v + (rand() - 0.5) * 5);
      values.push(`[${START + i * STEP},"${v.toFixed(3)}"]`);
    }
    parts.push(`{"metric":{"__name__":"bench_metric","instance":"host-${s % 50}:9100","job":"bench","series":"${s}"},"values":[${values.join(',')}]}`);
  }
  return Buffer.from(`{"status":"success","data":{"resultType":"matrix","result":[${parts.join(',')}]}}`);
}

function bundleSizes(dir: string): { js: number; css: number; html: number; raw: number } {
  const sizes = { js: 0, css: 0, html: 0, raw: 0 };
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        walk(p);
        continue;
      }
      const body = readFileSync(p);
      const gz = gzipSync(body, { level: 9 }).length;
      sizes.raw += body.length;
      if (name.endsWith('.js')) sizes.js += gz;
      else if (name.endsWith('.css')) sizes.css += gz;
      else if (name.endsWith('.html')) sizes.html += gz;
    }
  };
  walk(dir);
  return sizes;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

const assets = UiAssets.load();
if (!assets.built) throw new Error(`the UI is not built in ${assets.dir}: run npm run build:ui`);
const sizes = bundleSizes(assets.dir);
const kib = (n: number): string => `${(n / 1024).toFixed(1)} KiB`;
console.log(`ui bundle gzipped: ${kib(sizes.js + sizes.css + sizes.html)} (js ${kib(sizes.js)}, css ${kib(sizes.css)}, html ${kib(sizes.html)}); uncompressed ${kib(sizes.raw)}`);

const chromium = findChromium();
if (chromium.skip !== undefined) {
  console.log(`draw: skipped (${chromium.skip})`);
  process.exit(0);
}
const body = matrixJson();
const empty = (data: string): Buffer => Buffer.from(`{"status":"success","data":${data}}`);
const server = createServer((req, res) => {
  if (assets.handle(req, res)) return;
  const path = (req.url ?? '').split('?')[0] ?? '';
  const reply = path === '/api/v1/query_range' ? body : path === '/api/v1/metadata' ? empty('{}') : empty('[]');
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(reply);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const browser = await launchChromium(chromium.path);
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const end = new Date(END * 1000).toISOString().replace('T', ' ').slice(0, 19);
  const url = `${base}/graph?g0.expr=bench_metric&g0.tab=0&g0.range_input=${(POINTS - 1) * STEP}s&g0.end_input=${encodeURIComponent(end)}&g0.step_input=${STEP}`;
  const draws: number[] = [];
  const totals: number[] = [];
  const hovers: number[] = [];
  for (let run = 0; run < RUNS + 1; run++) {
    await page.goto(url);
    await page.locator('.panel-result[data-draw-ms]').waitFor({ timeout: 120_000 });
    const drawMs = Number(await page.locator('.panel-result').getAttribute('data-draw-ms'));
    const series = Number(await page.locator('.panel-result').getAttribute('data-series-count'));
    if (series !== SERIES) throw new Error(`drew ${series} series, expected ${SERIES}`);
    // From navigation start: fetch, JSON parse, alignment and draw.
    const total = await page.evaluate<number>("performance.getEntriesByName('vigil-graph-draw')[0].startTime + performance.getEntriesByName('vigil-graph-draw')[0].duration");
    const box = await page.locator('.u-over').boundingBox();
    if (box === null) throw new Error('no plot');
    const h0 = await page.evaluate<number>('performance.now()');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.locator('.graph-tooltip:not([hidden])').waitFor();
    const h1 = await page.evaluate<number>('performance.now()');
    if (run === 0) continue; // warm-up
    draws.push(drawMs);
    totals.push(total);
    hovers.push(h1 - h0);
  }
  const ms = (xs: number[]): string => `median ${median(xs).toFixed(0)} ms, best ${Math.min(...xs).toFixed(0)} ms`;
  console.log(`draw ${SERIES} series × ${POINTS} points (align + uPlot first draw, wall): ${ms(draws)} over ${RUNS} runs [${draws.map((d) => d.toFixed(0)).join(', ')}]`);
  console.log(`page load to drawn graph (fetch ${(body.length / 1048576).toFixed(1)} MiB JSON, parse, align, draw), wall: ${ms(totals)}`);
  console.log(`hover to tooltip (nearest of ${SERIES} series, incl. playwright round trip): median ${median(hovers).toFixed(0)} ms`);
} finally {
  await browser.close();
  server.closeAllConnections();
  server.close();
}
