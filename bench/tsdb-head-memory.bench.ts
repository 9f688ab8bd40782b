// Head memory per active series: 100k series × 120 samples (one full chunk each), measured after GC.

import { Labels } from '../src/model/labels.js';
import { Head } from '../src/tsdb/head.js';

const SERIES = Number(process.env.BENCH_SERIES ?? '100000');
const SAMPLES = 120;
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  console.error('run with --expose-gc (npm run bench does)');
  process.exit(1);
}

function used(): number {
  (gc as () => void)();
  (gc as () => void)();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

const labels = Array.from({ length: SERIES }, (_, i) =>
  Labels.from({ __name__: `node_metric_${i % 200}`, instance: `10.0.${(i >> 8) & 255}.${i & 255}:9100`, job: 'node', cpu: String(i % 16) }),
);
const before = used();
const head = new Head();
const refs = new Array<number>(SERIES).fill(0);
for (let s = 0; s < SAMPLES; s++) {
  const app = head.appender();
  const t = 1_700_000_000_000 + s * 15_000;
  for (let i = 0; i < SERIES; i++) {
    // A counter for most series, a gauge with noise for every fourth (realistic, not best-case).
    const v = i % 4 === 0 ? Math.round(Math.sin(i + s) * 1000) / 10 : s * (i % 7) + i;
    refs[i] = app.append(refs[i] as number, labels[i] as Labels, t, v);
  }
  await app.commit();
}
const after = used();
const per = (after - before) / SERIES;
console.log(`head memory: ${per.toFixed(0)} bytes per series (${SERIES} series × ${SAMPLES} samples; label objects built before measuring)`);
console.log(`  chunk bytes held: ${(head.stats.headChunkBytes / SERIES).toFixed(0)} bytes per series (slabs and arenas)`);
if (head.numSeries !== SERIES) process.exit(1);
