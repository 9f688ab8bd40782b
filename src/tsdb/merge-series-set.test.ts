import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SampleIterator } from '../storage/queryable.js';
import { MergeSampleIterator } from './merge-series-set.js';

/** An iterator over fixed (t, v) pairs. */
function samples(...pairs: [number, number][]): SampleIterator {
  let i = -1;
  return {
    next: () => ++i < pairs.length,
    seek(t: number): boolean {
      if (i < 0) i = 0;
      while (i < pairs.length && (pairs[i] as [number, number])[0] < t) i++;
      return i < pairs.length;
    },
    atT: () => (pairs[i] as [number, number])[0],
    atV: () => (pairs[i] as [number, number])[1],
    err: () => undefined,
  };
}

function drain(it: SampleIterator): [number, number][] {
  const out: [number, number][] = [];
  while (it.next()) out.push([it.atT(), it.atV()]);
  return out;
}

test('merges by time; at equal timestamps the first iterator wins', () => {
  const it = new MergeSampleIterator([samples([1, 10], [3, 30], [5, 50]), samples([2, 200], [3, 300], [6, 600])]);
  assert.deepEqual(drain(it), [[1, 10], [2, 200], [3, 30], [5, 50], [6, 600]]);
});

test('seek moves every iterator and stays put when already there', () => {
  const it = new MergeSampleIterator([samples([1, 10], [3, 30], [5, 50]), samples([2, 200], [4, 400], [6, 600])]);
  assert.equal(it.seek(3), true);
  assert.deepEqual([it.atT(), it.atV()], [3, 30]);
  assert.equal(it.seek(2), true);
  assert.equal(it.atT(), 3);
  assert.ok(it.next());
  assert.equal(it.atT(), 4);
  assert.equal(it.seek(6), true);
  assert.equal(it.atV(), 600);
  assert.equal(it.next(), false);
  assert.equal(it.seek(7), false);
});
