import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatBlockMeta, readBlockMeta, writeBlockMeta } from './block-meta.js';
import type { BlockMeta } from './block-meta.js';
import { StorageError } from '../storage/storage-error.js';

// meta.json as promtool 2.42 wrote it (tsdb-format.md §4).
const PROMTOOL_META = `{
\t"ulid": "01M88YDTGBW7T8G8WZXKTG7HBB",
\t"minTime": 1700000000000,
\t"maxTime": 1700000500001,
\t"stats": {
\t\t"numSamples": 11,
\t\t"numSeries": 3,
\t\t"numChunks": 3
\t},
\t"compaction": {
\t\t"level": 1,
\t\t"sources": [
\t\t\t"01M88YDTGBW7T8G8WZXKTG7HBB"
\t\t]
\t},
\t"version": 1
}`;

test('reads and writes meta.json byte for byte as promtool does', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-meta-'));
  try {
    writeFileSync(join(dir, 'meta.json'), PROMTOOL_META);
    const meta = readBlockMeta(dir);
    assert.equal(meta.stats.numSamples, 11);
    assert.equal(meta.stats.numTombstones, 0);
    assert.deepEqual(meta.compaction.sources, ['01M88YDTGBW7T8G8WZXKTG7HBB']);
    writeBlockMeta(dir, meta);
    assert.equal(readFileSync(join(dir, 'meta.json'), 'utf8'), PROMTOOL_META);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('parents are written after sources', () => {
  const meta: BlockMeta = {
    ulid: '01M88YDTGBW7T8G8WZXKTG7HBB',
    minTime: 0,
    maxTime: 10,
    stats: { numSamples: 0, numSeries: 0, numChunks: 0, numTombstones: 2 },
    compaction: { level: 2, sources: ['A', 'B'], parents: [{ ulid: 'A', minTime: 0, maxTime: 5 }] },
    version: 1,
  };
  const o = JSON.parse(formatBlockMeta(meta)) as Record<string, Record<string, unknown>>;
  assert.deepEqual(Object.keys(o.compaction ?? {}), ['level', 'sources', 'parents']);
  assert.deepEqual(o.stats, { numTombstones: 2 });
});

test('a meta.json with another version is corruption', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-meta-'));
  try {
    writeFileSync(join(dir, 'meta.json'), PROMTOOL_META.replace('"version": 1', '"version": 2'));
    assert.throws(() => readBlockMeta(dir), (e: unknown) => e instanceof StorageError && e.code === 'corruption' && /version 2/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true });
  }
});
