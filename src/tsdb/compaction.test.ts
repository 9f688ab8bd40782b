import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Matcher } from '../model/matcher.js';
import type { BlockMeta } from './block-meta.js';
import { blocksQuerier, openBlocks } from './block-dir.js';
import { openBlock } from './block-reader.js';
import { writeBlock } from './block-writer.js';
import { blockRanges, exponentialBlockRanges, planCompaction } from './compaction-planner.js';
import type { PlannedBlock } from './compaction-planner.js';
import { cleanTombstones, compactAndReplace, compactBlocks, runCompaction } from './compactor.js';
import type { CompactStats } from './compactor.js';
import { applyRetention, blocksBeyondRetention } from './retention.js';
import { collect, regularSeries } from './test-blocks.js';

const H = 3_600_000;
const all = [new Matcher('=~', '__name__', '.+')];

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-compact-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function meta(minTime: number, maxTime: number, extra: Partial<BlockMeta['stats']> = {}): PlannedBlock {
  const ulid = `${minTime}-${maxTime}`;
  return {
    dir: ulid,
    meta: { ulid, minTime, maxTime, stats: { numSamples: 1, numSeries: 1, numChunks: 1, numTombstones: 0, ...extra }, compaction: { level: 1, sources: [ulid] }, version: 1 },
  };
}

test('block ranges grow by 3 from 2h and stop at 10% of retention or 31 days', () => {
  assert.deepEqual(exponentialBlockRanges(2 * H, 4, 3), [2 * H, 6 * H, 18 * H, 54 * H]);
  assert.deepEqual(blockRanges(15 * 24 * H), [2 * H, 6 * H, 18 * H]);
  assert.deepEqual(blockRanges(30 * 24 * H), [2 * H, 6 * H, 18 * H, 54 * H]);
  assert.equal(Math.max(...blockRanges(0)), 2 * H * 3 ** 5);
  assert.deepEqual(blockRanges(0, 2 * H), [2 * H]);
});

test('planner: overlapping blocks first, then full ranges, never the newest block alone', () => {
  const ranges = [20, 60, 180, 540];
  const plan = (...bs: PlannedBlock[]): string[] => planCompaction(bs, ranges);
  assert.deepEqual(plan(meta(0, 20), meta(20, 40), meta(40, 60)), []);
  assert.deepEqual(plan(meta(0, 20), meta(20, 40), meta(40, 60), meta(60, 80)), ['0-20', '20-40', '40-60']);
  assert.deepEqual(plan(meta(60, 80), meta(0, 20), meta(20, 40), meta(40, 60)), ['0-20', '20-40', '40-60']);
  assert.deepEqual(plan(meta(0, 20), meta(10, 30), meta(40, 60)), ['0-20', '10-30']);
  // A window before the newest block is compacted even when it has gaps.
  assert.deepEqual(plan(meta(0, 20), meta(40, 60), meta(120, 140)), ['0-20', '40-60']);
  // Larger ranges once the smaller ones are done.
  assert.deepEqual(plan(meta(0, 60), meta(60, 120), meta(120, 180), meta(180, 200)), ['0-60', '60-120', '120-180']);
  assert.deepEqual(plan(meta(0, 180), meta(180, 200)), []);
  // A big block with many tombstones is rewritten alone.
  assert.deepEqual(plan(meta(0, 180, { numTombstones: 5, numSeries: 10 }), meta(180, 200)), ['0-180']);
});

