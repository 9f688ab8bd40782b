// Tests of Prometheus duration parsing and printing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DurationError, formatDuration, parseDuration } from './duration.js';

test('parseDuration accepts descending units, each once', () => {
  assert.equal(parseDuration('0'), 0);
  assert.equal(parseDuration('0s'), 0);
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('10s53ms'), 10_053);
  assert.equal(parseDuration('1y'), 365 * 86_400_000);
  assert.equal(parseDuration('2w'), 14 * 86_400_000);
  for (const bad of ['', '1.5h', '5m1h', '-1m', '1x', 'm', '1ms1s']) assert.throws(() => parseDuration(bad), DurationError, bad);
  assert.throws(() => parseDuration('300000000y'), { message: 'duration out of range' });
});

test('formatDuration prints as Prometheus does', () => {
  assert.equal(formatDuration(0), '0s');
  assert.equal(formatDuration(5_400_000), '1h30m');
  assert.equal(formatDuration(90_000), '1m30s');
  assert.equal(formatDuration(100), '100ms');
  assert.equal(formatDuration(7 * 86_400_000), '1w');
  assert.equal(formatDuration(8 * 86_400_000), '8d');
  assert.equal(formatDuration(365 * 86_400_000), '1y');
  assert.equal(formatDuration(366 * 86_400_000), '366d');
  for (const s of ['1h30m', '10s53ms', '2w', '1y', '3d4h5m6s7ms']) assert.equal(formatDuration(parseDuration(s)), s);
});
