import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Labels } from '../model/labels.js';
import { Matcher } from '../model/matcher.js';
import type { Appendable, Appender } from './appendable.js';
import { FanoutStorage } from './fanout-storage.js';
import { MemoryStorage } from './memory-storage.js';
import type { Querier, Queryable } from './queryable.js';
import { readAll, runStorageConformance } from './storage-conformance.js';
import { StorageError } from './storage-error.js';

runStorageConformance('memory', () => {
  const s = new MemoryStorage();
  return { storage: s, close: () => s.close() };
});

runStorageConformance('fanout (memory primary, memory secondary)', () => {
  const primary = new MemoryStorage();
  const secondary = new MemoryStorage();
  return { storage: new FanoutStorage(primary, [{ appendable: secondary, queryable: secondary }]), close: () => undefined };
});

/** A storage that always fails, to stand for an unreachable remote. */
class BrokenStorage implements Appendable, Queryable {
  appender(): Appender {
    return {
      append: () => {
        throw new StorageError('io', 'remote down');
      },
      commit: () => Promise.reject(new StorageError('io', 'remote down')),
      rollback: () => undefined,
    };
  }
  querier(): Querier {
    throw new StorageError('io', 'remote down');
  }
}

const up = Labels.from({ __name__: 'up' });
const sel = [new Matcher('=', '__name__', 'up')];

test('a failing secondary only warns: writes land in the primary, reads still work', async () => {
  const primary = new MemoryStorage();
  const warnings: string[] = [];
  const broken = new BrokenStorage();
  const f = new FanoutStorage(primary, [{ appendable: broken, queryable: broken }], (w) => warnings.push(w));
  const app = f.appender();
  app.append(0, up, 1, 1);
  await app.commit();
  assert.deepEqual(readAll(f, sel), [['up', [[1, 1]]]]);
  assert.deepEqual(readAll(primary, sel), [['up', [[1, 1]]]]);
  assert.equal(f.stats.secondaryAppendErrorsTotal, 1);
  assert.equal(f.stats.secondaryCommitErrorsTotal, 1);
  assert.equal(f.stats.secondaryQueryErrorsTotal, 1);
  assert.ok(warnings.some((w) => w.includes('remote down')));
});

test('a primary refusal fails the write and the secondaries get nothing', async () => {
  const primary = new MemoryStorage();
  const secondary = new MemoryStorage();
  const f = new FanoutStorage(primary, [{ appendable: secondary, queryable: secondary }]);
  const a = f.appender();
  a.append(0, up, 10, 1);
  await a.commit();
  const b = f.appender();
  assert.throws(() => b.append(0, up, 5, 1), { code: 'out_of_order_sample' });
  b.append(0, up, 20, 2);
  b.rollback();
  assert.deepEqual(readAll(secondary, sel), [['up', [[10, 1]]]]);
});

test('reads merge overlapping series from primary and secondary, primary winning on equal timestamps', async () => {
  const primary = new MemoryStorage();
  const secondary = new MemoryStorage();
  const pa = primary.appender();
  for (const t of [1, 3, 5]) pa.append(0, up, t, t);
  pa.append(0, Labels.from({ __name__: 'up', only: 'primary' }), 1, 0);
  await pa.commit();
  const sa = secondary.appender();
  for (const t of [2, 3, 4, 6]) sa.append(0, up, t, -t);
  sa.append(0, Labels.from({ __name__: 'up', a: 'secondary' }), 1, 0);
  await sa.commit();
  const f = new FanoutStorage(primary, [{ queryable: secondary }]);
  assert.deepEqual(readAll(f, sel), [
    ['up', [[1, 1], [2, -2], [3, 3], [4, -4], [5, 5], [6, -6]]],
    ['up{a="secondary"}', [[1, 0]]],
    ['up{only="primary"}', [[1, 0]]],
  ]);
  const q = f.querier(-Infinity, Infinity);
  assert.deepEqual(q.labelNames(), ['__name__', 'a', 'only']);
  // Seek across the chained parts.
  const set = q.select(sel);
  assert.ok(set.next());
  const it = set.at().iterator();
  assert.ok(it.seek(3));
  assert.equal(it.atV(), 3);
  assert.ok(it.next());
  assert.equal(it.atT(), 4);
  assert.ok(it.seek(6));
  assert.equal(it.seek(7), false);
  q.close();
});
