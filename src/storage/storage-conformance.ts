// The one test suite every storage (memory, head, DB, fanout) runs: `runStorageConformance(name, open)` registers it.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { compareLabels, Labels } from '../model/labels.js';
import { matchLabels, Matcher, type MatchType } from '../model/matcher.js';
import { isStaleNaN, STALE_NAN } from '../model/stale-nan.js';
import type { Appendable } from './appendable.js';
import type { Queryable, SampleIterator } from './queryable.js';

export interface StorageUnderTest {
  storage: Appendable & Queryable;
  /** Releases the storage (and deletes any files it made). */
  close(): Promise<void> | void;
}

/** A sample as `readAll` reports it; staleness markers become the string 'stale' (a JS array may not keep NaN bits). */
export type Sample = [t: number, v: number | 'stale'];

const L = (o: Record<string, string>): Labels => Labels.from(o);
const m = (type: MatchType, name: string, value: string): Matcher => new Matcher(type, name, value);

/** Every (labels, samples) the storage returns for `matchers` over [mint, maxt], sorted by labels. */
export function readAll(q: Queryable, matchers: readonly Matcher[], mint = -Infinity, maxt = Infinity): [string, Sample[]][] {
  const querier = q.querier(mint, maxt);
  try {
    const set = querier.select(matchers, { sorted: true });
    const out: [string, Sample[]][] = [];
    let prev: Labels | undefined;
    while (set.next()) {
      const s = set.at();
      if (prev !== undefined) assert.ok(compareLabels(prev, s.labels) < 0, `series out of order: ${prev.toString()} before ${s.labels.toString()}`);
      prev = s.labels;
      const it = s.iterator();
      const samples: Sample[] = [];
      while (it.next()) {
        const v = it.atV();
        samples.push([it.atT(), isStaleNaN(v) ? 'stale' : v]);
      }
      assert.equal(it.err(), undefined);
      out.push([s.labels.toString(), samples]);
    }
    assert.equal(set.err(), undefined);
    return out;
  } finally {
    querier.close();
  }
}

function bits(v: number): string {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(v);
  return b.toString('hex');
}

async function withStorage(open: () => Promise<StorageUnderTest> | StorageUnderTest, fn: (s: Appendable & Queryable) => Promise<void>): Promise<void> {
  const sut = await open();
  try {
    await fn(sut.storage);
  } finally {
    await sut.close();
  }
}

async function appendAll(s: Appendable, rows: [Labels, number, number][]): Promise<void> {
  const app = s.appender();
  for (const [l, t, v] of rows) app.append(0, l, t, v);
  await app.commit();
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code;
  }
}

