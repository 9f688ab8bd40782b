import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { compareLabels, Labels } from '../model/labels.js';
import { Matcher } from '../model/matcher.js';
import { Head } from './head.js';

/** Labels of every series a sorted select returns, in its order. */
function selectSorted(head: Head, matchers: Matcher[]): string[] {
  const set = head.querier(-Infinity, Infinity).select(matchers, { sorted: true });
  const out: string[] = [];
  while (set.next()) out.push(set.at().labels.toString());
  return out;
}

function expected(all: Map<string, Labels>, keep: (l: Labels) => boolean): string[] {
  return [...all.values()]
    .filter(keep)
    .sort(compareLabels)
    .map((l) => l.toString());
}

test('sorted selects follow label order through series creation, removal and slot reuse', async () => {
  await fc.assert(
    fc.asyncProperty(
      // Rounds of (new series as [job, instance, value suffix], then truncate at a time dropping the oldest rounds).
      fc.array(fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 300 }), fc.constantFrom('', 'é', '\u{1F600}', 'z')), { maxLength: 400 }), {
        minLength: 1,
        maxLength: 6,
      }),
      fc.integer({ min: 0, max: 5 }),
      async (rounds, dropRounds) => {
        const head = new Head();
        const live = new Map<string, Labels>();
        const bornIn = new Map<string, number>();
        for (let r = 0; r < rounds.length; r++) {
          const app = head.appender();
          const thisRound = new Set<string>();
          for (const [job, inst, suffix] of rounds[r] as [number, number, string][]) {
            const l = Labels.from({ __name__: 'm', job: `j${job}`, instance: `i${inst}${suffix}` });
            if (thisRound.has(l.toString())) continue;
            thisRound.add(l.toString());
            app.append(0, l, r * 1000, r);
            live.set(l.toString(), l);
            bornIn.set(l.toString(), r);
          }
          await app.commit();
          // Sorted selects between rounds rank the series and leave later ones unranked.
          assert.deepEqual(selectSorted(head, [new Matcher('=', '__name__', 'm')]), expected(live, () => true));
        }
        head.truncate(dropRounds * 1000);
        for (const [k, r] of bornIn) if (r < dropRounds && live.has(k)) live.delete(k);
        // Series created after the truncation reuse freed slots.
        const app = head.appender();
        for (let i = 0; i < 150; i++) {
          const l = Labels.from({ __name__: 'm', job: `j${i % 3}`, instance: `late${i}` });
          app.append(0, l, 10_000, 1);
          live.set(l.toString(), l);
        }
        await app.commit();
        assert.deepEqual(selectSorted(head, [new Matcher('=', '__name__', 'm')]), expected(live, () => true));
        assert.deepEqual(selectSorted(head, [new Matcher('=', 'job', 'j1')]), expected(live, (l) => l.get('job') === 'j1'));
        assert.deepEqual(selectSorted(head, [new Matcher('=~', '__name__', '.+')]), expected(live, () => true));
      },
    ),
    { numRuns: 40 },
  );
});

test('a few series added after ranking are merged into the ranked ones in label order', async () => {
  const head = new Head();
  const live = new Map<string, Labels>();
  const add = async (names: string[], t: number): Promise<void> => {
    const app = head.appender();
    for (const n of names) {
      const l = Labels.from({ __name__: 'm', pod: n });
      app.append(0, l, t, 1);
      live.set(l.toString(), l);
    }
    await app.commit();
  };
  // Created in reverse order, so ref order is not label order.
  await add(Array.from({ length: 2000 }, (_, i) => `p${String(1999 - i).padStart(4, '0')}`), 0);
  assert.deepEqual(selectSorted(head, [new Matcher('=', '__name__', 'm')]), expected(live, () => true));
  // Few enough to stay unranked: they sort between, before and after the ranked ones.
  await add(['p0000a', 'a', 'p1500x', 'zz', 'p0999\u{1F600}', 'p0999\uffff'], 1000);
  assert.deepEqual(selectSorted(head, [new Matcher('=', '__name__', 'm')]), expected(live, () => true));
  assert.deepEqual(selectSorted(head, [new Matcher('=~', 'pod', 'p1.*')]), expected(live, (l) => l.get('pod').startsWith('p1')));
});
