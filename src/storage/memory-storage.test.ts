// Tests of MemoryStorage: commit visibility, ordering rules, snapshots, typed errors.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Labels } from '../model/labels.js';
import { Matcher } from '../model/matcher.js';
import { STALE_NAN, isStaleNaN } from '../model/stale-nan.js';
import { MemoryStorage } from './memory-storage.js';
import type { Querier } from './queryable.js';
import { StorageError } from './storage-error.js';

function read(q: Querier, matchers: Matcher[]): Array<[string, Array<[number, number]>]> {
  const out: Array<[string, Array<[number, number]>]> = [];
  const set = q.select(matchers, { sorted: true });
  while (set.next()) {
    const s = set.at();
    const it = s.iterator();
    const pts: Array<[number, number]> = [];
    while (it.next()) pts.push([it.atT(), it.atV()]);
    out.push([s.labels.toString(), pts]);
  }
  return out;
}

const nameIs = (n: string) => new Matcher('=', '__name__', n);

test('samples are invisible until commit and rollback drops them', async () => {
  const st = new MemoryStorage();
  const app = st.appender();
  app.append(0, Labels.from({ __name__: 'up', job: 'a' }), 1000, 1);
  assert.deepEqual(read(st.querier(0, 10_000), [nameIs('up')]), []);
  await app.commit();
  assert.deepEqual(read(st.querier(0, 10_000), [nameIs('up')]), [['up{job="a"}', [[1000, 1]]]]);
  const app2 = st.appender();
  app2.append(0, Labels.from({ __name__: 'up', job: 'b' }), 1000, 1);
  app2.rollback();
  assert.equal(read(st.querier(0, 10_000), [nameIs('up')]).length, 1);
});

test('series come back sorted by labels and filtered by matchers and time range', async () => {
  const st = new MemoryStorage();
  const app = st.appender();
  for (const job of ['c', 'a', 'b']) for (let t = 0; t <= 4000; t += 1000) app.append(0, Labels.from({ __name__: 'x', job }), t, t / 1000);
  app.append(0, Labels.from({ __name__: 'y', job: 'a' }), 0, 9);
  await app.commit();
  const got = read(st.querier(1000, 2000), [nameIs('x'), new Matcher('=~', 'job', 'a|c')]);
  assert.deepEqual(got, [
    ['x{job="a"}', [[1000, 1], [2000, 2]]],
    ['x{job="c"}', [[1000, 1], [2000, 2]]],
  ]);
  assert.deepEqual(read(st.querier(5000, 6000), [nameIs('x')]), [], 'series without samples in range are left out');
  const q = st.querier(0, 10_000);
  assert.deepEqual(q.labelValues('job'), ['a', 'b', 'c']);
  assert.deepEqual(q.labelValues('job', [nameIs('y')]), ['a']);
  assert.deepEqual(q.labelNames(), ['__name__', 'job']);
});

test('out-of-order and conflicting duplicate samples are refused; the transaction stays usable', async () => {
  const st = new MemoryStorage();
  const l = Labels.from({ __name__: 'x' });
  const a1 = st.appender();
  const ref = a1.append(0, l, 2000, 1);
  await a1.commit();
  const a2 = st.appender();
  assert.throws(() => a2.append(ref, l, 1000, 1), (e: unknown) => e instanceof StorageError && e.code === 'out_of_order_sample');
  assert.throws(() => a2.append(ref, l, 2000, 5), (e: unknown) => e instanceof StorageError && e.code === 'duplicate_sample_for_timestamp');
  assert.equal(a2.append(ref, l, 2000, 1), ref, 'the same value again is accepted');
  a2.append(ref, l, 3000, STALE_NAN);
  await a2.commit();
  assert.equal(read(st.querier(0, 10_000), [nameIs('x')])[0]?.[1].length, 2);
  const set = st.querier(3000, 3000).select([nameIs('x')]);
  assert.ok(set.next());
  const it = set.at().iterator();
  assert.ok(it.next());
  assert.ok(isStaleNaN(it.atV()), 'stale markers keep their bits');
});

test('a commit that lost a race applies nothing', async () => {
  const st = new MemoryStorage();
  const l = Labels.from({ __name__: 'x' });
  const slow = st.appender();
  slow.append(0, Labels.from({ __name__: 'other' }), 1000, 1);
  slow.append(0, l, 1000, 1);
  const fast = st.appender();
  fast.append(0, l, 5000, 1);
  await fast.commit();
  await assert.rejects(slow.commit(), (e: unknown) => e instanceof StorageError && e.code === 'out_of_order_sample');
  assert.deepEqual(read(st.querier(0, 10_000), [nameIs('other')]), []);
});

test('an open iterator keeps its snapshot while more samples arrive', async () => {
  const st = new MemoryStorage();
  const l = Labels.from({ __name__: 'x' });
  for (let t = 0; t < 3; t++) {
    const a = st.appender();
    a.append(0, l, t, t);
    await a.commit();
  }
  const set = st.querier(0, 100).select([nameIs('x')]);
  assert.ok(set.next());
  const it = set.at().iterator();
  for (let t = 3; t < 50; t++) {
    const a = st.appender();
    a.append(0, l, t, t);
    await a.commit();
  }
  let n = 0;
  while (it.next()) n++;
  assert.equal(n, 3);
  assert.ok(it.seek(0) === false || it.atT() >= 0);
});

test('bad label sets are refused with a typed error', () => {
  const st = new MemoryStorage();
  assert.throws(() => st.appender().append(0, Labels.EMPTY, 0, 1), (e: unknown) => e instanceof StorageError && e.code === 'bad_labels');
});