test('compaction merges blocks: level, sources, parents; chunks copied; inputs deleted after', () => {
  withDir((dir) => {
    const ids = [0, 1, 2].map((k) =>
      writeBlock(dir, {
        mint: k * 2 * H,
        maxt: (k + 1) * 2 * H,
        series: [regularSeries({ __name__: 'up', job: 'a' }, k * 2 * H, 15_000, 480, (i) => i + k), regularSeries({ __name__: `only${k}` }, k * 2 * H, 60_000, 10, () => k)],
      }),
    );
    const before = openBlocks(dir).blocks;
    const want = collect(blocksQuerier(before, -Infinity, Infinity), all);
    const stats: CompactStats = { copiedChunks: 0, reencodedChunks: 0 };
    const ulid = compactBlocks(dir, before, {}, stats) as string;
    assert.deepEqual(stats, { copiedChunks: 15, reencodedChunks: 0 });
    const b = openBlock(join(dir, ulid));
    assert.equal(b.meta.compaction.level, 2);
    assert.deepEqual(b.meta.compaction.sources, [...ids].sort());
    assert.deepEqual(b.meta.compaction.parents?.map((p) => p.ulid), ids);
    assert.deepEqual([b.meta.minTime, b.meta.maxTime], [0, 6 * H]);
    assert.deepEqual(b.meta.stats, { numSamples: 3 * 490, numSeries: 4, numChunks: 15, numTombstones: 0 });
    assert.deepEqual(collect(b.querier(-Infinity, Infinity), all), want);
    b.close();
    const { deleted } = compactAndReplace(before.filter((x) => x.meta.ulid !== ulid));
    assert.deepEqual(deleted, ids);
    assert.deepEqual(readdirSync(dir).sort(), [ulid].concat(readdirSync(dir).filter((n) => n !== ulid)).sort());
  });
});

test('overlapping blocks: only the overlapping chunks are re-encoded, duplicates dropped', () => {
  withDir((dir) => {
    writeBlock(dir, { mint: 0, maxt: 2 * H, series: [regularSeries({ __name__: 'm' }, 0, 15_000, 480, (i) => i)] });
    writeBlock(dir, { mint: H, maxt: 3 * H, series: [regularSeries({ __name__: 'm' }, H, 15_000, 480, () => -1)] });
    const blocks = openBlocks(dir).blocks;
    const stats: CompactStats = { copiedChunks: 0, reencodedChunks: 0 };
    const ulid = compactBlocks(dir, blocks, {}, stats) as string;
    // Two chunks of each block overlap: their 2 × 240 samples at the same times become 240 samples in 2 chunks.
    assert.deepEqual(stats, { copiedChunks: 4, reencodedChunks: 2 });
    const got = collect(openBlock(join(dir, ulid)).querier(-Infinity, Infinity), all).get('m') ?? [];
    assert.equal(got.length, 240 + 480);
    assert.deepEqual(got[240], [H, 240]);
    assert.deepEqual(got[480], [2 * H, -1]);
  });
});

test('cleaning tombstones rewrites the block without the deleted samples; a fully deleted block disappears', () => {
  withDir((dir) => {
    const a = writeBlock(dir, { mint: 0, maxt: 2 * H, series: [regularSeries({ __name__: 'm', k: '1' }, 0, 15_000, 480, (i) => i), regularSeries({ __name__: 'm', k: '2' }, 0, 15_000, 480, (i) => i)] });
    const blockA = openBlock(join(dir, a));
    blockA.delete([new Matcher('=', 'k', '1')], 15_000, 30 * 60_000);
    blockA.delete([new Matcher('=', 'k', '2')], -Infinity, Infinity);
    const cleaned = cleanTombstones(blockA) as string;
    const b = openBlock(join(dir, cleaned));
    assert.equal(b.meta.stats.numTombstones, 0);
    assert.equal(b.meta.compaction.level, 1);
    assert.deepEqual(b.meta.compaction.parents?.[0]?.ulid, a);
    const got = collect(b.querier(-Infinity, Infinity), all);
    assert.deepEqual([...got.keys()], ['m{k="1"}']);
    assert.equal(got.get('m{k="1"}')?.length, 480 - 120);
    b.delete(all, -Infinity, Infinity);
    assert.equal(cleanTombstones(b), undefined);
    assert.deepEqual(readdirSync(dir), []);
  });
});

