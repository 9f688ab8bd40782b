// Tests for the scrape cache: byte-keyed lookups, the per-format trust the parser relies on, the order guess, forgetting.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Labels } from '../model/labels.js';
import { ScrapeCache } from './scrape-cache.js';

const TEXT = 1;
const OM = 2;

/** A body and the [start, end) ranges of its lines (each line is a series text here). */
function body(...lines: string[]): { buf: Buffer; at: [number, number][] } {
  const buf = Buffer.from(lines.join('\n'));
  const at: [number, number][] = [];
  let pos = 0;
  for (const l of lines) {
    at.push([pos, pos + Buffer.byteLength(l)]);
    pos += Buffer.byteLength(l) + 1;
  }
  return { buf, at };
}

/** Looks up line `i` of `b`. */
function look(cache: ScrapeCache, b: { buf: Buffer; at: [number, number][] }, i: number, format = TEXT): ReturnType<ScrapeCache['lookup']> {
  const [s, e] = b.at[i] as [number, number];
  return cache.lookup(b.buf, s, e, format);
}

function learn(cache: ScrapeCache, b: { buf: Buffer; at: [number, number][] }, format = TEXT): void {
  cache.beginScrape();
  for (const [i, [s, e]] of b.at.entries()) {
    if (cache.lookup(b.buf, s, e, format) === undefined) cache.put(b.buf, s, e, cache.newEntry(i + 1, Labels.from({ __name__: `m${i}` })), format);
  }
  cache.endScrape(() => undefined);
}

test('a series text is found by its bytes in any later buffer, and keeps no view of the buffer it came from', () => {
  const cache = new ScrapeCache();
  const first = body('a{x="1"}', 'b');
  learn(cache, first);
  first.buf.fill(0x20);
  const again = body('zz', 'b', 'a{x="1"}', 'a{x="2"}');
  cache.beginScrape();
  assert.equal(look(cache, again, 0), undefined);
  assert.equal(look(cache, again, 1)?.ref, 2);
  assert.equal(look(cache, again, 2)?.ref, 1);
  assert.equal(look(cache, again, 3), undefined);
});

test('probe trusts a series text only in the format it was read whole in', () => {
  const cache = new ScrapeCache();
  const b = body('a{x="1"}');
  learn(cache, b, TEXT);
  cache.beginScrape();
  assert.equal(cache.probe(b.buf, 0, 8, TEXT), 8);
  assert.equal(cache.probe(b.buf, 0, 8, OM), -1);
  assert.equal(cache.probe(b.buf, 0, 7, TEXT), -1);
  // Read whole as OpenMetrics (the lookup after a full parse): now trusted there.
  assert.equal(cache.lookup(b.buf, 0, 8, OM)?.ref, 1);
  assert.equal(cache.probe(b.buf, 0, 8, OM), 8);
});

test('probe without an end proposes the series that followed last time, and only when the bytes match', () => {
  const cache = new ScrapeCache();
  learn(cache, body('a{x="1"}', 'b{y="2"}', 'c'));
  const next = body('a{x="1"} 5', 'b{y="2"} 6', 'c 7', 'd 8');
  cache.beginScrape();
  // First line: the first series of the last scrape.
  assert.equal(cache.probe(next.buf, 0, -1, TEXT), 8);
  assert.equal(cache.lookup(next.buf, 0, 8, TEXT)?.ref, 1);
  const [bs] = next.at[1] as [number, number];
  assert.equal(cache.probe(next.buf, bs, -1, TEXT), bs + 8);
  assert.equal(cache.lookup(next.buf, bs, bs + 8, TEXT)?.ref, 2);
  const [cs] = next.at[2] as [number, number];
  assert.equal(cache.probe(next.buf, cs, -1, TEXT), cs + 1, 'the caller checks that a bare name really ends there');
  assert.equal(cache.probe(next.buf, cs, -1, OM), -1, 'other format');
  assert.equal(cache.lookup(next.buf, cs, cs + 1, TEXT)?.ref, 3);
  const [ds] = next.at[3] as [number, number];
  assert.equal(cache.probe(next.buf, ds, -1, TEXT), -1, 'nothing followed c');
  // Out of order: the guess is wrong and the bytes say so.
  const swapped = body('b{y="2"} 6', 'a{x="1"} 5');
  cache.beginScrape();
  assert.equal(cache.probe(swapped.buf, 0, -1, TEXT), -1);
});

test('series not seen for 10+ scrapes are forgotten (swept every 10th), and the key bytes of the rest survive compaction', () => {
  const cache = new ScrapeCache();
  const many = Array.from({ length: 200 }, (_, i) => `gone_${i}{label="${'v'.repeat(80)}"}`);
  learn(cache, body('kept{a="1"}', ...many));
  assert.equal(cache.size, 201);
  const kept = body('kept{a="1"}');
  for (let i = 0; i < 20; i++) learn(cache, kept);
  assert.equal(cache.size, 1);
  cache.beginScrape();
  assert.equal(look(cache, kept, 0)?.ref, 1);
  const gone = body(many[0] as string);
  assert.equal(look(cache, gone, 0), undefined);
});

test('dropped series (null entries) are remembered and found', () => {
  const cache = new ScrapeCache();
  const b = body('dropped{x="1"}');
  cache.beginScrape();
  assert.equal(cache.lookup(b.buf, 0, 14, TEXT), undefined);
  cache.put(b.buf, 0, 14, null, TEXT);
  cache.endScrape(() => undefined);
  cache.beginScrape();
  assert.equal(cache.probe(b.buf, 0, -1, TEXT), 14);
  assert.equal(cache.lookup(b.buf, 0, 14, TEXT), null);
});

test('a series text with a raw line feed is found but never trusted (the parser must count its lines)', () => {
  const cache = new ScrapeCache();
  const b = body('a{x="1\n2"}');
  const end = b.buf.length;
  cache.beginScrape();
  cache.put(b.buf, 0, end, cache.newEntry(7, Labels.from({ __name__: 'a', x: '1\n2' })), TEXT);
  cache.endScrape(() => undefined);
  cache.beginScrape();
  assert.equal(cache.probe(b.buf, 0, -1, TEXT), -1);
  assert.equal(cache.probe(b.buf, 0, end, TEXT), -1);
  assert.equal(cache.lookup(b.buf, 0, end, TEXT)?.ref, 7);
  assert.equal(cache.probe(b.buf, 0, end, TEXT), -1);
});
