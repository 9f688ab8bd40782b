// Relabeling throughput: typical metric_relabel_configs (drop by name, labeldrop) and target relabel_configs.

import { Labels } from '../src/model/labels.js';
import { newRelabelConfig, relabel } from '../src/model/relabel.js';

const series: Labels[] = [];
for (let i = 0; i < 10_000; i++) {
  series.push(Labels.from({ __name__: i % 10 === 0 ? `go_gc_${i}` : `http_requests_total`, code: String(200 + (i % 5)), handler: `/api/v${i % 7}`, instance: 'h:9100', job: 'node', pod: `pod-${i}` }));
}

const metricRelabel = [
  newRelabelConfig({ action: 'drop', sourceLabels: ['__name__'], regex: 'go_.*' }),
  newRelabelConfig({ action: 'labeldrop', regex: 'pod' }),
];
const targetRelabel = [
  newRelabelConfig({ sourceLabels: ['__address__'], targetLabel: '__param_target' }),
  newRelabelConfig({ action: 'hashmod', sourceLabels: ['instance'], modulus: 4, targetLabel: '__tmp_shard' }),
  newRelabelConfig({ action: 'keep', sourceLabels: ['__tmp_shard'], regex: '0|1|2|3' }),
  newRelabelConfig({ action: 'labelmap', regex: 'hand(.*)', replacement: 'x_$1' }),
];

function run(name: string, fn: () => void, rounds: number): void {
  fn();
  const start = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) fn();
  const ns = Number(process.hrtime.bigint() - start);
  const ops = (rounds * series.length) / (ns / 1e9);
  console.log(`${name.padEnd(28)} ${(ns / 1e6 / rounds).toFixed(1).padStart(8)} ms per 10k sets  ${Math.round(ops).toLocaleString('en-US').padStart(12)} sets/s`);
}

let kept = 0;
run('metric relabel (drop+labeldrop)', () => {
  for (const s of series) if (relabel(s, metricRelabel) !== null) kept++;
}, 20);
run('target relabel (4 steps)', () => {
  for (const s of series) if (relabel(s, targetRelabel) !== null) kept++;
}, 5);
if (kept === 0) throw new Error('nothing kept');
