// Tests of XXH64 against the reference vectors.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { xxhash64 } from './xxhash64.js';

// Reference values of XXH64 with seed 0 (from the xxHash project's published test vectors).
test('xxhash64 matches the reference implementation', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  assert.equal(xxhash64(enc('')), 0xef46db3751d8e999n);
  assert.equal(xxhash64(enc('a')), 0xd24ec4f1a98c6e5bn);
  assert.equal(xxhash64(enc('abc')), 0x44bc2cf5ad770999n);
  assert.equal(xxhash64(enc('Nobody inspects the spammish repetition')), 0xfbcea83c8a378bf1n);
});
