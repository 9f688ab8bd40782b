import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Labels } from '../model/labels.js';
import { Matcher } from '../model/matcher.js';
import { readAll, runStorageConformance } from '../storage/storage-conformance.js';
import { Head } from './head.js';

runStorageConformance('head', () => {
  const head = new Head();
  return { storage: head, close: () => head.close() };
});

test('chunks are cut as Prometheus cuts them: at the chunk range boundary and around 120 samples', async () => {
  const head = new Head({ chunkRange: 2 * 3600_000 });
  const l = Labels.from({ __name__: 'c' });
  const app = head.appender();
  // 15s scrapes for 3h starting at a range boundary: Prometheus cuts every 30 min (120 samples) and at 2h.
  for (let t = 0; t < 3 * 3600_000; t += 15_000) app.append(0, l, t, t);
  await app.commit();
  assert.equal(head.stats.headChunksCreatedTotal, 6);
  assert.equal(head.stats.headSamplesAppendedTotal, 720);
  const got = readAll(head, [new Matcher('=', '__name__', 'c')]);
  assert.equal(got[0]?.[1].length, 720);
});

test('a sparse series gets one chunk per range; a dense one is cut at 2×120 samples', async () => {
  const head = new Head({ chunkRange: 1000 });
  const sparse = Labels.from({ __name__: 's' });
  const dense = Labels.from({ __name__: 'd' });
  const app = head.appender();
  for (let t = 0; t < 5000; t += 500) app.append(0, sparse, t, 1);
  await app.commit();
  assert.equal(head.stats.headChunksCreatedTotal, 5);
  const app2 = head.appender();
  // Rate changes after the prediction at 30 samples: then the 240-sample cap applies.
  for (let i = 0; i < 30; i++) app2.append(0, dense, 10_000 + i * 10, i);
  for (let i = 0; i < 300; i++) app2.append(0, dense, 10_300 + i, i);
  await app2.commit();
  // 240 samples, then the remaining 90 in a second chunk.
  assert.equal(head.stats.headChunksCreatedTotal, 7);
  assert.deepEqual(readAll(head, [new Matcher('=', '__name__', 'd')])[0]?.[1].length, 330);
});

test('truncation drops old chunks and series, and later appends older than the cut are refused', async () => {
  const head = new Head({ chunkRange: 1000 });
  const a = Labels.from({ __name__: 'a' });
  const b = Labels.from({ __name__: 'b' });
  const app = head.appender();
  for (let t = 0; t < 3000; t += 100) app.append(0, a, t, t);
  app.append(0, b, 500, 1);
  await app.commit();
  assert.equal(head.numSeries, 2);
  head.truncate(2000);
  assert.equal(head.numSeries, 1);
  assert.equal(head.stats.headSeriesRemovedTotal, 1);
  const got = readAll(head, [new Matcher('=~', '__name__', '.+')]);
  assert.equal(got.length, 1);
  assert.equal(got[0]?.[1][0]?.[0], 2000);
  const late = head.appender();
  assert.throws(() => late.append(0, a, 1999, 1), { code: 'out_of_bounds' });
  assert.equal(head.stats.outOfBoundSamplesTotal, 1);
  // A removed series can come back under a new ref.
  const again = head.appender();
  const ref = again.append(0, b, 5000, 2);
  await again.commit();
  assert.ok(ref > 2);
  assert.deepEqual(readAll(head, [new Matcher('=', '__name__', 'b')]), [['b', [[5000, 2]]]]);
});

test('a failed log write applies nothing and the series is logged again next time', async () => {
  const logged: number[][] = [];
  let fail = true;
  const head = new Head({
    log: (batch) => {
      if (fail) return Promise.reject(new Error('disk full'));
      logged.push([...batch.seriesRefs]);
      return Promise.resolve();
    },
  });
  const a = Labels.from({ __name__: 'a' });
  const app = head.appender();
  app.append(0, a, 1, 1);
  await assert.rejects(app.commit(), /disk full/);
  assert.deepEqual(readAll(head, [new Matcher('=', '__name__', 'a')]), []);
  fail = false;
  const app2 = head.appender();
  app2.append(0, a, 1, 1);
  await app2.commit();
  assert.deepEqual(logged, [[1]]);
  assert.deepEqual(readAll(head, [new Matcher('=', '__name__', 'a')]), [['a', [[1, 1]]]]);
});
