import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Matcher } from '../model/matcher.js';
import { StorageError } from '../storage/storage-error.js';
import { blocksQuerier, openBlocks } from './block-dir.js';
import { openBlock } from './block-reader.js';
import { IndexReader } from './index-reader.js';
import { writeBlock } from './block-writer.js';
import { collect, regularSeries } from './test-blocks.js';

const T0 = 1700000000000;
const all = [new Matcher('=~', '__name__', '.+')];

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-blocks-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a written block reads back: series, samples, stats, label names and values', () => {
  withDir((dir) => {
    const ulid = writeBlock(dir, {
      mint: T0,
      maxt: T0 + 7_200_000,
      series: [
        regularSeries({ __name__: 'up', job: 'db' }, T0, 15_000, 300, (i) => i % 2),
        regularSeries({ __name__: 'up', job: 'api' }, T0, 15_000, 10, () => 1),
        regularSeries({ __name__: 'temp', room: 'lab' }, T0 + 5, 60_000, 3, (i) => [21.5, -3.25, 1e10][i] as number),
      ],
    });
    assert.deepEqual(readdirSync(dir), [ulid]);
    const b = openBlock(join(dir, ulid));
    assert.deepEqual(b.meta.stats, { numSamples: 313, numSeries: 3, numChunks: 5, numTombstones: 0 });
    const q = b.querier(-Infinity, Infinity);
    const got = collect(q, all);
    assert.deepEqual([...got.keys()], ['temp{room="lab"}', 'up{job="api"}', 'up{job="db"}']);
    assert.deepEqual(got.get('temp{room="lab"}'), [[T0 + 5, 21.5], [T0 + 60_005, -3.25], [T0 + 120_005, 1e10]]);
    assert.equal(got.get('up{job="db"}')?.length, 300);
    assert.deepEqual(q.labelNames(), ['__name__', 'job', 'room']);
    assert.deepEqual(q.labelValues('job'), ['api', 'db']);
    assert.deepEqual(q.labelValues('job', [new Matcher('=', 'job', 'db')]), ['db']);
    assert.deepEqual(q.labelNames([new Matcher('=', '__name__', 'temp')]), ['__name__', 'room']);
    // A time range selects samples and drops series without chunks in it.
    const r = collect(b.querier(T0 + 15_000, T0 + 30_000), all);
    assert.deepEqual([...r.keys()], ['temp{room="lab"}', 'up{job="api"}', 'up{job="db"}']);
    assert.deepEqual(r.get('temp{room="lab"}'), []);
    assert.deepEqual([...collect(b.querier(T0 + 200_000, T0 + 300_000), all).keys()], ['up{job="db"}']);
    assert.deepEqual(r.get('up{job="db"}'), [[T0 + 15_000, 1], [T0 + 30_000, 0]]);
    // seek skips whole chunks.
    const ss = b.querier(-Infinity, Infinity).select([new Matcher('=', 'job', 'db')]);
    assert.ok(ss.next());
    const it = ss.at().iterator();
    assert.ok(it.seek(T0 + 250 * 15_000 + 1));
    assert.equal(it.atT(), T0 + 251 * 15_000);
    assert.ok(it.seek(T0));
    assert.equal(it.atT(), T0 + 251 * 15_000);
    assert.equal(it.seek(T0 + 300 * 15_000), false);
    b.close();
  });
});

test('both chunk access modes read the same samples', () => {
  withDir((dir) => {
    const ulid = writeBlock(dir, { mint: T0, maxt: T0 + 10_000_000, series: [regularSeries({ __name__: 'x' }, T0, 1000, 5000, Math.sqrt)] });
    const a = collect(openBlock(join(dir, ulid), { chunkAccess: 'buffer' }).querier(-Infinity, Infinity), all);
    const b = collect(openBlock(join(dir, ulid), { chunkAccess: 'pread' }).querier(-Infinity, Infinity), all);
    assert.deepEqual(a, b);
    assert.equal(a.get('x')?.length, 5000);
    // Chunk bytes stay valid after later reads, in both modes.
    for (const access of ['buffer', 'pread'] as const) {
      const block = openBlock(join(dir, ulid), { chunkAccess: access });
      const [c1, c2] = block.index.series(block.index.allPostings()[0] as number).chunks;
      const first = block.chunks.chunk((c1 as { ref: number }).ref).bytes;
      const copy = Buffer.from(first);
      block.chunks.chunk((c2 as { ref: number }).ref);
      assert.ok(copy.equals(first), access);
      block.close();
    }
  });
});

