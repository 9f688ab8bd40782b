// Tests of the start-timestamp side list and the iterator wrapper that answers atST().
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArrayIterator } from './memory-storage.js';
import { StartTimestamps } from './start-timestamps.js';

function collect(it: ReturnType<StartTimestamps['wrap']>): [number, number][] {
  const out: [number, number][] = [];
  while (it.next()) out.push([it.atT(), it.atST?.() ?? NaN]);
  return out;
}

test('atST answers per sample, NaN for samples without one, also after seek', () => {
  const sts = new StartTimestamps();
  sts.add(20, 5);
  sts.add(40, 35);
  const ts = Float64Array.from([10, 20, 30, 40]);
  const vs = Float64Array.from([1, 2, 3, 4]);
  assert.deepEqual(collect(sts.wrap(new ArrayIterator(ts, vs, 0, 4))), [[10, NaN], [20, 5], [30, NaN], [40, 35]]);
  const it = sts.wrap(new ArrayIterator(ts, vs, 0, 4));
  assert.ok(it.seek(35));
  assert.deepEqual([it.atT(), it.atST?.()], [40, 35]);
});

test('a wrapped iterator keeps its snapshot while entries are added and dropped', () => {
  const sts = new StartTimestamps();
  for (let t = 0; t < 10; t++) sts.add(t, t - 1);
  const ts = Float64Array.from({ length: 10 }, (_, i) => i);
  const snap = sts.wrap(new ArrayIterator(ts, ts, 0, 10));
  sts.dropBefore(5);
  assert.equal(sts.size, 5);
  for (let t = 10; t < 20; t++) sts.add(t, t - 1);
  assert.deepEqual(collect(snap).map(([, st]) => st), [-1, 0, 1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(collect(sts.wrap(new ArrayIterator(ts, ts, 0, 10))).map(([, st]) => st), [NaN, NaN, NaN, NaN, NaN, 4, 5, 6, 7, 8]);
});
