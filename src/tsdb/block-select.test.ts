import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { compareLabels, compareStrings, Labels } from '../model/labels.js';
import { Matcher, matchLabels } from '../model/matcher.js';
import type { MatchType } from '../model/matcher.js';
import { openBlock } from './block-reader.js';
import { writeBlock } from './block-writer.js';
import { regularSeries } from './test-blocks.js';

const names = ['__name__', 'job', 'code', 'zone'];
const values = ['', 'a', 'b', 'api', 'ab', '200', '500'];
const patterns = ['a', 'a|b', 'a.*', '.*', '.+', '', '2..|5..', 'api|', '(?i)API'];

test('select returns exactly the series every matcher matches (all matcher types, via postings)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-select-'));
  try {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.tuple(fc.constantFrom(...names), fc.constantFrom(...values)), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 25 }),
        fc.array(
          fc.oneof(
            fc.tuple(fc.constantFrom<MatchType>('=', '!='), fc.constantFrom(...names, 'missing'), fc.constantFrom(...values)),
            fc.tuple(fc.constantFrom<MatchType>('=~', '!~'), fc.constantFrom(...names, 'missing'), fc.constantFrom(...patterns)),
          ),
          { minLength: 1, maxLength: 3 },
        ),
        (sets, spec) => {
          const unique = new Map<string, Labels>();
          for (const pairs of sets) {
            const l = Labels.from(pairs);
            if (l.size > 0) unique.set(l.toString(), l);
          }
          if (unique.size === 0) return;
          const blockDir = mkdtempSync(join(dir, 'b-'));
          const ulid = writeBlock(blockDir, { mint: 0, maxt: 10, series: [...unique.values()].map((l) => ({ ...regularSeries({}, 0, 1, 1, () => 1), labels: l })) });
          const block = openBlock(join(blockDir, ulid));
          const matchers = spec.map(([type, name, value]) => new Matcher(type, name, value));
          const q = block.querier(0, 10);
          const got: string[] = [];
          const ss = q.select(matchers);
          while (ss.next()) got.push(ss.at().labels.toString());
          const want = [...unique.values()].filter((l) => matchLabels(matchers, l)).sort(compareLabels);
          assert.deepEqual(got, want.map((l) => l.toString()));
          const wantNames = [...new Set(want.flatMap((l) => l.names()))].sort(compareStrings);
          if (want.length > 0) assert.deepEqual(q.labelNames(matchers), wantNames);
          const wantJobs = [...new Set(want.map((l) => l.get('job')).filter((v) => v !== ''))].sort(compareStrings);
          assert.deepEqual(q.labelValues('job', matchers), wantJobs);
          block.close();
          rmSync(blockDir, { recursive: true });
        },
      ),
      { numRuns: 40 },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
