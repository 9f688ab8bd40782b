// Tests for the head's postings: sorted on read whatever order refs arrive in, and views that never change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemPostings } from './mem-postings.js';

function shuffled(n: number, seed: number): number[] {
  const a = Array.from({ length: n }, (_, i) => i + 1);
  let x = seed;
  for (let i = n - 1; i > 0; i--) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const j = x % (i + 1);
    [a[i], a[j]] = [a[j] as number, a[i] as number];
  }
  return a;
}

test('refs added out of order are read back sorted and without duplicates', () => {
  const p = new MemPostings();
  const refs = shuffled(1000, 7);
  for (const r of refs) p.add(r, ['job', r % 2 === 0 ? 'even' : 'odd']);
  p.add(5, ['job', 'odd']);
  const all = Array.from(p.allRefs());
  assert.deepEqual(all, Array.from({ length: 1000 }, (_, i) => i + 1));
  const even = Array.from(p.get('job', 'even'));
  assert.deepEqual(even, all.filter((r) => r % 2 === 0));
});

test('a view taken earlier keeps its contents while refs are added in and out of order', () => {
  const p = new MemPostings();
  for (const r of [10, 20, 30, 40]) p.add(r, ['a', '1']);
  const before = p.get('a', '1');
  const beforeAll = p.allRefs();
  for (const r of [25, 5, 50, 15, 35]) p.add(r, ['a', '1']);
  assert.deepEqual(Array.from(before), [10, 20, 30, 40]);
  assert.deepEqual(Array.from(beforeAll), [10, 20, 30, 40]);
  const after = p.get('a', '1');
  assert.deepEqual(Array.from(after), [5, 10, 15, 20, 25, 30, 35, 40, 50]);
  p.add(45, ['a', '1']);
  p.add(1, ['a', '1']);
  assert.deepEqual(Array.from(after), [5, 10, 15, 20, 25, 30, 35, 40, 50]);
  assert.deepEqual(Array.from(p.get('a', '1')), [1, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50]);
});

test('deleting from a list that has unsorted appends keeps the rest sorted and leaves views alone', () => {
  const p = new MemPostings();
  for (const r of [3, 1, 2, 6, 4]) p.add(r, ['a', '1']);
  const view = p.get('a', '1');
  p.add(5, ['a', '1']);
  p.add(0, ['a', '1']);
  p.delete([['a', '1']], (r) => r % 2 === 0);
  assert.deepEqual(Array.from(p.get('a', '1')), [1, 3, 5]);
  assert.deepEqual(Array.from(p.allRefs()), [1, 3, 5]);
  assert.deepEqual(Array.from(view), [1, 2, 3, 4, 6]);
  p.delete([['a', '1']], () => true);
  assert.equal(p.hasName('a'), false);
  assert.equal(p.get('a', '1').length, 0);
});
