import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Labels } from '../model/labels.js';
import { Matcher } from '../model/matcher.js';
import { STALE_NAN, isStaleNaN } from '../model/stale-nan.js';
import type { Series } from '../storage/queryable.js';
import { readAll, runStorageConformance } from '../storage/storage-conformance.js';
import { Head } from './head.js';
import type { HeadAppender } from './head-appender.js';

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

test('a transaction touching more series than its pooled buffers hold logs each new series once, and frees them all', async () => {
  const logged: number[][] = [];
  const head = new Head({ log: (batch) => (logged.push([...batch.seriesRefs]), Promise.resolve()) });
  const labels = Array.from({ length: 300 }, (_, i) => Labels.from({ __name__: 'm', i: String(i) }));
  for (let round = 0; round < 3; round++) {
    const app = head.appender();
    // Each series twice (touched once), and every other one in a rolled-back transaction in between.
    for (const l of labels) app.append(0, l, round * 10 + 1, round);
    for (const l of labels) app.append(0, l, round * 10 + 2, round);
    await app.commit();
    const other = head.appender();
    for (let i = 0; i < labels.length; i += 2) other.append(0, labels[i] as Labels, round * 10 + 3, -1);
    other.rollback();
  }
  assert.deepEqual(logged.map((refs) => refs.length), [300, 0, 0]);
  assert.deepEqual(new Set(logged[0]).size, 300);
  const got = readAll(head, [new Matcher('=', '__name__', 'm')]);
  assert.equal(got.length, 300);
  for (const [, samples] of got) assert.deepEqual(samples, [[1, 0], [2, 0], [11, 1], [12, 1], [21, 2], [22, 2]]);
  // Nothing is left pending: a new transaction may append right after the last committed sample of every series.
  const last = head.appender();
  for (const l of labels) last.append(0, l, 23, 3);
  await last.commit();
  assert.equal(head.stats.headSamplesAppendedTotal, 300 * 7);
});

test('samples older than half a chunk range before the newest one are out of bounds, as in Prometheus', async () => {
  const head = new Head({ chunkRange: 2000 });
  const a = Labels.from({ __name__: 'a' });
  const b = Labels.from({ __name__: 'b' });
  const app = head.appender();
  app.append(0, a, 10_000, 1);
  await app.commit();
  const late = head.appender();
  assert.throws(() => late.append(0, b, 8_999, 1), { code: 'out_of_bounds' });
  late.append(0, b, 9_000, 1);
  await late.commit();
  assert.equal(head.stats.outOfBoundSamplesTotal, 1);
});

test('random appends, rollbacks, series churn and truncations: the head returns exactly what a simple model holds', async () => {
  for (let seed = 1; seed <= 25; seed++) {
    let state = seed;
    const rnd = (n: number): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return (state >>> 8) % n;
    };
    // Small chunks and ranges so cutting, slab growth, arena packing and release all happen often.
    const head = new Head({ chunkRange: 5000, samplesPerChunk: 8 });
    const model = new Map<string, [number, number][]>();
    let t = 0;
    let cut = -Infinity;
    for (let round = 0; round < 80; round++) {
      t += 1 + rnd(400);
      const pending: [string, number][] = [];
      const app = head.appender();
      const live = 1 + rnd(8);
      for (let k = 0; k < live; k++) {
        const name = `s${(round >> 3) * 3 + k}`;
        const v = rnd(3) === 0 ? rnd(1e9) / 7 : rnd(100);
        app.append(0, Labels.from({ __name__: 'm', k: name }), t, v);
        pending.push([name, v]);
      }
      if (rnd(5) === 0) app.rollback();
      else {
        await app.commit();
        for (const [name, v] of pending) model.set(name, [...(model.get(name) ?? []), [t, v]]);
      }
      if (rnd(12) === 0) {
        cut = Math.max(cut, t - rnd(4000));
        head.truncate(cut);
      }
      const want = [...model.entries()]
        .map(([name, samples]): [string, [number, number][]] => [`m{k="${name}"}`, samples.filter(([ts]) => ts >= cut)])
        .filter(([, samples]) => samples.length > 0)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      assert.deepEqual(readAll(head, [new Matcher('=', '__name__', 'm')]), want, `seed ${seed}, round ${round}`);
    }
  }
});

test('memory follows live series, not refs: churn reuses slots, and huge refs from a foreign WAL cost nothing', async () => {
  const head = new Head({ chunkRange: 1000 });
  for (let round = 0; round < 10; round++) {
    const app = head.appender();
    for (let i = 0; i < 1000; i++) app.append(0, Labels.from({ __name__: 'churn', pod: `r${round}-${i}` }), round * 1000, i);
    await app.commit();
    head.truncate(round * 1000);
  }
  assert.ok(head.lastRef >= 10_000);
  assert.equal(head.numSeries, 1000);
  assert.ok(head.refOfSlot.length <= 2048, `per-series arrays hold ${head.refOfSlot.length} slots`);
  // A ref as a long-running Prometheus would hand out, replayed from its WAL.
  const big = 987_654_321;
  const ref = head.getOrCreate(Labels.from({ __name__: 'old' }), big);
  assert.equal(ref, big);
  const app = head.appender();
  app.append(big, Labels.from({ __name__: 'old' }), 10_000, 42);
  const fresh = app.append(0, Labels.from({ __name__: 'new' }), 10_000, 1);
  await app.commit();
  assert.equal(fresh, big + 1);
  assert.deepEqual(readAll(head, [new Matcher('=~', '__name__', 'old|new')]), [['new', [[10_000, 1]]], ['old', [[10_000, 42]]]]);
  assert.ok(head.refOfSlot.length <= 2048);
});

