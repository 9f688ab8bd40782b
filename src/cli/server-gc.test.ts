// Tests for the server's GC tuning: applied by default, left alone when node was given its own setting.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tuneServerGc } from './server-gc.js';

test('tuneServerGc leaves a heap growth given on the node command line alone', () => {
  assert.equal(tuneServerGc(['--heap-growing-percent=20']), false);
  assert.equal(tuneServerGc(['--inspect', '--heap_growing_percent', '20']), false);
});

test('tuneServerGc applies its setting otherwise', () => {
  assert.equal(tuneServerGc(['--heap-growing-percentage-is-not-a-flag']), true);
  assert.equal(tuneServerGc([]), true);
});
