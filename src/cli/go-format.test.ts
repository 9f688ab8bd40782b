import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatGoBytes, formatGoDuration, formatGoFloatG, formatGoUnixUTC, tabwrite } from './go-format.js';

test('%g as Go prints it', () => {
  const cases: [number, string][] = [
    [5e6, '5e+06'],
    [1234500, '1.2345e+06'],
    [123456, '123456'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [1e10, '1e+10'],
    [-3.25, '-3.25'],
    [7.5, '7.5'],
    [1e-300, '1e-300'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [NaN, 'NaN'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
    [-0, '-0'],
    [0, '0'],
    [1e21, '1e+21'],
    [0.1 + 0.2, '0.30000000000000004'],
  ];
  for (const [v, want] of cases) assert.equal(formatGoFloatG(v), want, String(v));
});

test('durations, sizes and times as promtool prints them', () => {
  assert.equal(formatGoDuration(0), '0s');
  assert.equal(formatGoDuration(1), '1ms');
  assert.equal(formatGoDuration(20_001), '20.001s');
  assert.equal(formatGoDuration(500_001), '8m20.001s');
  assert.equal(formatGoDuration(6_389_117), '1h46m29.117s');
  assert.equal(formatGoDuration(7_200_000), '2h0m0s');
  assert.equal(formatGoDuration(4_500_000), '1h15m0s');
  assert.equal(formatGoDuration(1500), '1.5s');
  assert.equal(formatGoBytes(1002), '1002B');
  assert.equal(formatGoBytes(23 * 1024 + 26), '23KiB26B');
  assert.equal(formatGoBytes(0), '0B');
  assert.equal(formatGoBytes(1024 * 1024), '1MiB');
  assert.equal(formatGoUnixUTC(1700000000999), '2023-11-14 22:13:20 +0000 UTC');
});

test('tabwriter pads all but the last cell of each line', () => {
  assert.equal(tabwrite([['BLOCK ULID', 'SIZE'], ['x', '1']], 13, 2), 'BLOCK ULID   SIZE\nx            1\n');
});
