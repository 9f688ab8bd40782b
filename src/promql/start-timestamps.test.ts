// Tests of how rate-like functions read start timestamps, from the helpers up to engine queries.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Labels } from '../model/labels.js';
import { MemoryStorage } from '../storage/memory-storage.js';
import { Engine } from './engine.js';
import { ALL_FEATURES, parseExpr } from './parser.js';
import { stOverlaps, stReset, usableST } from './start-timestamps.js';

test('an ST is usable only when set, not 0 and before the sample', () => {
  assert.equal(usableST(50, 100), 50);
  for (const st of [NaN, 0, 100, 101]) assert.ok(Number.isNaN(usableST(st, 100)), `st ${st}`);
});

test('ST resets: a start after the previous sample, or at it when the previous ST is usable', () => {
  const ts = Float64Array.from([100, 200]);
  const reset = (prevST: number, st: number): boolean => stReset(ts, Float64Array.from([prevST, st]), 1);
  assert.equal(reset(NaN, 150), true, 'new run started in the gap');
  assert.equal(reset(NaN, 50), false, 'cumulative run continues');
  assert.equal(reset(50, 100), true, 'delta point after a known start');
  assert.equal(reset(NaN, 100), false, 'second point of a cumulative run with unknown start');
  assert.equal(reset(100, 100), false, 'previous ST = its time means unknown start');
  assert.equal(reset(300, 100), false, 'invalid previous ST is unknown');
  assert.equal(reset(NaN, 200), false, 'ST = T is unknown');
});

test('overlaps: an ST before the previous sample that differs from its ST', () => {
  const ts = Float64Array.from([100, 200]);
  assert.equal(stOverlaps(ts, Float64Array.from([50, 60]), 1), true);
  assert.equal(stOverlaps(ts, Float64Array.from([50, 50]), 1), false);
  assert.equal(stOverlaps(ts, Float64Array.from([50, 100]), 1), false);
  assert.equal(stOverlaps(ts, Float64Array.from([NaN, 0]), 1), false);
});

test('rate uses start timestamps only when the engine is told to', async () => {
  // A delta counter: every minute, 60 counted since the previous sample.
  const st = new MemoryStorage();
  const app = st.appender();
  const l = Labels.from({ __name__: 'd_total' });
  for (let t = 60_000; t <= 600_000; t += 60_000) app.appendST(0, l, t, t - 60_000, 60);
  await app.commit();
  const expr = parseExpr('increase(d_total[5m])', ALL_FEATURES);
  const value = async (useStartTimestamps: boolean): Promise<number | undefined> => {
    const r = await new Engine({ useStartTimestamps }).instantQuery(st, expr, 600_000);
    return r.value.type === 'vector' ? r.value.samples[0]?.f : undefined;
  };
  assert.equal(await value(false), 0, 'a constant series does not increase');
  assert.equal(await value(true), 300, 'each delta point restarts the count');
});

test('overlapping start times raise the warning, once, with the metric name', async () => {
  const st = new MemoryStorage();
  const app = st.appender();
  const l = Labels.from({ __name__: 'o_total' });
  for (const t of [60_000, 120_000, 180_000]) app.appendST(0, l, t, t - 100_000, t / 1000);
  await app.commit();
  const r = await new Engine({ useStartTimestamps: true }).rangeQuery(st, parseExpr('rate(o_total[3m])', ALL_FEATURES), 180_000, 240_000, 60_000);
  assert.deepEqual([...r.annotations.warnings], ['PromQL warning: sample has start time that overlaps with previous sample timestamp for metric "o_total"']);
});
