// Side by side with the real Prometheus on the same data: head memory per series and WAL replay speed.
//
// 1. Starts /work/shared/bench/targets.mjs (N targets × S series) and the real Prometheus on free ports; Prometheus
//    scrapes them at a short interval until every series has ~SAMPLES samples; then its RSS and Go heap are read.
// 2. Prometheus is stopped and its data directory copied. Prometheus restarts on copies (no scrape targets) and is
//    timed until /-/ready; Vigil's `Db.open` replays other copies of the same WAL, in turns with Prometheus
//    (BENCH_REPLAY_RUNS rounds, medians reported). Head memory is compared after a GC on both sides (Prometheus:
//    /debug/pprof/heap?gc=1), minus what each program holds with an empty head.
// Every process started here is stopped by pid in `finally`, and on SIGINT/SIGTERM. Scale with env vars:
// BENCH_TARGETS (50), BENCH_SERIES_PER_TARGET (2000), BENCH_INTERVAL_S (1), BENCH_SAMPLES (120), BENCH_REPLAY_RUNS (3),
// PROMETHEUS (path), BENCH_TARGETS_SCRIPT (path of targets.mjs), BENCH_KEEP=1 keeps the temporary directory.

import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { Db } from '../src/tsdb/db.js';
import { findProgram, freePort, runProgram, startProgram, waitForHttp } from '../test/support/programs.js';
import type { RunningProgram } from '../test/support/programs.js';
import { startTiming, type Timing } from './bench-clock.js';

const TARGETS = Number(process.env.BENCH_TARGETS ?? '50');
const SERIES_PER_TARGET = Number(process.env.BENCH_SERIES_PER_TARGET ?? '2000');
const INTERVAL_S = Number(process.env.BENCH_INTERVAL_S ?? '1');
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? '120');
/** Alternating WAL-only replays of Prometheus and of Vigil (both modes) timed; medians are reported. */
const REPLAY_RUNS = Number(process.env.BENCH_REPLAY_RUNS ?? '3');
const TARGETS_SCRIPT = process.env.BENCH_TARGETS_SCRIPT ?? '/work/shared/bench/targets.mjs';
/** Prometheus adds up, scrape_duration_seconds, scrape_samples_scraped, scrape_samples_post_metric_relabeling, scrape_series_added. */
const SERIES = TARGETS * (SERIES_PER_TARGET + 5);
/** Hard bound on the scraping phase, whatever rate the loaded machine achieves. */
const SCRAPE_LIMIT_MS = Number(process.env.BENCH_SCRAPE_LIMIT_S ?? String(Math.max(60, SAMPLES * INTERVAL_S * 2))) * 1000;

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  console.error('run with --expose-gc (npm run bench does)');
  process.exit(1);
}
const prom = findProgram(process.env.PROMETHEUS ?? 'prometheus');
if (prom.path === undefined) {
  console.log(`skipped: ${prom.skip}`);
  process.exit(0);
}
if (!existsSync(TARGETS_SCRIPT)) {
  console.log(`skipped: ${TARGETS_SCRIPT} not found (set BENCH_TARGETS_SCRIPT)`);
  process.exit(0);
}
const PROMETHEUS = prom.path;

const running = new Set<RunningProgram>();
function start(path: string, args: string[]): RunningProgram {
  const p = startProgram(path, args);
  running.add(p);
  return p;
}
async function stop(p: RunningProgram): Promise<void> {
  await p.stop();
  running.delete(p);
}
async function stopAll(): Promise<void> {
  await Promise.all([...running].map((p) => stop(p)));
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    void stopAll().finally(() => process.exit(130));
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Values of one metric in a text exposition, summed over its series whose label text contains `having`. */
function metric(text: string, name: string, having = ''): number {
  let sum = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== ' ' && rest[0] !== '{') continue;
    if (having !== '' && !rest.includes(having)) continue;
    sum += Number(rest.slice(rest.lastIndexOf(' ') + 1));
    found = true;
  }
  return found ? sum : NaN;
}

async function get(url: string): Promise<string> {
  const r = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return r.text();
}

/** utime + stime of a process in seconds (from /proc; includes reaped children). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
  return ticks / 100;
}

interface PromMemory {
  series: number;
  rss: number;
  heapInuse: number;
  heapAlloc: number;
}

/** Runs a GC in Prometheus (pprof's gc=1), then reads its head series, RSS and Go heap. */
async function promMemory(base: string): Promise<PromMemory> {
  await get(`${base}/debug/pprof/heap?gc=1`);
  const m = await get(`${base}/metrics`);
  return {
    series: metric(m, 'prometheus_tsdb_head_series'),
    rss: metric(m, 'process_resident_memory_bytes'),
    heapInuse: metric(m, 'go_memstats_heap_inuse_bytes'),
    heapAlloc: metric(m, 'go_memstats_heap_alloc_bytes'),
  };
}

