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

test('start_timestamp() gives each selected sample its start time in seconds, 0 without one; expressions have none', async () => {
  const st = new MemoryStorage();
  const app = st.appender();
  const l = Labels.from({ __name__: 's', k: 'a' });
  app.appendST(0, l, 10_000, 7_000, 1);
  app.append(0, l, 20_000, 2);
  app.appendST(0, l, 30_000, 30_001, 3); // invalid for rate, but start_timestamp() reports it as stored
  await app.commit();
  const e = new Engine();
  const r = await e.rangeQuery(st, parseExpr('start_timestamp(s)', ALL_FEATURES), 0, 30_000, 10_000);
  assert.equal(r.value.type, 'matrix');
  if (r.value.type !== 'matrix') return;
  assert.deepEqual(r.value.series.map((s) => [s.metric.toString(), s.ts, Array.from(s.fs)]), [['{k="a"}', [10_000, 20_000, 30_000], [7, 0, 30.001]]]);
  const expr = await e.rangeQuery(st, parseExpr('start_timestamp(s * 1)', ALL_FEATURES), 0, 30_000, 10_000);
  assert.deepEqual(expr.value.type === 'matrix' && expr.value.series, []);
});