/** [t, st] of every sample of the series named `name`. */
function startTimes(head: Head, name: string): [number, number][] {
  const q = head.querier(-Infinity, Infinity);
  try {
    const set = q.select([new Matcher('=', '__name__', name)]);
    const out: [number, number][] = [];
    while (set.next()) {
      const it = set.at().iterator();
      while (it.next()) out.push([it.atT(), it.atST?.() ?? NaN]);
    }
    return out;
  } finally {
    q.close();
  }
}

test('start timestamps: series without any get plain iterators; truncation forgets them with their samples and series', async () => {
  const head = new Head({ chunkRange: 1000 });
  const withST = Labels.from({ __name__: 'st' });
  const plain = Labels.from({ __name__: 'plain' });
  const app = head.appender() as HeadAppender;
  for (let t = 0; t < 3000; t += 100) {
    app.appendST(0, withST, t, t - 50, t);
    app.append(0, plain, t, t);
  }
  // A failed transaction leaves no start timestamps behind.
  await app.commit();
  const bad = head.appender() as HeadAppender;
  bad.appendST(0, withST, 2950, 1, 1);
  bad.rollback();
  const q = head.querier(-Infinity, Infinity);
  const set = q.select([new Matcher('=', '__name__', 'plain')]);
  assert.ok(set.next());
  assert.equal(set.at().iterator().atST, undefined, 'no ST lookup on the read path of a series without start timestamps');
  q.close();
  assert.deepEqual(startTimes(head, 'st').slice(0, 2), [[0, -50], [100, 50]]);
  assert.deepEqual(startTimes(head, 'st').at(-1), [2900, 2850]);

  head.truncate(2000);
  const kept = startTimes(head, 'st');
  assert.ok(kept.length > 0 && kept.every(([t, st]) => st === t - 50), 'samples still in the head keep their start timestamps');
  // The series goes away entirely; a new series that reuses its slot must not inherit its start timestamps.
  head.truncate(10_000);
  assert.deepEqual(startTimes(head, 'st'), []);
  const again = head.appender();
  again.append(0, Labels.from({ __name__: 'fresh' }), 20_000, 1);
  await again.commit();
  assert.deepEqual(startTimes(head, 'fresh'), [[20_000, NaN]]);
});

test('lastSample answers from the newest committed sample when the query is at or after it, else defers to the iterator', async () => {
  const head = new Head();
  const a = Labels.from({ __name__: 'a' });
  const b = Labels.from({ __name__: 'b' });
  const app = head.appender();
  for (let t = 0; t <= 60_000; t += 15_000) app.append(0, a, t, t / 1000);
  app.append(0, b, 0, 1);
  app.append(0, b, 15_000, STALE_NAN);
  await app.commit();
  const series = (mint: number, maxt: number): Map<string, Series> => {
    const set = head.querier(mint, maxt).select([new Matcher('=~', '__name__', 'a|b')]);
    const out = new Map<string, Series>();
    while (set.next()) out.set(set.at().labels.metricName, set.at());
    return out;
  };
  const out = { t: 0, v: 0 };
  const all = series(0, 100_000);
  assert.equal(all.get('a')?.lastSample?.(100_000, out), true);
  assert.deepEqual(out, { t: 60_000, v: 60 });
  assert.equal(all.get('b')?.lastSample?.(100_000, out), true);
  assert.ok(out.t === 15_000 && isStaleNaN(out.v), 'a staleness marker is returned as it is');
  // Before the newest sample (by the query time or the querier's range): only the chunks can tell.
  assert.equal(all.get('a')?.lastSample?.(59_999, out), undefined);
  assert.equal(series(0, 30_000).get('a')?.lastSample?.(60_000, out), undefined);
  // b's newest sample lies before the querier's range; a's is inside it.
  const late = series(20_000, 100_000);
  assert.equal(late.get('b'), undefined, 'the querier leaves out series without samples in range');
  assert.equal(late.get('a')?.lastSample?.(100_000, out), true);
  // Deleted samples: the iterator applies tombstones, lastSample does not guess.
  head.addTombstone(head.lookup(a), 50_000, 70_000);
  assert.equal(series(0, 100_000).get('a')?.lastSample?.(100_000, out), undefined);
});

test('an iterator taken without readsAtOnce keeps its samples while appends go on; with it, reads the same at once', async () => {
  const head = new Head();
  const a = Labels.from({ __name__: 'a' });
  const app = head.appender();
  for (let t = 0; t <= 60_000; t += 15_000) app.append(0, a, t, t / 1000);
  await app.commit();
  const read = (it: ReturnType<Series['iterator']>): number[][] => {
    const got: number[][] = [];
    while (it.next()) got.push([it.atT(), it.atV()]);
    assert.equal(it.err(), undefined);
    return got;
  };
  const iteratorOf = (readsAtOnce: boolean): ReturnType<Series['iterator']> => {
    const set = head.querier(0, 1_000_000).select([new Matcher('=', '__name__', 'a')], { hints: { start: 0, end: 1_000_000, readsAtOnce } });
    assert.ok(set.next());
    return set.at().iterator();
  };
  const want = [0, 15, 30, 45, 60].map((s) => [s * 1000, s]);
  assert.deepEqual(read(iteratorOf(true)), want);
  const held = iteratorOf(false);
  // Appends into the same open chunk rewrite its header and last bytes: the held iterator must not see them.
  for (let t = 75_000; t <= 300_000; t += 15_000) {
    const more = head.appender();
    more.append(0, a, t, t / 1000 + 0.5);
    await more.commit();
  }
  assert.deepEqual(read(held), want);
  assert.equal(read(iteratorOf(true)).length, want.length + 16);
});
