// WAL replay speed: samples per second rebuilding the head from a WAL on open.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '../src/model/labels.js';
import { Db } from '../src/tsdb/db.js';
import { rate, startTiming } from './bench-clock.js';

const SERIES = Number(process.env.BENCH_SERIES ?? '10000');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? '120');
const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
try {
  const db = await Db.open(dir, { logger: () => undefined });
  const labels = Array.from({ length: SERIES }, (_, i) => Labels.from({ __name__: `metric_${i % 100}`, instance: `host-${i % 50}`, i: String(i) }));
  const refs = new Array<number>(SERIES).fill(0);
  for (let r = 0; r < ROUNDS; r++) {
    const app = db.appender();
    for (let i = 0; i < SERIES; i++) refs[i] = app.append(refs[i] as number, labels[i] as Labels, r * 15_000, i % 2 === 0 ? r : Math.sin(r + i));
    await app.commit();
  }
  await db.close();
  const stop = startTiming();
  const again = await Db.open(dir, { logger: () => undefined });
  const t = stop();
  const samples = SERIES * ROUNDS;
  const replayed = again.head.numSeries;
  await again.close();
  if (replayed !== SERIES) throw new Error(`replayed ${replayed} series, wrote ${SERIES}`);
  console.log(`WAL replay: ${rate(samples, t)}  (${SERIES} series × ${ROUNDS} samples, snappy)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
