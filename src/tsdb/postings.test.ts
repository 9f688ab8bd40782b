// Property tests of the sorted postings set operations against a plain Set model.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { intersectPostings, mergePostings, subtractPostings } from './postings.js';

/** A sorted, duplicate-free postings list of small IDs (so lists overlap often). */
const postings = fc.uniqueArray(fc.nat(200), { maxLength: 60 }).map((a) => Uint32Array.from(a.sort((x, y) => x - y)));

test('intersect, subtract and merge agree with set semantics and keep lists sorted', () => {
  fc.assert(
    fc.property(postings, postings, fc.array(postings, { maxLength: 5 }), (a, b, lists) => {
      const inB = new Set(b);
      assert.deepEqual([...intersectPostings(a, b)], [...a].filter((x) => inB.has(x)));
      assert.deepEqual([...subtractPostings(a, b)], [...a].filter((x) => !inB.has(x)));
      const all = new Set(lists.flatMap((l) => [...l]));
      assert.deepEqual([...mergePostings(lists)], [...all].sort((x, y) => x - y));
    }),
    { numRuns: 300, seed: 20261125 },
  );
});
