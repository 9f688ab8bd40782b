// Select-and-iterate throughput on the head: samples per second read through the Querier seam.

import { Labels } from '../src/model/labels.js';
import { Matcher } from '../src/model/matcher.js';
import { Head } from '../src/tsdb/head.js';
import { rate, startTiming } from './bench-clock.js';

const SERIES = Number(process.env.BENCH_SERIES ?? '10000');
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? '240');
const head = new Head();
const labels = Array.from({ length: SERIES }, (_, i) => Labels.from({ __name__: `metric_${i % 100}`, job: i % 2 === 0 ? 'api' : 'db', i: String(i) }));
const refs = new Array<number>(SERIES).fill(0);
for (let s = 0; s < SAMPLES; s++) {
  const app = head.appender();
  for (let i = 0; i < SERIES; i++) refs[i] = app.append(refs[i] as number, labels[i] as Labels, s * 15_000, i % 2 === 0 ? s : Math.sin(s + i));
  await app.commit();
}
let sink = 0;
function scan(matchers: Matcher[]): number {
  const q = head.querier(-Infinity, Infinity);
  const set = q.select(matchers);
  let n = 0;
  while (set.next()) {
    const it = set.at().iterator();
    while (it.next()) {
      sink += it.atV();
      n++;
    }
  }
  q.close();
  return n;
}
for (const [name, ms] of [
  ['all series (=~".+")', [new Matcher('=~', '__name__', '.+')]],
  ['job="api", __name__=~"metric_1.*"', [new Matcher('=', 'job', 'api'), new Matcher('=~', '__name__', 'metric_1.*')]],
] as [string, Matcher[]][]) {
  scan(ms);
  const stop = startTiming();
  let n = 0;
  for (let k = 0; k < 3; k++) n += scan(ms);
  console.log(`select+iterate ${name}: ${rate(n, stop())} (${n / 3} samples per query)`);
}
if (Number.isNaN(sink)) console.log('');
