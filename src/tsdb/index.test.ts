import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { compareLabels, compareStrings, Labels } from '../model/labels.js';
import { Matcher } from '../model/matcher.js';
import { StorageError } from '../storage/storage-error.js';
import { IndexReader } from './index-reader.js';
import { writeIndex } from './index-writer.js';
import type { IndexSeries } from './index-writer.js';
import { postingsForMatchers } from './postings-for-matchers.js';

const labelName = fc.constantFrom('__name__', 'job', 'instance', 'a', 'b', 'zz', 'ünï');
const labelValue = fc.oneof(fc.constantFrom('x', 'y', 'api', '200', '', 'x\ny', '\u{1F600}', '\uFFFD'), fc.string({ maxLength: 6 }));
const labelSet = fc.array(fc.tuple(labelName, labelValue), { maxLength: 5 }).map((pairs) => Labels.from(pairs));

function uniqueSorted(sets: Labels[]): Labels[] {
  const sorted = sets.filter((l) => l.size > 0).sort(compareLabels);
  return sorted.filter((l, i) => i === 0 || compareLabels(sorted[i - 1] as Labels, l) !== 0);
}

test('index write/read round-trips random label sets, chunk metas and postings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-index-'));
  try {
    fc.assert(
      fc.property(
        fc.array(labelSet, { maxLength: 30 }),
        fc.array(fc.tuple(fc.integer({ min: -1e12, max: 2e12 }), fc.integer({ min: 0, max: 1e7 }), fc.integer({ min: 1, max: 1e6 })), { minLength: 1, maxLength: 4 }),
        (sets, chunkSpec) => {
          const labelSets = uniqueSorted(sets);
          const series: IndexSeries[] = labelSets.map((labels, i) => {
            let t = chunkSpec[0]?.[0] ?? 0;
            let ref = 8 + i * 1000;
            const chunks = chunkSpec.map(([, len, gap]) => {
              const c = { mint: t, maxt: t + len, ref };
              t += len + gap;
              ref += gap;
              return c;
            });
            return { labels, chunks };
          });
          const path = join(dir, 'index');
          const ids = writeIndex(path, series);
          const r = new IndexReader(path);
          assert.deepEqual([...r.allPostings()], ids);
          ids.forEach((id, i) => {
            const e = r.series(id);
            assert.ok(e.labels.equals((series[i] as IndexSeries).labels));
            assert.deepEqual(e.chunks, (series[i] as IndexSeries).chunks);
          });
          // Postings per label pair equal the series that carry the pair.
          const names = new Set<string>();
          for (const l of labelSets) l.forEach((n) => names.add(n));
          assert.deepEqual(r.labelNames(), [...names].sort(compareStrings));
          for (const name of names) {
            const values = [...new Set(labelSets.map((l) => l.get(name)).filter((v) => v !== ''))].sort(compareStrings);
            assert.deepEqual(r.labelValues(name), values);
            for (const v of values) {
              const want = ids.filter((_, i) => (labelSets[i] as Labels).get(name) === v);
              assert.deepEqual([...r.postings(name, v)], want);
              const notWant = ids.filter((_, i) => (labelSets[i] as Labels).get(name) !== v);
              assert.deepEqual([...postingsForMatchers(r, [new Matcher('!=', name, v)])], notWant);
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('selects with all matcher types', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-index-'));
  try {
    const sets = uniqueSorted([
      Labels.from({ __name__: 'up', job: 'api', instance: 'a' }),
      Labels.from({ __name__: 'up', job: 'db', instance: 'b' }),
      Labels.from({ __name__: 'up', instance: 'c' }),
      Labels.from({ __name__: 'requests_total', job: 'api', code: '500' }),
    ]);
    const path = join(dir, 'index');
    const ids = writeIndex(path, sets.map((labels) => ({ labels, chunks: [{ mint: 0, maxt: 1, ref: 8 }] })));
    const r = new IndexReader(path);
    const sel = (...ms: Matcher[]): string[] => [...postingsForMatchers(r, ms)].map((id) => sets[ids.indexOf(id)]?.toString() ?? '?');
    assert.deepEqual(sel(new Matcher('=', 'job', 'api')), ['requests_total{code="500", job="api"}', 'up{instance="a", job="api"}']);
    assert.deepEqual(sel(new Matcher('=', '__name__', 'up'), new Matcher('!=', 'job', 'api')), ['up{instance="b", job="db"}', 'up{instance="c"}']);
    assert.deepEqual(sel(new Matcher('=', '__name__', 'up'), new Matcher('=', 'job', '')), ['up{instance="c"}']);
    assert.deepEqual(sel(new Matcher('=~', 'job', 'a.*|d.')), ['requests_total{code="500", job="api"}', 'up{instance="a", job="api"}', 'up{instance="b", job="db"}']);
    assert.deepEqual(sel(new Matcher('!~', 'job', 'a.*')), ['up{instance="b", job="db"}', 'up{instance="c"}']);
    assert.deepEqual(sel(new Matcher('=~', 'job', '.+')).length, 3);
    assert.deepEqual(sel(new Matcher('=', 'nope', 'x')), []);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('a flipped byte in the index is reported as corruption', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-index-'));
  try {
    const path = join(dir, 'index');
    const [id] = writeIndex(path, [{ labels: Labels.from({ __name__: 'up' }), chunks: [{ mint: 0, maxt: 1, ref: 8 }] }]);
    const bytes = readFileSync(path);
    // Symbols, the series entry, the postings offset table, the TOC.
    for (const pos of [12, (id as number) * 16 + 3, bytes.length - 60, bytes.length - 10]) {
      const copy = Buffer.from(bytes);
      copy[pos] = (copy[pos] as number) ^ 0x40;
      writeFileSync(path, copy);
      assert.throws(() => new IndexReader(path), (e: unknown) => e instanceof StorageError && e.code === 'corruption' && e.message.includes(path), `flip at ${pos}`);
    }
  } finally {
    rmSync(dir, { recursive: true });
  }
});
