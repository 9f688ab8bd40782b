import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isStaleNaN, STALE_NAN } from './stale-nan.js';

test('the staleness marker keeps its bits through typed arrays and is told apart from other NaNs', () => {
  assert.ok(isStaleNaN(STALE_NAN));
  assert.ok(!isStaleNaN(NaN));
  assert.ok(!isStaleNaN(0));
  const a = new Float64Array(4);
  a[2] = STALE_NAN;
  assert.ok(isStaleNaN(a[2] as number));
  const bytes = Buffer.alloc(8);
  bytes.writeDoubleBE(STALE_NAN);
  assert.equal(bytes.toString('hex'), '7ff0000000000002');
  assert.ok(isStaleNaN(bytes.readDoubleBE(0)));
});
