// Tests of duration-expression evaluation.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MatrixSelector, SubqueryExpr, VectorSelector } from './ast.js';
import { dependsOnQuery, durationMs, goRound, secondsToMs } from './duration-expr.js';
import { ALL_FEATURES, parseExpr } from './parser.js';

const rangeOf = (q: string): MatrixSelector => parseExpr(q, ALL_FEATURES) as MatrixSelector;

test('constant expressions are evaluated at parse time', () => {
  assert.equal(rangeOf('foo[26m+4m]').range, 1_800_000);
  assert.equal(rangeOf('foo[60*30]').range, 1_800_000);
  assert.equal(rangeOf('foo[1h/2]').range, 1_800_000);
  assert.equal(rangeOf('foo[(9m30s+30s)*3]').range, 1_800_000);
  assert.equal(rangeOf('foo[-5m+35m]').range, 1_800_000);
  assert.equal(rangeOf('foo[2^2]').range, 4000);
  assert.equal(rangeOf('foo[7s % 4]').range, 3000);
  const sq = parseExpr('sum_over_time(foo[29s+1s:5s+5s])', ALL_FEATURES);
  assert.equal(sq.type, 'Call');
  const sub = sq.args[0] as SubqueryExpr;
  assert.deepEqual([sub.range, sub.step], [30_000, 10_000]);
  const off = parseExpr('foo offset (20*(((((8 - 2) / 3) * 7s) % 4) + 8000ms))', ALL_FEATURES) as VectorSelector;
  assert.equal(off.offset, 20 * ((((8 - 2) / 3) * 7) % 4 + 8) * 1000);
});

test('step() and range() are evaluated per query', () => {
  const m = rangeOf('foo[max_of(min_of(step()+1,1h),1ms)]');
  assert.equal(m.range, 0);
  assert.ok(m.rangeExpr !== undefined && dependsOnQuery(m.rangeExpr));
  assert.equal(durationMs(m.rangeExpr, { stepMs: 5000 }), 6000);
  assert.equal(durationMs(m.rangeExpr, { stepMs: 7_200_000 }), 3_600_000);
  const o = parseExpr('foo offset -min_of(step(), 1s)+8000', ALL_FEATURES);
  assert.equal(o.type, 'BinaryExpr');
  const vs = o.lhs as VectorSelector;
  assert.ok(vs.offsetExpr !== undefined);
  assert.equal(durationMs(vs.offsetExpr, { stepMs: 5000 }), -1000);
  const r = parseExpr('foo offset min_of(range(), 8s)', ALL_FEATURES) as VectorSelector;
  assert.equal(durationMs(r.offsetExpr as NonNullable<typeof r.offsetExpr>, { rangeMs: 10_000 }), 8000);
});

test('conversions round like Go', () => {
  assert.equal(goRound(-0.5), -1);
  assert.equal(goRound(0.5), 1);
  assert.equal(secondsToMs(1.5), 1500);
  assert.equal(secondsToMs(0.0009999), 0);
  assert.equal(secondsToMs(-1.5), -1500);
});
