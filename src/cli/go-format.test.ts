import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatGoBytes, formatGoDuration, formatGoUnixUTC, tabwrite } from './go-format.js';

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