function dirBytes(dir: string): number {
  if (!existsSync(dir)) return 0;
  let n = 0;
  for (const f of readdirSync(dir)) n += statSync(join(dir, f)).size;
  return n;
}

function promArgs(config: string, data: string, port: number): string[] {
  return [`--config.file=${config}`, `--storage.tsdb.path=${data}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=info'];
}

interface PromRestart {
  readyWallS: number;
  cpuS: number;
  replayS: number;
  startedLogS: number;
  mem: PromMemory;
  /** Bytes in chunks_head/ once ready: full head chunks Prometheus keeps memory-mapped, outside its Go heap. */
  mmappedChunkBytes: number;
}

/** Starts Prometheus on `data` with no scrape targets, times it until /-/ready, reads its memory, stops it. */
async function promRestart(data: string, emptyConfig: string): Promise<PromRestart> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const t0 = Date.now();
  const p = start(PROMETHEUS, promArgs(emptyConfig, data, port));
  try {
    for (;;) {
      if (p.process.exitCode !== null) throw new Error(`prometheus exited with ${p.process.exitCode}:\n${p.output()}`);
      if (Date.now() - t0 > 600_000) throw new Error('prometheus was not ready within 10 minutes');
      try {
        if ((await fetch(`${base}/-/ready`, { signal: AbortSignal.timeout(2000) })).ok) break;
      } catch {
        // not listening yet
      }
      await sleep(20);
    }
    const readyWallS = (Date.now() - t0) / 1000;
    const cpuS = cpuSeconds(p.process.pid as number);
    const m = await get(`${base}/metrics`);
    // ts=2026-…Z of "TSDB started" minus the process's first log line.
    const stamps = [...p.output().matchAll(/^ts=(\S+).*$/gm)];
    const first = stamps[0]?.[1];
    const started = stamps.find((s) => s[0].includes('TSDB started'))?.[1];
    const startedLogS = first !== undefined && started !== undefined ? (Date.parse(started) - Date.parse(first)) / 1000 : NaN;
    const mem = await promMemory(base);
    return { readyWallS, cpuS, replayS: metric(m, 'prometheus_tsdb_data_replay_duration_seconds'), startedLogS, mem, mmappedChunkBytes: dirBytes(join(data, 'chunks_head')) };
  } finally {
    await stop(p);
  }
}

const mib = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;
const perSeries = (b: number, n: number): string => `${(b / n).toFixed(0)} B`;
const rateM = (n: number, s: number): string => `${(n / s / 1e6).toFixed(2)} M/s`;

const work = mkdtempSync(join(tmpdir(), 'vigil-vs-prom-'));
try {
  const load0 = loadavg();
  console.log(`load average at start: ${load0.map((l) => l.toFixed(2)).join(' ')} (${SERIES} series = ${TARGETS} targets × (${SERIES_PER_TARGET} + 5), interval ${INTERVAL_S}s, ${SAMPLES} samples wanted)`);

  // --- targets and a scraping Prometheus
  const tport = await freePort();
  const cport = await freePort();
  const targets = start(process.execPath, [TARGETS_SCRIPT, '--targets', String(TARGETS), '--series', String(SERIES_PER_TARGET),
    '--layout', 'paths', '--base-port', String(tport), '--control-port', String(cport), '--interval', String(INTERVAL_S)]);
  await waitForHttp(`http://127.0.0.1:${cport}/stats`, targets, 60_000);
  const scrapeYml = runProgram(process.execPath, [TARGETS_SCRIPT, '--targets', String(TARGETS), '--layout', 'paths',
    '--base-port', String(tport), '--print-scrape-config']);
  if (scrapeYml.status !== 0) throw new Error(`targets.mjs --print-scrape-config: ${scrapeYml.stderr}`);
  const config = join(work, 'prometheus.yml');
  writeFileSync(config, `global:\n  scrape_interval: ${INTERVAL_S}s\n  scrape_timeout: ${INTERVAL_S}s\n${scrapeYml.stdout}`);
  const emptyConfig = join(work, 'empty.yml');
  writeFileSync(emptyConfig, 'global:\n  scrape_interval: 1m\n');

  const data = join(work, 'scraped');
  const pport = await freePort();
  const pbase = `http://127.0.0.1:${pport}`;
  const scraper = start(PROMETHEUS, promArgs(config, data, pport));
  await waitForHttp(`${pbase}/-/ready`, scraper, 120_000);
  const tScrape = Date.now();
  let samples = 0;
  let headSeries = 0;
  for (;;) {
    await sleep(Math.max(1000, INTERVAL_S * 1000));
    const m = await get(`${pbase}/metrics`);
    headSeries = metric(m, 'prometheus_tsdb_head_series');
    samples = metric(m, 'prometheus_tsdb_head_samples_appended_total');
    if (headSeries > 0 && samples / headSeries >= SAMPLES) break;
    if (Date.now() - tScrape > SCRAPE_LIMIT_MS) {
      console.log(`scrape phase stopped at its time limit: ${(samples / Math.max(1, headSeries)).toFixed(1)} samples per series`);
      break;
    }
  }
  const scrapeS = (Date.now() - tScrape) / 1000;
  const scraping = await promMemory(pbase);
  await stop(scraper);
  await stop(targets);
  console.log(`scraped ${scrapeS.toFixed(0)} s: ${headSeries} head series, ${samples} samples (${(samples / headSeries).toFixed(1)} per series)`);
  if (headSeries < SERIES) console.log(`note: ${SERIES} series expected; some targets were not scraped in time`);

  // --- copies of what Prometheus wrote (WAL + m-mapped head chunks); Vigil ignores chunks_head
  let copies = 0;
  /** A fresh copy of the data directory; `walOnly` removes Prometheus's chunks_head (and its lock, for Vigil). */
  const copy = (walOnly: boolean): string => {
    const d = join(work, `copy-${copies++}`);
    cpSync(data, d, { recursive: true });
    if (walOnly) {
      rmSync(join(d, 'chunks_head'), { recursive: true, force: true });
      rmSync(join(d, 'lock'), { force: true });
    }
    return d;
  };
  const emptyProm = await promRestart(join(work, 'prom-empty'), emptyConfig);
  const promA = await promRestart(copy(false), emptyConfig);

  // --- Vigil: open (replay) the same WAL in this process
  const used = (): { heap: number; rss: number } => {
    (gc as () => void)();
    (gc as () => void)();
    const m = process.memoryUsage();
    return { heap: m.heapUsed + m.arrayBuffers, rss: m.rss };
  };
  /** Opens a fresh WAL-only copy; times the open; `measure` also reads the head's memory (after a GC) before closing. */
  const vigilOpen = async (oneThread: boolean, measure: boolean): Promise<{ t: Timing; samples: number; series: number; chunkBytes: number; heap: number; rss: number; before: { heap: number; rss: number } }> => {
    const dir = copy(true);
    const before = used();
    let replayed = 0;
    const stopClock = startTiming();
    const db = await Db.open(dir, {
      walReplayThreadMinBytes: oneThread ? Infinity : undefined,
      logger: (_level, msg, fields) => {
        if (msg === 'WAL replay completed') replayed = Number(fields?.samples ?? 0);
      },
    });
    const t = stopClock();
    const after = measure ? used() : before;
    const result = { t, samples: replayed, series: db.head.numSeries, chunkBytes: db.stats.headChunkBytes, heap: after.heap - before.heap, rss: after.rss - before.rss, before };
    await db.close();
    rmSync(dir, { recursive: true, force: true });
    return result;
  };

  // Replays alternate (Prometheus WAL only, Vigil with its worker thread, Vigil on one thread), REPLAY_RUNS rounds:
  // the machine's speed drifts, medians of alternating runs compare better than one run each.
  const promRuns: PromRestart[] = [];
  const workerRuns: Awaited<ReturnType<typeof vigilOpen>>[] = [];
  const oneThreadRuns: Awaited<ReturnType<typeof vigilOpen>>[] = [];
  for (let r = 0; r < REPLAY_RUNS; r++) {
    const walOnly = copy(false);
    rmSync(join(walOnly, 'chunks_head'), { recursive: true, force: true });
    promRuns.push(await promRestart(walOnly, emptyConfig));
    rmSync(walOnly, { recursive: true, force: true });
    workerRuns.push(await vigilOpen(false, r === 0));
    oneThreadRuns.push(await vigilOpen(true, false));
  }
  const vigil = workerRuns[0] as Awaited<ReturnType<typeof vigilOpen>>;
  const vigilSeries = vigil.series;

  const load1 = loadavg();
  const n = vigilSeries;
  // The WAL holds what Prometheus appended up to its shutdown, a little more than its last /metrics said.
  samples = vigil.samples;
  console.log(`\nhead memory per active series (after GC, minus the same program with an empty head; ${n} series, ${(samples / n).toFixed(0)} samples each)`);
  const heapPer = (a: PromMemory): string =>
    `${perSeries(a.heapAlloc - emptyProm.mem.heapAlloc, n)} (inuse ${perSeries(a.heapInuse - emptyProm.mem.heapInuse, n)})`;
  console.log('| | series | heap (Go heap_alloc; V8 heapUsed+arrayBuffers) | heap per series | RSS | RSS per series | full chunks outside heap |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  console.log(`| Prometheus while scraping (incl. scrape caches) | ${scraping.series} | ${mib(scraping.heapAlloc)} | ${heapPer(scraping)} | ${mib(scraping.rss)} | ${perSeries(scraping.rss - emptyProm.mem.rss, n)} | – |`);
  console.log(`| Prometheus after restart (head only) | ${promA.mem.series} | ${mib(promA.mem.heapAlloc)} | ${heapPer(promA.mem)} | ${mib(promA.mem.rss)} | ${perSeries(promA.mem.rss - emptyProm.mem.rss, n)} | ${perSeries(promA.mmappedChunkBytes, n)} (chunks_head, mmapped) |`);
  console.log(`| Vigil after Db.open (head only) | ${vigilSeries} | ${mib(vigil.heap)} | ${perSeries(vigil.heap, n)} | ${mib(vigil.rss + vigil.before.rss)} | ${perSeries(vigil.rss, n)} | 0 (all ${perSeries(vigil.chunkBytes, n)} of chunks in heap) |`);
  console.log(`(empty Prometheus: heap_alloc ${mib(emptyProm.mem.heapAlloc)}, heap_inuse ${mib(emptyProm.mem.heapInuse)}, RSS ${mib(emptyProm.mem.rss)}; Vigil before open: ${mib(vigil.before.heap)}, RSS ${mib(vigil.before.rss)})`);

  const median = (xs: number[]): number => {
    const a = [...xs].sort((x, y) => x - y);
    return a.length % 2 === 1 ? (a[a.length >> 1] as number) : ((a[a.length / 2 - 1] as number) + (a[a.length / 2] as number)) / 2;
  };
  const runs = (xs: number[]): string => (xs.length > 1 ? ` (runs: ${xs.map((x) => x.toFixed(2)).join(', ')})` : '');
  console.log(`\nWAL replay of the same WAL (${samples} samples, ${n} series); medians of ${REPLAY_RUNS} alternating runs`);
  console.log('| | replay | samples/s | start → ready (wall) | CPU s to ready | samples per CPU-second |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  console.log(`| Prometheus, WAL + chunks_head as written (one run) | ${promA.replayS.toFixed(2)} s (log: TSDB started after ${promA.startedLogS.toFixed(2)} s) | ${rateM(samples, promA.replayS)} | ${promA.readyWallS.toFixed(2)} s | ${promA.cpuS.toFixed(2)} | ${rateM(samples, promA.cpuS)} |`);
  const pReplay = median(promRuns.map((r) => r.replayS));
  const pCpu = median(promRuns.map((r) => r.cpuS));
  console.log(`| Prometheus, WAL only (chunks_head removed) | ${pReplay.toFixed(2)} s${runs(promRuns.map((r) => r.replayS))} | ${rateM(samples, pReplay)} | ${median(promRuns.map((r) => r.readyWallS)).toFixed(2)} s | ${pCpu.toFixed(2)} | ${rateM(samples, pCpu)} |`);
  for (const [name, rs] of [['WAL decoded in a worker thread', workerRuns], ['WAL decoded on the opening thread', oneThreadRuns]] as const) {
    const wall = median(rs.map((r) => r.t.wallSeconds));
    const cpu = median(rs.map((r) => r.t.cpuSeconds));
    console.log(`| Vigil Db.open (${name}) | ${wall.toFixed(2)} s${runs(rs.map((r) => r.t.wallSeconds))} | ${rateM(samples, wall)} | – | ${cpu.toFixed(2)} | ${rateM(samples, cpu)} |`);
  }
  console.log(`\nload average at end: ${load1.map((l) => l.toFixed(2)).join(' ')} (shared machine: compare ratios, not absolutes)`);
  for (const r of [...workerRuns, ...oneThreadRuns]) {
    if (r.samples !== samples) {
      console.error(`Vigil replayed ${r.samples} samples in one run, ${samples} in another`);
      process.exitCode = 1;
    }
  }
  if (vigilSeries !== promA.mem.series) {
    console.error(`Vigil replayed ${vigilSeries} series, Prometheus ${promA.mem.series}`);
    process.exitCode = 1;
  }
} finally {
  await stopAll();
  if (process.env.BENCH_KEEP === '1') console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