test('delete writes tombstones that hide samples, and survive reopening', () => {
  withDir((dir) => {
    const ulid = writeBlock(dir, {
      mint: T0,
      maxt: T0 + 7_200_000,
      series: [regularSeries({ __name__: 'up', job: 'db' }, T0, 15_000, 300, (i) => i), regularSeries({ __name__: 'up', job: 'api' }, T0, 15_000, 300, (i) => i)],
    });
    const b = openBlock(join(dir, ulid));
    assert.equal(b.delete([new Matcher('=', 'job', 'db')], T0 + 15_000, T0 + 2_999_999), 1);
    assert.equal(b.delete([new Matcher('=', 'job', 'api')], -Infinity, Infinity), 1);
    b.close();
    const again = openBlock(join(dir, ulid));
    assert.equal(again.meta.stats.numTombstones, 2);
    const got = collect(again.querier(-Infinity, Infinity), all);
    assert.deepEqual([...got.keys()], ['up{job="db"}']);
    const ts = (got.get('up{job="db"}') ?? []).map(([t]) => (t - T0) / 15_000);
    assert.deepEqual(ts.slice(0, 3), [0, 200, 201]);
    assert.equal(ts.length, 101);
  });
});

test('blocks overlapping in time are merged, duplicates dropped', () => {
  withDir((dir) => {
    writeBlock(dir, { mint: T0, maxt: T0 + 100_000, series: [regularSeries({ __name__: 'm' }, T0, 10_000, 10, (i) => i)] });
    writeBlock(dir, { mint: T0 + 50_000, maxt: T0 + 200_000, series: [regularSeries({ __name__: 'm' }, T0 + 50_000, 5_000, 30, () => 7)] });
    const { blocks } = openBlocks(dir);
    const got = collect(blocksQuerier(blocks, -Infinity, Infinity), all).get('m') ?? [];
    assert.equal(got.length, 5 + 30);
    assert.deepEqual(got[5], [T0 + 50_000, 5]);
    assert.deepEqual(got[6], [T0 + 55_000, 7]);
  });
});

test('a corrupted block is set aside with a clear error and the others are served', () => {
  withDir((dir) => {
    const good = writeBlock(dir, { mint: T0, maxt: T0 + 100_000, series: [regularSeries({ __name__: 'm', b: 'good' }, T0, 10_000, 10, (i) => i)] });
    const badIndex = writeBlock(dir, { mint: T0 + 100_000, maxt: T0 + 200_000, series: [regularSeries({ __name__: 'm', b: 'idx' }, T0 + 100_000, 10_000, 10, (i) => i)] });
    const badChunk = writeBlock(dir, { mint: T0 + 200_000, maxt: T0 + 300_000, series: [regularSeries({ __name__: 'm', b: 'chk' }, T0 + 200_000, 10_000, 10, (i) => i)] });
    const flip = (path: string, pos: number): void => {
      const b = readFileSync(path);
      b[pos] = (b[pos] as number) ^ 0xff;
      writeFileSync(path, b);
    };
    flip(join(dir, badIndex, 'index'), (new IndexReader(join(dir, badIndex, 'index')).allPostings()[0] as number) * 16 + 3);
    flip(join(dir, badChunk, 'chunks', '000001'), 20);
    const lines: string[] = [];
    const { blocks, corrupted } = openBlocks(dir, { verifyChunks: true, log: (l) => lines.push(l) });
    assert.deepEqual(blocks.map((b) => b.meta.ulid), [good]);
    assert.deepEqual(corrupted.map((c) => c.dir).sort(), [join(dir, badIndex), join(dir, badChunk)].sort());
    for (const c of corrupted) {
      assert.ok(c.error instanceof StorageError);
      assert.equal(c.error.code, 'corruption');
      assert.match(c.error.message, /checksum mismatch/);
    }
    assert.equal(lines.length, 2);
    assert.match(lines.join('\n'), /block set aside/);
    assert.deepEqual([...collect(blocksQuerier(blocks, -Infinity, Infinity), all).keys()], ['m{b="good"}']);
    // Without the up-front chunk check the block opens, and reading the bad chunk fails with the same error.
    const lazy = openBlock(join(dir, badChunk));
    assert.throws(() => collect(lazy.querier(-Infinity, Infinity), all), (e: unknown) => e instanceof StorageError && e.code === 'corruption' && e.message.includes('000001'));
    assert.ok(existsSync(join(dir, badChunk)));
  });
});
