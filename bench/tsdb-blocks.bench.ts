// Block storage figures on realistic data (../shared/bench/targets.mjs scraped on a simulated clock):
// bytes per sample of three 2h blocks and of the 6h block compacted from them, compaction time, and
// select-and-iterate throughput and memory for both chunk access modes. Side by side: the same samples written
// as OpenMetrics and turned into blocks by `promtool tsdb create-blocks-from openmetrics` (when promtool is on
// PATH), and the share of the chunk bytes that timestamps and chunk framing take (the same chunks with every
// value 0), so the rest is what the values themselves cost in Prometheus's XOR encoding.
//
// Env: BENCH_TARGETS (2), BENCH_SERIES per target (1000), BENCH_HOURS (6), BENCH_INTERVAL_S (15),
// BENCH_TARGETS_MJS (path of targets.mjs; default ../shared/bench/targets.mjs next to the repo or /work/shared).

import { spawn } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Labels } from '../src/model/labels.js';
import { Matcher } from '../src/model/matcher.js';
import type { ChunkData, SeriesData } from '../src/tsdb/block.js';
import { openBlocks } from '../src/tsdb/block-dir.js';
import { openBlock } from '../src/tsdb/block-reader.js';
import type { ChunkAccess } from '../src/tsdb/chunk-segments.js';
import { writeBlock } from '../src/tsdb/block-writer.js';
import { compactBlocks } from '../src/tsdb/compactor.js';
import { XorAppender, xorLead, xorTrail } from '../src/tsdb/xor-chunk.js';

const TARGETS = Number(process.env.BENCH_TARGETS ?? '2');
const SERIES = Number(process.env.BENCH_SERIES ?? '1000');
const HOURS = Number(process.env.BENCH_HOURS ?? '6');
const INTERVAL = Number(process.env.BENCH_INTERVAL_S ?? '15') * 1000;
const T0 = 1700006400000; // aligned to 2h
const BLOCK = 2 * 3_600_000;

function targetsScript(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [process.env.BENCH_TARGETS_MJS, resolve(here, '../../../shared/bench/targets.mjs'), resolve(here, '../../shared/bench/targets.mjs'), '/work/shared/bench/targets.mjs'];
  return candidates.find((p) => p !== undefined && existsSync(p));
}

/** Starts targets.mjs with Date.now() driven by an `x-sim-time` request header, so scrapes happen on a simulated clock. */
async function startTargets(script: string, work: string): Promise<{ port: number; stop: () => void }> {
  const preload = join(work, 'sim-clock.mjs');
  writeFileSync(
    preload,
    `import http from 'node:http';
let sim = ${T0};
Date.now = () => sim;
const create = http.createServer;
http.createServer = (handler) => create((req, res) => { const t = req.headers['x-sim-time']; if (t) sim = Number(t); handler(req, res); });
`,
  );
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, ['--import', preload, script, '--targets', String(TARGETS), '--series', String(SERIES), '--layout', 'paths', '--base-port', String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const rl = createInterface({ input: child.stdout });
  await new Promise<void>((ok, fail) => {
    rl.once('line', () => ok());
    child.once('exit', (code) => fail(new Error(`targets.mjs exited with ${code}`)));
  });
  return { port, stop: () => child.kill('SIGTERM') };
}

/** Labels of an exposition line's series part: `name{a="b",c="d\\"e"}`. Only for the generator's output. */
function parseSeries(text: string): Labels {
  const brace = text.indexOf('{');
  if (brace < 0) return Labels.from({ __name__: text });
  const pairs: [string, string][] = [['__name__', text.slice(0, brace)]];
  let i = brace + 1;
  while (i < text.length && text[i] !== '}') {
    const eq = text.indexOf('=', i);
    const name = text.slice(i, eq);
    let j = eq + 2;
    let v = '';
    while (text[j] !== '"') {
      if (text[j] === '\\') {
        const c = text[j + 1];
        v += c === 'n' ? '\n' : (c as string);
        j += 2;
      } else v += text[j++];
    }
    pairs.push([name, v]);
    i = j + 1;
    if (text[i] === ',') i++;
  }
  return Labels.from(pairs);
}

interface SeriesState {
  labels: Labels;
  app: XorAppender | undefined;
  /** The same timestamps with every value 0: what timestamps and chunk framing cost. */
  zeroApp: XorAppender | undefined;
  mint: number;
  maxt: number;
  chunks: ChunkData[];
  /** The previous value's bits in the open chunk (for the lower bound below). */
  hi: number;
  lo: number;
}

/** Cuts chunks as the head does for 15 s data: at 120 samples or at the 2h block boundary. */
function append(s: SeriesState, t: number, v: number): void {
  if (s.app !== undefined && (s.app.numSamples >= 120 || Math.floor(t / BLOCK) !== Math.floor(s.mint / BLOCK))) cut(s);
  f64[0] = v;
  const [lo, hi] = [u32[0] as number, u32[1] as number];
  if (s.app === undefined) {
    s.app = new XorAppender();
    s.zeroApp = new XorAppender();
    s.mint = t;
    valueBitsAtLeast += 64;
  } else {
    // Whatever window an XOR writer picks, a value costs its control bits and at least its XOR's significant bits.
    const xHi = hi ^ s.hi;
    const xLo = lo ^ s.lo;
    valueBitsAtLeast += xHi === 0 && xLo === 0 ? 1 : 2 + 64 - xorLead(xHi, xLo) - xorTrail(xHi, xLo);
  }
  s.hi = hi;
  s.lo = lo;
  s.app.append(t, v);
  s.zeroApp?.append(t, 0);
  s.maxt = t;
}

function cut(s: SeriesState): void {
  if (s.app === undefined) return;
  s.chunks.push({ mint: s.mint, maxt: s.maxt, bytes: s.app.bytes() });
  zeroValueChunkBytes += s.zeroApp?.bytes().length ?? 0;
  s.app = undefined;
  s.zeroApp = undefined;
}

let zeroValueChunkBytes = 0;
/** A lower bound for the value bits of any XOR chunk writer on these samples (Prometheus's writer, or a smarter one). */
let valueBitsAtLeast = 0;
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** A series line of the generator with an `instance` label added, as OpenMetrics for promtool. */
function withInstance(seriesText: string, instance: string): string {
  const brace = seriesText.indexOf('{');
  return brace < 0 ? `${seriesText}{instance="${instance}"}` : `${seriesText.slice(0, brace + 1)}instance="${instance}",${seriesText.slice(brace + 1)}`;
}

function dirBytes(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) n += e.isDirectory() ? dirBytes(join(dir, e.name)) : statSync(join(dir, e.name)).size;
  return n;
}

