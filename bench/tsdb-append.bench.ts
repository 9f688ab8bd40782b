// Head append throughput on one core with refs known (the scrape-cache path), head only and with the WAL.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '../src/model/labels.js';
import type { Appendable } from '../src/storage/appendable.js';
import { Db } from '../src/tsdb/db.js';
import { Head } from '../src/tsdb/head.js';
import { rate, startTiming, type Timing } from './bench-clock.js';

const SERIES = Number(process.env.BENCH_SERIES ?? '10000');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? '240');
/** Untimed commits first, so the figure is the steady state of a long-running server, not JIT warm-up. */
const WARMUP = 20;

async function run(storage: Appendable): Promise<Timing> {
  const labels = Array.from({ length: SERIES }, (_, i) => Labels.from({ __name__: `metric_${i % 100}`, instance: `host-${i % 50}:9100`, job: 'node', i: String(i) }));
  const refs = new Array<number>(SERIES).fill(0);
  // First round creates the series (not timed): afterwards every append has its ref, like a scrape-cache hit.
  const first = storage.appender();
  for (let i = 0; i < SERIES; i++) refs[i] = first.append(0, labels[i] as Labels, 0, i);
  await first.commit();
  let stop = startTiming();
  for (let r = 1; r <= WARMUP + ROUNDS; r++) {
    if (r === WARMUP + 1) stop = startTiming();
    const app = storage.appender();
    const t = r * 15_000;
    for (let i = 0; i < SERIES; i++) app.append(refs[i] as number, labels[i] as Labels, t, i % 3 === 0 ? r : r * 1.5 + Math.sin(i));
    await app.commit();
  }
  return stop();
}

const head = await run(new Head());
console.log(`head append (no WAL): ${rate(SERIES * ROUNDS, head)}  (${SERIES} series × ${ROUNDS} commits, refs known)`);
const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
try {
  const db = await Db.open(dir, { logger: () => undefined });
  const withWal = await run(db);
  await db.close();
  console.log(`db append (WAL, snappy): ${rate(SERIES * ROUNDS, withWal)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
