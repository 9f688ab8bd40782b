// Tests of vector binary operators: the series-at-once join against the per-step definition.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Labels } from '../model/labels.js';
import type { BinaryOp, VectorMatching } from './ast.js';
import { vectorBinop, vectorBinopSeries } from './binary-op.js';
import type { Sample, Series } from './value.js';

const STEPS = 4;
const stepOf = (t: number): number => t / 1000;

/** Points of one output, keyed by label text, each sorted by time: the shape both paths must agree on. */
function normalise(points: Array<{ metric: Labels; t: number; f: number }>): Record<string, string> {
  const by: Record<string, Array<[number, number]>> = {};
  for (const p of points) (by[p.metric.toString()] ??= []).push([p.t, p.f]);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(by)) out[k] = JSON.stringify(v.sort((a, b) => a[0] - b[0]));
  return out;
}

function perStep(op: BinaryOp, lhs: Series[], rhs: Series[], m: VectorMatching, returnBool: boolean): Record<string, string> {
  const samplesAt = (side: Series[], i: number): Sample[] =>
    side.flatMap((s) => s.ts.flatMap((t, k) => (stepOf(t) === i ? [{ metric: s.metric, t, f: s.fs[k] as number, dropName: false }] : [])));
  const points: Sample[] = [];
  for (let i = 0; i < STEPS; i++) points.push(...vectorBinop(op, samplesAt(lhs, i), samplesAt(rhs, i), m, returnBool, false));
  return normalise(points);
}

function bySeries(op: BinaryOp, lhs: Series[], rhs: Series[], m: VectorMatching, returnBool: boolean): Record<string, string> {
  const out = vectorBinopSeries(op, lhs, rhs, m, returnBool, false, STEPS, stepOf);
  return normalise(out.flatMap((s) => s.ts.map((t, k) => ({ metric: s.metric, t, f: s.fs[k] as number }))));
}

const seriesArb = (name: string): fc.Arbitrary<Series[]> =>
  fc.uniqueArray(
    fc.record({
      a: fc.constantFrom('x', 'y'),
      b: fc.constantFrom('1', '2', '3'),
      points: fc.array(fc.tuple(fc.integer({ min: 0, max: STEPS - 1 }), fc.integer({ min: -3, max: 3 })), { maxLength: STEPS }),
    }),
    { selector: (r) => `${r.a}/${r.b}`, maxLength: 5 },
  ).map((rs) =>
    rs.map((r) => {
      const steps = [...new Map(r.points).entries()].sort((x, y) => x[0] - y[0]);
      return { metric: Labels.from({ __name__: name, a: r.a, b: r.b }), ts: steps.map(([i]) => i * 1000), fs: steps.map(([, v]) => v), dropName: false };
    }),
  );

test('series-at-once vector joins agree with the per-step definition', () => {
  fc.assert(
    fc.property(
      seriesArb('l'),
      seriesArb('r'),
      fc.constantFrom<BinaryOp>('+', '-', '*', '/', '>', '==', '<=', 'and', 'or', 'unless'),
      fc.constantFrom<VectorMatching['card']>('one-to-one', 'many-to-one', 'one-to-many'),
      fc.boolean(),
      fc.constantFrom<string[]>([], ['a'], ['b'], ['a', 'b']),
      fc.boolean(),
      (lhs, rhs, op, card, on, labels, returnBool) => {
        const setOp = op === 'and' || op === 'or' || op === 'unless';
        const cmp = op === '>' || op === '==' || op === '<=';
        const m: VectorMatching = { card: setOp ? 'many-to-many' : card, matchingLabels: labels, on, include: [], fillValues: {} };
        const rb = cmp && returnBool;
        let want: Record<string, string> | Error;
        let got: Record<string, string> | Error;
        try {
          want = perStep(op, lhs, rhs, m, rb);
        } catch (e) {
          want = e as Error;
        }
        try {
          got = bySeries(op, lhs, rhs, m, rb);
        } catch (e) {
          got = e as Error;
        }
        if (want instanceof Error || got instanceof Error) {
          assert.equal(got instanceof Error, want instanceof Error, `one path failed: ${String(want instanceof Error ? want.message : (got as Error).message)}`);
          return;
        }
        assert.deepEqual(got, want);
      },
    ),
    { numRuns: 400 },
  );
});
