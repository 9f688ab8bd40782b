import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DurationError, formatDuration, parseDuration } from './duration.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

test('durations parse as Prometheus parses them', () => {
  const cases: [string, number][] = [
    ['0', 0], ['0s', 0], ['1s', S], ['250ms', 250], ['5m', 5 * M], ['1h30m', 90 * M], ['1d2h30m', D + 2 * H + 30 * M],
    ['2w', 14 * D], ['1y', 365 * D], ['1y2w3d4h5m6s7ms', 365 * D + 17 * D + 4 * H + 5 * M + 6 * S + 7], ['90s', 90 * S],
  ];
  for (const [s, ms] of cases) assert.equal(parseDuration(s), ms, s);
});

test('bad durations are refused with Prometheus messages', () => {
  assert.throws(() => parseDuration(''), { message: 'empty duration string' });
  for (const s of ['1', '1.5s', '-1s', '1m1h', '1s1s', '5 m', 'm', '1ns', '1us', ' 1s', '1S']) {
    assert.throws(() => parseDuration(s), (e: unknown) => e instanceof DurationError && e.message === `not a valid duration string: ${JSON.stringify(s)}`, s);
  }
  assert.throws(() => parseDuration('300y'), { message: 'duration out of range' });
  assert.equal(parseDuration('292y'), 292 * 365 * D);
});

test('durations print as Prometheus prints them', () => {
  const cases: [number, string][] = [
    [0, '0s'], [S, '1s'], [90 * S, '1m30s'], [15 * S, '15s'], [5 * M, '5m'], [D, '1d'], [14 * D, '2w'], [90 * D, '90d'],
    [365 * D, '1y'], [366 * D, '366d'], [D + 2 * H + 30 * M, '1d2h30m'], [1500, '1s500ms'], [7 * D + 1, '7d1ms'],
  ];
  for (const [ms, s] of cases) assert.equal(formatDuration(ms), s, s);
});

test('printing then parsing returns the same duration', () => {
  for (const ms of [1, 999, 61_000, 3 * D + 7, 730 * D, 52 * 7 * D]) assert.equal(parseDuration(formatDuration(ms)), ms);
});
