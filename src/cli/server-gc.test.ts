// Tests for the server's GC tuning: applied by default, each flag left alone when node was given its own setting.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SERVER_GC_FLAGS, tuneServerGc } from './server-gc.js';

test('tuneServerGc leaves a flag given on the node command line alone', () => {
  assert.deepEqual(tuneServerGc(['--heap-growing-percent=20']), ['--memory-reducer-single-gc']);
  assert.deepEqual(tuneServerGc(['--inspect', '--heap_growing_percent', '20', '--no-memory-reducer-single-gc']), []);
  assert.deepEqual(tuneServerGc(['--memory_reducer_single_gc']), [SERVER_GC_FLAGS[0]]);
});

test('tuneServerGc applies its settings otherwise', () => {
  assert.deepEqual(tuneServerGc(['--heap-growing-percentage-is-not-a-flag']), SERVER_GC_FLAGS);
  assert.deepEqual(tuneServerGc([]), SERVER_GC_FLAGS);
});
