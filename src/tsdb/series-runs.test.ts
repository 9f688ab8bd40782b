import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { SeriesRuns } from './series-runs.js';

test('series runs hand every sample to the sink, in order per slot, in runs no longer than the run length', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: 6000 }), { maxLength: 3000 }), fc.constantFrom(64 * 2 ** 20, 200_000, 1), (slots, budgetBytes) => {
      const got = new Map<number, number[]>();
      let longest = 0;
      const runs = new SeriesRuns(
        {
          appendRun(slot, tv, from, n) {
            assert.ok(n >= 1 && n <= runs.runLength, `run of ${n}`);
            longest = Math.max(longest, n);
            const list = got.get(slot) ?? [];
            for (let i = 0; i < n; i++) {
              list.push(tv[from + 2 * i] as number);
              assert.equal(tv[from + 2 * i + 1], -(tv[from + 2 * i] as number));
            }
            got.set(slot, list);
          },
        },
        { budgetBytes },
      );
      const want = new Map<number, number[]>();
      slots.forEach((slot, t) => {
        runs.add(slot, t, -t);
        want.set(slot, [...(want.get(slot) ?? []), t]);
      });
      runs.flush();
      assert.deepEqual(new Map([...got].sort((a, b) => a[0] - b[0])), new Map([...want].sort((a, b) => a[0] - b[0])));
      // A budget too small for two samples per slot appends each sample at once.
      if (budgetBytes === 1) assert.ok(longest <= 1);
      // Nothing is held after a flush.
      got.clear();
      runs.flush();
      assert.equal(got.size, 0);
    }),
    { numRuns: 200 },
  );
});

test('a full run reaches the sink at once; the rest waits for flush', () => {
  const seen: number[][] = [];
  const runs = new SeriesRuns({ appendRun: (slot, tv, from, n) => void seen.push([slot, n, tv[from] as number]) });
  const w = runs.runLength;
  for (let i = 0; i < w + 2; i++) runs.add(3, 100 + i, i);
  runs.add(7, 5, 5);
  assert.deepEqual(seen, [[3, w, 100]]);
  runs.flush();
  assert.deepEqual(seen, [[3, w, 100], [3, 2, 100 + w], [7, 1, 5]]);
});