/** Registers the conformance tests for the storage `open` creates (a fresh, empty one per test). */
export function runStorageConformance(name: string, open: () => Promise<StorageUnderTest> | StorageUnderTest): void {
  describe(`storage conformance: ${name}`, () => {
    test('appends are invisible until commit, then visible; rollback drops them', async () => {
      await withStorage(open, async (s) => {
        const a = L({ __name__: 'up', job: 'a' });
        const app = s.appender();
        const ref = app.append(0, a, 1000, 1);
        assert.ok(ref > 0);
        assert.equal(app.append(ref, a, 2000, 2), ref);
        assert.deepEqual(readAll(s, [m('=', '__name__', 'up')]), []);
        await app.commit();
        assert.deepEqual(readAll(s, [m('=', '__name__', 'up')]), [['up{job="a"}', [[1000, 1], [2000, 2]]]]);

        const b = L({ __name__: 'up', job: 'b' });
        const rb = s.appender();
        rb.append(0, b, 3000, 3);
        rb.append(0, a, 3000, 3);
        rb.rollback();
        assert.deepEqual(readAll(s, [m('=', '__name__', 'up')]), [['up{job="a"}', [[1000, 1], [2000, 2]]]]);
        const q = s.querier(-Infinity, Infinity);
        assert.deepEqual(q.labelValues('job'), ['a']);
        q.close();
        // The rolled-back timestamps are free again.
        await appendAll(s, [[a, 3000, 30], [b, 3000, 31]]);
        assert.deepEqual(readAll(s, [m('=~', 'job', 'a|b')]), [
          ['up{job="a"}', [[1000, 1], [2000, 2], [3000, 30]]],
          ['up{job="b"}', [[3000, 31]]],
        ]);
      });
    });

    test('the querier range is inclusive at both ends and series without samples in it are left out', async () => {
      await withStorage(open, async (s) => {
        const a = L({ __name__: 'x', i: '1' });
        const b = L({ __name__: 'x', i: '2' });
        await appendAll(s, [[a, 10, 1], [a, 20, 2], [a, 30, 3], [b, 100, 4]]);
        assert.deepEqual(readAll(s, [m('=', '__name__', 'x')], 20, 30), [['x{i="1"}', [[20, 2], [30, 3]]]]);
        assert.deepEqual(readAll(s, [m('=', '__name__', 'x')], 31, 99), []);
        assert.deepEqual(readAll(s, [m('=', '__name__', 'x')], 30, 100), [['x{i="1"}', [[30, 3]]], ['x{i="2"}', [[100, 4]]]]);
      });
    });

    test('matchers =, !=, =~, !~ follow Prometheus semantics with RE2 regexes', async () => {
      await withStorage(open, async (s) => {
        const rows: [Labels, number, number][] = [
          [L({ __name__: 'm', env: 'prod', path: '/a' }), 1, 1],
          [L({ __name__: 'm', env: 'dev', path: '/b' }), 1, 2],
          [L({ __name__: 'm', env: 'Prod' }), 1, 3],
          [L({ __name__: 'm', path: '/foo' }), 1, 4],
          [L({ __name__: 'n', env: 'prod' }), 1, 5],
        ];
        await appendAll(s, rows);
        const names = (ms: Matcher[]): string[] => readAll(s, ms).map(([l]) => l);
        const cases: Matcher[][] = [
          [m('=', 'env', 'prod')],
          [m('=', '__name__', 'm'), m('!=', 'env', 'prod')],
          [m('=', '__name__', 'm'), m('=', 'env', '')],
          [m('=', '__name__', 'm'), m('!=', 'env', '')],
          [m('=~', 'env', '(?i)prod')],
          [m('=~', 'env', 'pro')],
          [m('=~', 'env', 'prod|dev')],
          [m('=', '__name__', 'm'), m('!~', 'env', 'prod|dev')],
          [m('=', '__name__', 'm'), m('=~', 'path', '/[a-z]+|')],
          [m('=~', 'path', '/\\w')],
          [m('=~', '__name__', '.+'), m('!~', 'path', '.*o.*')],
          [m('=~', 'env', '.*'), m('=', '__name__', 'n')],
          [m('=', 'nonexistent', 'x')],
        ];
        for (const ms of cases) {
          const want = rows.map(([l]) => l).filter((l) => matchLabels(ms, l)).sort(compareLabels).map((l) => l.toString());
          assert.deepEqual(names(ms), want, ms.join(','));
        }
        assert.deepEqual(names([m('=~', 'env', '(?i)prod')]), ['m{env="Prod"}', 'm{env="prod", path="/a"}', 'n{env="prod"}']);
      });
    });

    test('label names and values are sorted, distinct and filtered by matchers', async () => {
      await withStorage(open, async (s) => {
        await appendAll(s, [
          [L({ __name__: 'a', zone: 'z1', job: 'j' }), 1, 1],
          [L({ __name__: 'b', zone: 'z2' }), 1, 1],
          [L({ __name__: 'b', zone: 'z1', extra: 'e' }), 1, 1],
        ]);
        const q = s.querier(-Infinity, Infinity);
        try {
          assert.deepEqual(q.labelNames(), ['__name__', 'extra', 'job', 'zone']);
          assert.deepEqual(q.labelNames([m('=', '__name__', 'b')]), ['__name__', 'extra', 'zone']);
          assert.deepEqual(q.labelValues('zone'), ['z1', 'z2']);
          assert.deepEqual(q.labelValues('zone', [m('=', '__name__', 'a')]), ['z1']);
          assert.deepEqual(q.labelValues('__name__', [m('=~', 'zone', 'z.')]), ['a', 'b']);
          assert.deepEqual(q.labelValues('missing'), []);
        } finally {
          q.close();
        }
      });
    });

    test('select returns series sorted by labels, matching a brute-force filter on random data', async () => {
      const labelSet = fc.record({ __name__: fc.constantFrom('a', 'b', 'c'), x: fc.constantFrom('', '1', '2', '10', 'x1'), y: fc.constantFrom('', 'p', 'q') });
      const matcher = fc.tuple(fc.constantFrom<MatchType>('=', '!=', '=~', '!~'), fc.constantFrom('__name__', 'x', 'y'), fc.constantFrom('', 'a', '1', 'p', '1|2', '.*', '.+', 'x.*', '[0-9]+'));
      await withStorage(open, async (s) => {
        const sets = fc.sample(fc.array(labelSet, { minLength: 1, maxLength: 40 }), { numRuns: 1, seed: 42 })[0] ?? [];
        const all = [...new Map(sets.map((o) => [L(o).toString(), L(o)])).values()];
        await appendAll(s, all.map((l, i) => [l, 1000, i]));
        fc.assert(
          fc.property(fc.array(matcher, { minLength: 1, maxLength: 3 }), (spec) => {
            const ms = spec.map(([t, n, v]) => m(t, n, v));
            if (ms.every((x) => x.matchesEmpty())) ms.push(m('=~', '__name__', '.+'));
            const want = all.filter((l) => matchLabels(ms, l)).sort(compareLabels).map((l) => l.toString());
            assert.deepEqual(readAll(s, ms).map(([l]) => l), want);
          }),
          { numRuns: 60, seed: 7 },
        );
      });
    });

    test('seek moves to the first sample at or after t, stays put when already there, and reports the end', async () => {
      await withStorage(open, async (s) => {
        const a = L({ __name__: 's' });
        await appendAll(s, [10, 20, 30, 40].map((t): [Labels, number, number] => [a, t, t / 10]));
        const q = s.querier(-Infinity, Infinity);
        try {
          const set = q.select([m('=', '__name__', 's')]);
          assert.ok(set.next());
          const series = set.at();
          const it: SampleIterator = series.iterator();
          assert.ok(it.seek(15));
          assert.equal(it.atT(), 20);
          assert.ok(it.seek(5));
          assert.equal(it.atT(), 20);
          assert.ok(it.seek(20));
          assert.equal(it.atT(), 20);
          assert.ok(it.next());
          assert.equal(it.atT(), 30);
          assert.ok(it.seek(40));
          assert.equal(it.atV(), 4);
          assert.equal(it.seek(41), false);
          assert.equal(it.next(), false);
          const fresh = series.iterator();
          assert.ok(fresh.seek(0));
          assert.equal(fresh.atT(), 10);
          assert.equal(series.iterator().seek(50), false);
          assert.equal(set.next(), false);
        } finally {
          q.close();
        }
      });
    });

    test('out-of-order and duplicate samples are refused with their codes; an identical resend is accepted', async () => {
      await withStorage(open, async (s) => {
        const a = L({ __name__: 'o' });
        await appendAll(s, [[a, 100, 1]]);
        const app = s.appender();
        assert.equal(codeOf(() => app.append(0, a, 99, 1)), 'out_of_order_sample');
        assert.equal(codeOf(() => app.append(0, a, 100, 2)), 'duplicate_sample_for_timestamp');
        assert.equal(codeOf(() => app.append(0, a, 100, 1)), undefined);
        assert.equal(codeOf(() => app.append(0, a, 200, 2)), undefined);
        // Within the transaction too.
        assert.equal(codeOf(() => app.append(0, a, 150, 2)), 'out_of_order_sample');
        assert.equal(codeOf(() => app.append(0, a, 200, 3)), 'duplicate_sample_for_timestamp');
        await app.commit();
        assert.deepEqual(readAll(s, [m('=', '__name__', 'o')]), [['o', [[100, 1], [200, 2]]]]);
      });
    });

    test('staleness markers, NaN, ±Inf and -0 come back bit for bit', async () => {
      await withStorage(open, async (s) => {
        const a = L({ __name__: 'v' });
        const values = [1.5, STALE_NAN, NaN, Infinity, -Infinity, -0, 0, STALE_NAN, Number.MIN_VALUE, 2];
        await appendAll(s, values.map((v, i): [Labels, number, number] => [a, (i + 1) * 15000, v]));
        const got = readAll(s, [m('=', '__name__', 'v')])[0]?.[1] ?? [];
        assert.deepEqual(got.map(([t]) => t), values.map((_, i) => (i + 1) * 15000));
        got.forEach(([, v], i) => {
          const want = values[i] as number;
          if (isStaleNaN(want)) assert.equal(v, 'stale', `sample ${i}`);
          else if (Number.isNaN(want)) assert.ok(typeof v === 'number' && Number.isNaN(v) && !isStaleNaN(v), `sample ${i}`);
          else assert.equal(bits(v as number), bits(want), `sample ${i}`);
        });
        // And straight from an iterator, without passing through a JS array.
        const q = s.querier(-Infinity, Infinity);
        const set = q.select([m('=', '__name__', 'v')]);
        assert.ok(set.next());
        const it = set.at().iterator();
        for (const want of values) {
          assert.ok(it.next());
          assert.equal(isStaleNaN(it.atV()), isStaleNaN(want));
          if (!Number.isNaN(want)) assert.equal(bits(it.atV()), bits(want));
        }
        q.close();
      });
    });

    test('many samples per series across commits come back in order', async () => {
      await withStorage(open, async (s) => {
        const a = L({ __name__: 'long', k: 'a' });
        const b = L({ __name__: 'long', k: 'b' });
        let ra = 0;
        let rb = 0;
        for (let batch = 0; batch < 10; batch++) {
          const app = s.appender();
          for (let i = 0; i < 100; i++) {
            const t = (batch * 100 + i) * 1000 + (i % 7);
            ra = app.append(ra, a, t, Math.sin(t));
            rb = app.append(rb, b, t, i);
          }
          await app.commit();
        }
        const got = readAll(s, [m('=', '__name__', 'long')]);
        assert.equal(got.length, 2);
        const sa = got[0]?.[1] ?? [];
        assert.equal(sa.length, 1000);
        sa.forEach(([t, v], i) => {
          assert.notEqual(v, 'stale');
          assert.equal(t, i * 1000 + ((i % 100) % 7));
          assert.equal(v, Math.sin(t));
        });
        const mid = readAll(s, [m('=', 'k', 'b')], 500_000, 600_000)[0]?.[1] ?? [];
        assert.equal(mid[0]?.[0], 500_000);
        assert.ok(mid.every(([t]) => t >= 500_000 && t <= 600_000));
      });
    });
  });
}