test('runCompaction compacts 2h blocks into 6h ones and stops', () => {
  withDir((dir) => {
    for (let k = 0; k < 4; k++) writeBlock(dir, { mint: k * 2 * H, maxt: (k + 1) * 2 * H, series: [regularSeries({ __name__: 'm' }, k * 2 * H, 60_000, 120, () => k)] });
    const blocks = openBlocks(dir).blocks;
    const r = runCompaction(blocks, blockRanges(0), (d) => openBlock(d));
    assert.equal(r.created.length, 1);
    assert.equal(r.deleted.length, 3);
    assert.deepEqual(blocks.map((b) => [b.meta.minTime, b.meta.maxTime]).sort((x, y) => (x[0] as number) - (y[0] as number)), [[0, 6 * H], [6 * H, 8 * H]]);
    assert.equal(collect(blocksQuerier(blocks, -Infinity, Infinity), all).get('m')?.length, 480);
  });
});

test('retention removes the oldest blocks beyond the time or the size limit', () => {
  withDir((dir) => {
    for (let k = 0; k < 4; k++) writeBlock(dir, { mint: k * 2 * H, maxt: (k + 1) * 2 * H, series: [regularSeries({ __name__: 'm' }, k * 2 * H, 60_000, 120, () => k)] });
    const blocks = openBlocks(dir).blocks;
    const size = Math.max(...blocks.map((b) => b.size()));
    assert.deepEqual([...blocksBeyondRetention(blocks, { retentionMs: 4 * H }).entries()], [[blocks[0]?.meta.ulid, 'time']]);
    const newestTwo = (blocks[2]?.size() ?? 0) + (blocks[3]?.size() ?? 0);
    assert.deepEqual([...blocksBeyondRetention(blocks, { maxBytes: newestTwo }).values()], ['size', 'size']);
    assert.deepEqual([...blocksBeyondRetention(blocks, { maxBytes: newestTwo + 100, extraBytes: 101 }).values()], ['size', 'size', 'size']);
    assert.deepEqual(blocksBeyondRetention(blocks, { retentionMs: 100 * H, maxBytes: 100 * size }).size, 0);
    const removed = applyRetention(blocks, { retentionMs: 2 * H, maxBytes: 0 });
    assert.equal(removed.size, 2);
    assert.deepEqual(blocks.map((b) => b.meta.minTime), [4 * H, 6 * H]);
    assert.equal(readdirSync(dir).length, 2);
  });
});

test('a compaction that fails on a corrupt chunk leaves its inputs, marked failed, and the planner skips them', () => {
  withDir((dir) => {
    for (let k = 0; k < 4; k++) writeBlock(dir, { mint: k * 2 * H, maxt: (k + 1) * 2 * H, series: [regularSeries({ __name__: 'm' }, k * 2 * H, 60_000, 120, () => k)] });
    // Overlapping data forces re-encoding, which reads (and checks) the chunk bytes.
    writeBlock(dir, { mint: 0, maxt: 2 * H, series: [regularSeries({ __name__: 'm' }, 30_000, 60_000, 100, () => 9)] });
    const blocks = openBlocks(dir).blocks;
    const victim = blocks[0] as (typeof blocks)[number];
    const path = join(victim.dir, 'chunks', '000001');
    const bytes = readFileSync(path);
    bytes[20] = (bytes[20] as number) ^ 0xff;
    writeFileSync(path, bytes);
    const overlapping = blocks.filter((b) => b.meta.minTime === 0);
    assert.throws(() => compactAndReplace(overlapping), /checksum mismatch/);
    assert.equal(readdirSync(dir).length, 5);
    for (const b of overlapping) assert.equal(openBlock(b.dir).meta.compaction.failed, true);
    const reopened = openBlocks(dir).blocks.filter((b) => b.meta.minTime !== 0);
    assert.deepEqual(planCompaction([...reopened, ...overlapping.map((b) => openBlock(b.dir))].map((b) => ({ dir: b.dir, meta: b.meta })), [2 * H, 6 * H]), []);
  });
});
