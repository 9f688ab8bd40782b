import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { encodeUlid, isUlid, newUlid, parseUlid, ulidTime } from './ulid.js';

test('decodes the time of a ULID written by promtool 2.42', () => {
  assert.equal(ulidTime('01M88YDTGBW7T8G8WZXKTG7HBB'), 1795596675595);
});

test('a new ULID carries its time and sorts by time', () => {
  const a = newUlid(1700000000000);
  const b = newUlid(1700000000001);
  assert.equal(a.length, 26);
  assert.equal(ulidTime(a), 1700000000000);
  assert.ok(a < b);
  assert.notEqual(newUlid(5), newUlid(5));
});

test('parse strictly: length, alphabet, first character', () => {
  assert.equal(isUlid('01M88YDTGBW7T8G8WZXKTG7HBB'), true);
  assert.equal(isUlid('01m88ydtgbw7t8g8wzxktg7hbb'), true);
  assert.equal(isUlid('81M88YDTGBW7T8G8WZXKTG7HBB'), false);
  assert.equal(isUlid('01M88YDTGBW7T8G8WZXKTG7HBU'), false);
  assert.equal(isUlid('01M88YDTGBW7T8G8WZXKTG7HB'), false);
  assert.equal(isUlid('wal'), false);
  assert.equal(isUlid('01M88YDTGBW7T8G8WZXKTG7HBB.tmp-for-creation'), false);
});

test('encode and parse round-trip any 128 bits', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
      const s = encodeUlid(bytes);
      assert.deepEqual(parseUlid(s), bytes);
    }),
  );
});
