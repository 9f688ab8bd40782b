// Tests of the aggregation operators: the series-at-once paths against the per-step definition.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Labels } from '../model/labels.js';
import { Annotations } from './annotations.js';
import type { AggregateExpr, AggregateOp } from './ast.js';
import { aggregate, aggregateSeries, groupingKey, groupingLabels, topkSeries } from './aggregate.js';
import { Engine } from './engine.js';
import { ALL_FEATURES, parseExpr } from './parser.js';
import { MemoryStorage } from '../storage/memory-storage.js';
import type { Sample, Series } from './value.js';

const STEPS = 3;
const stepOf = (t: number): number => t / 1000;
const stepTime = (i: number): number => i * 1000;

function expr(op: AggregateOp, grouping: string[], without: boolean): AggregateExpr {
  const pos = { start: 0, end: 0 };
  return { type: 'AggregateExpr', op, expr: { type: 'NumberLiteral', val: 0, duration: false, pos }, grouping, without, pos };
}

/** label text → [[t, value text], ...] sorted by time; values as text so NaN compares equal. */
function normalise(points: Array<{ metric: Labels; t: number; f: number }>): Record<string, string> {
  const by: Record<string, Array<[number, string]>> = {};
  for (const p of points) (by[p.metric.toString()] ??= []).push([p.t, Number.isNaN(p.f) ? 'NaN' : p.f.toPrecision(12)]);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(by)) out[k] = JSON.stringify(v.sort((a, b) => a[0] - b[0]));
  return out;
}

const valueArb = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom(NaN, Infinity, -Infinity, 1e308, 0.1));
const seriesArb: fc.Arbitrary<Series[]> = fc
  .uniqueArray(
    fc.record({
      a: fc.constantFrom('x', 'y'),
      b: fc.constantFrom('1', '2', '3'),
      points: fc.array(fc.tuple(fc.integer({ min: 0, max: STEPS - 1 }), valueArb), { maxLength: STEPS }),
    }),
    { selector: (r) => `${r.a}/${r.b}`, maxLength: 6 },
  )
  .map((rs) =>
    rs.map((r) => {
      const steps = [...new Map(r.points).entries()].sort((x, y) => x[0] - y[0]);
      return { metric: Labels.from({ __name__: 'm', a: r.a, b: r.b }), ts: steps.map(([i]) => stepTime(i)), fs: steps.map(([, v]) => v), dropName: false };
    }),
  );

function perStep(e: AggregateExpr, series: Series[], param: number | undefined): Record<string, string> {
  const points: Sample[] = [];
  for (let i = 0; i < STEPS; i++) {
    const samples = series.flatMap((s) => s.ts.flatMap((t, k) => (stepOf(t) === i ? [{ metric: s.metric, t, f: s.fs[k] as number, dropName: false }] : [])));
    points.push(...aggregate(e, samples, param, stepTime(i), new Annotations(), false).map((s) => ({ ...s, t: stepTime(i) })));
  }
  return normalise(points);
}

test('series-at-once aggregations agree with the per-step definition', () => {
  fc.assert(
    fc.property(
      seriesArb,
      fc.constantFrom<AggregateOp>('sum', 'avg', 'count', 'min', 'max', 'group', 'stddev', 'stdvar', 'topk', 'bottomk'),
      fc.constantFrom<string[]>([], ['a'], ['b'], ['a', 'b']),
      fc.boolean(),
      fc.integer({ min: 0, max: 3 }),
      (series, op, grouping, without, k) => {
        const e = expr(op, grouping, without);
        const want = perStep(e, series, op === 'topk' || op === 'bottomk' ? k : undefined);
        const out =
          op === 'topk' || op === 'bottomk'
            ? topkSeries(e, series, new Float64Array(STEPS).fill(k), STEPS, stepOf, stepTime)
            : aggregateSeries(e, series, STEPS, stepOf, stepTime);
        const got = normalise(out.flatMap((s) => s.ts.map((t, j) => ({ metric: s.metric, t, f: s.fs[j] as number }))));
        assert.deepEqual(got, want);
      },
    ),
    { numRuns: 400 },
  );
});

test('count_values labels use Go\'s plain float format (FormatFloat \'f\', -1): -0 stays "-0", no exponents', async () => {
  const st = new MemoryStorage();
  const values = [-0, 1e21, 1.5e-7, -Infinity, 0.1, 1e6];
  const app = st.appender();
  values.forEach((v, i) => app.append(0, Labels.from({ __name__: 'x', i: String(i) }), 0, v));
  await app.commit();
  const r = await new Engine().instantQuery(st, parseExpr('count_values("v", x)'), 0);
  const got = r.value.type === 'vector' ? r.value.samples.map((s) => s.metric.get('v')).sort() : [];
  assert.deepEqual(got, ['-0', '-Inf', '0.00000015', '0.1', '1000000', '1000000000000000000000'].sort());
});

test('quantile and limit_ratio warnings print the parameter as Go\'s %g', async () => {
  const st = new MemoryStorage();
  const app = st.appender();
  app.append(0, Labels.from({ __name__: 'x' }), 0, 1);
  await app.commit();
  const e = new Engine();
  const warn = async (q: string): Promise<string[]> => [...(await e.instantQuery(st, parseExpr(q, ALL_FEATURES), 0)).annotations.warnings];
  assert.deepEqual(await warn('quantile(1e6, x)'), ['PromQL warning: quantile value should be between 0 and 1, got 1e+06']);
  assert.deepEqual(await warn('quantile(-0.00001, x)'), ['PromQL warning: quantile value should be between 0 and 1, got -1e-05']);
  assert.deepEqual(await warn('quantile_over_time(123456789, x[1m])'), ['PromQL warning: quantile value should be between 0 and 1, got 1.23456789e+08']);
  assert.deepEqual(await warn('limit_ratio(1.1, x)'), ['PromQL warning: ratio value should be between -1 and 1, got 1.1, capping to 1']);
});

test('grouping keys are equal exactly when the grouping label sets are', () => {
  const names = ['__name__', '__type__', 'a', 'b', 'job'];
  const labelsArb = fc.dictionary(fc.constantFrom(...names), fc.constantFrom('x', 'y', 'x\xffy', '\xff', 'x\xffb\xffy', '1\xffb1\xffy', 'b'), { maxKeys: 5 }).map((o) => Labels.from(o));
  fc.assert(
    fc.property(labelsArb, labelsArb, fc.subarray(names), fc.boolean(), (x, y, grouping, without) => {
      const sameGroup = groupingLabels(x, grouping, without).equals(groupingLabels(y, grouping, without));
      assert.equal(groupingKey(x, grouping, without) === groupingKey(y, grouping, without), sameGroup);
    }),
    { numRuns: 2000 },
  );
  // Separators inside values cannot make different groups share a key.
  const tricky = Labels.from({ a: 'x\xffb\xffy' });
  const plain = Labels.from({ a: 'x', b: 'y' });
  assert.notEqual(groupingKey(tricky, ['a', 'b'], false), groupingKey(plain, ['a', 'b'], false));
  assert.notEqual(groupingKey(tricky, ['job'], true), groupingKey(plain, ['job'], true));
});