/** Bytes per sample of the blocks promtool writes from the OpenMetrics file, or why there is no figure. */
function promtoolFigure(omFile: string, out: string): string {
  const found = spawnSync('sh', ['-c', 'command -v promtool']).stdout.toString().trim();
  if (found === '') return 'promtool not on PATH: no side-by-side figure';
  const r = spawnSync(found, ['tsdb', 'create-blocks-from', 'openmetrics', omFile, out], { maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) return `promtool failed: ${r.stderr.toString().slice(0, 500)}`;
  let bytes = 0;
  let chunkBytes = 0;
  let samples = 0;
  const blocks = readdirSync(out).filter((d) => existsSync(join(out, d, 'meta.json')));
  for (const d of blocks) {
    bytes += dirBytes(join(out, d));
    chunkBytes += dirBytes(join(out, d, 'chunks'));
    samples += (JSON.parse(readFileSync(join(out, d, 'meta.json'), 'utf8')) as { stats: { numSamples: number } }).stats.numSamples;
  }
  return `promtool create-blocks-from on the same samples: ${blocks.length} blocks, ${samples} samples, ${(bytes / samples).toFixed(3)} bytes/sample (chunks ${(chunkBytes / samples).toFixed(3)})`;
}

function mb(n: number): string {
  return `${(n / 1048576).toFixed(1)} MiB`;
}

async function main(): Promise<void> {
  const script = targetsScript();
  if (script === undefined) {
    console.log('skipped: targets.mjs not found (set BENCH_TARGETS_MJS)');
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'vigil-bench-blocks-'));
  const targets = await startTargets(script, work);
  const series = new Map<string, SeriesState>();
  const omFile = join(work, 'samples.om.txt');
  const om = openSync(omFile, 'w');
  let samples = 0;
  const genStart = performance.now();
  try {
    const steps = (HOURS * 3_600_000) / INTERVAL;
    for (let k = 0; k < steps; k++) {
      const t = T0 + k * INTERVAL;
      const lines: string[] = [];
      for (let i = 0; i < TARGETS; i++) {
        const res = await fetch(`http://127.0.0.1:${targets.port}/t/${i}/metrics`, { headers: { 'x-sim-time': String(t) } });
        const text = await res.text();
        let pos = 0;
        while (pos < text.length) {
          let nl = text.indexOf('\n', pos);
          if (nl < 0) nl = text.length;
          if (text.charCodeAt(pos) !== 35 /* # */ && nl > pos) {
            const sp = text.lastIndexOf(' ', nl);
            const key = `${i}/${text.slice(pos, sp)}`;
            let s = series.get(key);
            if (s === undefined) {
              s = { labels: parseSeries(text.slice(pos, sp)).with('instance', `target-${i}`), app: undefined, zeroApp: undefined, mint: 0, maxt: 0, chunks: [], hi: 0, lo: 0 };
              series.set(key, s);
            }
            const value = text.slice(sp + 1, nl);
            append(s, t, Number(value));
            lines.push(`${withInstance(text.slice(pos, sp), `target-${i}`)} ${value} ${t / 1000}\n`);
            samples++;
          }
          pos = nl + 1;
        }
      }
      writeSync(om, lines.join(''));
    }
    writeSync(om, '# EOF\n');
  } finally {
    closeSync(om);
    targets.stop();
  }
  for (const s of series.values()) cut(s);
  console.log(`data: ${series.size} series × ${HOURS}h at ${INTERVAL / 1000}s = ${samples} samples (generated in ${((performance.now() - genStart) / 1000).toFixed(1)} s)`);

  // Level-1 blocks, one per 2h, as head compaction writes them.
  const data = join(work, 'data');
  let l1Bytes = 0;
  const writeStart = performance.now();
  for (let b = T0; b < T0 + HOURS * 3_600_000; b += BLOCK) {
    const blockSeries: SeriesData[] = [];
    for (const s of series.values()) {
      const chunks = s.chunks.filter((c) => c.mint >= b && c.mint < b + BLOCK);
      if (chunks.length > 0) blockSeries.push({ labels: s.labels, chunks });
    }
    writeBlock(data, { mint: b, maxt: b + BLOCK, series: blockSeries });
  }
  const writeMs = performance.now() - writeStart;
  series.clear();
  const l1 = openBlocks(data).blocks;
  for (const b of l1) l1Bytes += b.size();
  const l1Chunks = l1.reduce((a, b) => a + b.chunks.size(), 0);
  console.log(`level-1 blocks: ${l1.length}, ${(l1Bytes / samples).toFixed(3)} bytes/sample (chunks ${(l1Chunks / samples).toFixed(3)}), written in ${writeMs.toFixed(0)} ms`);
  console.log(
    `of the chunk bytes, timestamps and framing (same chunks, every value 0): ${(zeroValueChunkBytes / samples).toFixed(3)} bytes/sample; ` +
      `the values: ${((l1Chunks - zeroValueChunkBytes) / samples).toFixed(3)} bytes/sample; ` +
      `no XOR chunk writer can take less for these values than ${(valueBitsAtLeast / 8 / samples).toFixed(3)} bytes/sample (control bits and significant bits of each)`,
  );
  console.log(promtoolFigure(omFile, join(work, 'promtool')));
  rmSync(omFile, { force: true });

  const compactStart = performance.now();
  const ulid = compactBlocks(data, l1) as string;
  const compactMs = performance.now() - compactStart;
  for (const b of l1) b.close();
  const compacted = openBlock(join(data, ulid));
  const size = compacted.size();
  console.log(
    `compacted ${HOURS}h block: ${mb(size)}, ${(size / compacted.meta.stats.numSamples).toFixed(3)} bytes/sample ` +
      `(chunks ${(compacted.chunks.size() / compacted.meta.stats.numSamples).toFixed(3)}, index ${(compacted.index.size() / compacted.meta.stats.numSamples).toFixed(3)}), ` +
      `compaction ${compactMs.toFixed(0)} ms (${((compacted.meta.stats.numSamples / compactMs) * 1000 / 1e6).toFixed(1)} M samples/s)`,
  );
  compacted.close();
  for (const verifyIndex of [true, false]) {
    const t = performance.now();
    openBlock(join(data, ulid), { verifyIndex }).close();
    console.log(`open compacted block (${verifyIndex ? 'every index CRC checked' : 'TOC, symbols, postings table checked'}): ${(performance.now() - t).toFixed(1)} ms`);
  }

  // Select and iterate: every series of the block, and a selective matcher.
  const selections: [string, Matcher[]][] = [
    ['all series', [new Matcher('=~', '__name__', '.+')]],
    ['container_cpu.*', [new Matcher('=~', '__name__', 'container_cpu.*'), new Matcher('=', 'container', 'app')]],
  ];
  for (const access of ['buffer', 'pread'] as ChunkAccess[]) {
    for (const [name, matchers] of selections) {
      const block = openBlock(join(data, ulid), { chunkAccess: access });
      const start = performance.now();
      let n = 0;
      let nSeries = 0;
      let sink = 0;
      const ss = block.querier(-Infinity, Infinity).select(matchers);
      while (ss.next()) {
        nSeries++;
        const it = ss.at().iterator();
        while (it.next()) {
          sink += it.atV();
          n++;
        }
      }
      const ms = performance.now() - start;
      console.log(
        `select+iterate ${name} (${access}): ${nSeries} series, ${n} samples in ${ms.toFixed(0)} ms = ${((n / ms) * 1000 / 1e6).toFixed(1)} M samples/s; ` +
          `chunk bytes held in memory: ${mb(block.chunks.loadedBytes())} of ${mb(block.chunks.size())}, index ${mb(block.index.size())}${sink === 0.5 ? ' ' : ''}`,
      );
      block.close();
    }
  }
  if (process.env.BENCH_KEEP === undefined) rmSync(work, { recursive: true, force: true });
  else console.log(`kept ${data}`);
}

await main();
