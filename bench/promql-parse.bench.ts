// PromQL parsing and formatting throughput: every eval expression of Prometheus's test scripts, plus large inputs.

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatQuery } from '../src/promql/format-query.js';
import { ALL_FEATURES, parseExpr } from '../src/promql/parser.js';
import { exprToString } from '../src/promql/printer.js';

const dir = fileURLToPath(new URL('../../test/fixtures/promqltest/v3.14.0/', import.meta.url));
const EVAL = /^eval(?:_\w+)?\s+(?:instant\s+at\s+\S+|range\s+from\s+\S+\s+to\s+\S+\s+step\s+\S+)\s+(.+)$/;
const queries: string[] = [];
for (const f of readdirSync(dir)) {
  for (const line of readFileSync(dir + f, 'utf8').split('\n')) {
    const m = EVAL.exec(line.trim());
    if (m !== null) queries.push(m[1] as string);
  }
}
const bytes = queries.reduce((n, q) => n + q.length, 0);

function run(name: string, rounds: number, units: number, unit: string, fn: () => void): void {
  fn();
  const start = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) fn();
  const ns = Number(process.hrtime.bigint() - start) / rounds;
  console.log(`${name.padEnd(40)} ${(ns / 1e6).toFixed(2).padStart(9)} ms/round  ${((ns / units) / 1e3).toFixed(2).padStart(8)} µs/${unit}`);
}

let sink = 0;
run(`parse ${queries.length} script queries (${(bytes / 1024).toFixed(0)} KiB)`, 20, queries.length, 'query', () => {
  for (const q of queries) sink += parseExpr(q, ALL_FEATURES).pos.end;
});
const parsed = queries.map((q) => parseExpr(q, ALL_FEATURES));
run('print the same trees (String())', 20, parsed.length, 'query', () => {
  for (const e of parsed) sink += exprToString(e).length;
});
const selector = `m{${Array.from({ length: 2_000 }, (_, i) => `label_${i}=~"value_${i}|other"`).join(', ')}}`;
run(`parse a ${(selector.length / 1024).toFixed(0)} KiB selector (2k regex matchers)`, 3, 2_000, 'matcher', () => {
  sink += parseExpr(selector).pos.end;
});
const chain = Array.from({ length: 900 }, (_, i) => `rate(metric_${i}{job="x"}[5m])`).join(' + ');
run(`formatQuery of a 900-term sum (${(chain.length / 1024).toFixed(0)} KiB)`, 5, 900, 'term', () => {
  sink += formatQuery(chain).length;
});
if (sink === 0) throw new Error('nothing parsed');
