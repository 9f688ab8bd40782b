// WAL replay speed: samples per second rebuilding the head from a WAL on open, decoded on the opening thread and
// in a worker thread. BENCH_COMMIT_SERIES (2000) series per commit. BENCH_WAL_DIR=<data dir> replays a copy of that directory's WAL (e.g. one Prometheus wrote,
// kept by `BENCH_KEEP=1 npm run bench -- tsdb-vs-prometheus`) instead of a synthetic one; BENCH_ROUNDS_OPEN repeats.

import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '../src/model/labels.js';
import { Db } from '../src/tsdb/db.js';
import { rate, startTiming, type Timing } from './bench-clock.js';

const SERIES = Number(process.env.BENCH_SERIES ?? '10000');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? '120');
const OPENS = Number(process.env.BENCH_ROUNDS_OPEN ?? '2');
const WAL_DIR = process.env.BENCH_WAL_DIR;
/** Series per commit (one scrape of a target); each commit is one samples record in the WAL. */
const PER_COMMIT = Number(process.env.BENCH_COMMIT_SERIES ?? '2000');

async function writeSynthetic(dir: string): Promise<void> {
  const db = await Db.open(dir, { logger: () => undefined });
  const labels = Array.from({ length: SERIES }, (_, i) => Labels.from({ __name__: `metric_${i % 100}`, instance: `host-${i % 50}`, i: String(i) }));
  const refs = new Array<number>(SERIES).fill(0);
  for (let r = 0; r < ROUNDS; r++) {
    // One commit per scraped target, as a server's WAL holds them.
    for (let first = 0; first < SERIES; first += PER_COMMIT) {
      const app = db.appender();
      for (let i = first; i < Math.min(SERIES, first + PER_COMMIT); i++) {
        refs[i] = app.append(refs[i] as number, labels[i] as Labels, r * 15_000, i % 2 === 0 ? r : Math.sin(r + i));
      }
      await app.commit();
    }
  }
  await db.close();
}

/** Opens a fresh copy of `source`'s WAL; returns the timing, replayed samples and series. */
async function openCopy(source: string, threadMinBytes: number): Promise<{ t: Timing; samples: number; series: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-open-'));
  try {
    cpSync(join(source, 'wal'), join(dir, 'wal'), { recursive: true });
    let samples = 0;
    const stop = startTiming();
    const db = await Db.open(dir, {
      walReplayThreadMinBytes: threadMinBytes,
      logger: (_level, msg, fields) => {
        if (msg === 'WAL replay completed') samples = Number(fields?.samples ?? 0);
      },
    });
    const t = stop();
    const series = db.head.numSeries;
    await db.close();
    return { t, samples, series };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const work = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
try {
  const source = WAL_DIR ?? work;
  if (WAL_DIR === undefined) await writeSynthetic(work);
  console.log(`load average: ${loadavg().map((l) => l.toFixed(2)).join(' ')}; WAL: ${WAL_DIR ?? `synthetic, ${SERIES} series × ${ROUNDS} samples, ${PER_COMMIT} per commit, snappy`}`);
  for (const [name, min] of [['decoded on the opening thread', Infinity], ['decoded in a worker thread', 0]] as const) {
    for (let i = 0; i < OPENS; i++) {
      const r = await openCopy(source, min);
      if (WAL_DIR === undefined && r.series !== SERIES) throw new Error(`replayed ${r.series} series, wrote ${SERIES}`);
      console.log(`WAL replay, ${name}: ${rate(r.samples, r.t)} (${r.samples} samples, ${r.series} series; ${r.t.wallSeconds.toFixed(2)} s wall, ${r.t.cpuSeconds.toFixed(2)} CPU-s)`);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
