import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from './api-error.js';
import { durationParam, limitParam, MAX_TIME, parseDuration, parseTime, timeParam } from './api-params.js';

test('times parse as unix seconds or RFC3339, as Prometheus parses them', () => {
  assert.equal(parseTime('1435781451.781'), 1435781451781);
  assert.equal(parseTime('1435781451'), 1435781451000);
  assert.equal(parseTime('1e3'), 1000000);
  assert.equal(parseTime('2015-07-01T20:10:51.781Z'), 1435781451781);
  assert.equal(parseTime('2015-07-01T22:10:51+02:00'), 1435781451000);
  assert.equal(parseTime('292277025-08-18T07:12:54.999999999Z'), MAX_TIME);
  assert.throws(() => parseTime('yesterday'), /cannot parse "yesterday" to a valid timestamp/);
  assert.throws(() => parseTime(' 1'), /cannot parse/);
});

test('durations parse as float seconds or Prometheus durations', () => {
  assert.equal(parseDuration('15'), 15000);
  assert.equal(parseDuration('0.5'), 500);
  assert.equal(parseDuration('1m30s'), 90000);
  assert.equal(parseDuration('1d'), 86400000);
  assert.throws(() => parseDuration('1x'), /cannot parse "1x" to a valid duration/);
  assert.throws(() => parseDuration('1e20'), /overflows int64/);
});

test('bad parameters are bad_data naming the parameter', () => {
  const form = new URLSearchParams('time=abc&step=zz&limit=-1');
  assert.throws(
    () => timeParam(form, 'time', 0),
    (e: unknown) => e instanceof ApiError && e.errorType === 'bad_data' && e.message === `invalid parameter "time": Invalid time value for 'time': cannot parse "abc" to a valid timestamp`,
  );
  assert.throws(() => durationParam(form, 'step'), /invalid parameter "step": cannot parse "zz" to a valid duration/);
  assert.throws(() => limitParam(form), /limit must be non-negative/);
  assert.equal(timeParam(new URLSearchParams(), 'time', 42), 42);
  assert.equal(limitParam(new URLSearchParams('limit=5')), 5);
});
