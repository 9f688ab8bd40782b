import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Matcher } from '../model/matcher.js';
import { blocksQuerier, openBlocks } from './block-dir.js';
import { writeBlock } from './block-writer.js';
import { blockRanges } from './compaction-planner.js';
import { runCompactionInWorker } from './compaction-worker.js';
import { collect, regularSeries } from './test-blocks.js';

const H = 3_600_000;

test('compaction in a worker thread gives the same result and swaps the blocks', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-compact-worker-'));
  try {
    for (let k = 0; k < 4; k++) writeBlock(dir, { mint: k * 2 * H, maxt: (k + 1) * 2 * H, series: [regularSeries({ __name__: 'm', k: String(k % 2) }, k * 2 * H, 60_000, 120, (i) => i * k)] });
    const blocks = openBlocks(dir).blocks;
    const all = [new Matcher('=~', '__name__', '.+')];
    const want = collect(blocksQuerier(blocks, -Infinity, Infinity), all);
    const r = await runCompactionInWorker(blocks, blockRanges(0));
    assert.equal(r.created.length, 1);
    assert.equal(r.deleted.length, 3);
    assert.deepEqual(readdirSync(dir).sort(), blocks.map((b) => b.meta.ulid).sort());
    assert.deepEqual(collect(blocksQuerier(blocks, -Infinity, Infinity), all), want);
    assert.equal(blocks.find((b) => b.meta.compaction.level === 2)?.meta.maxTime, 6 * H);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a compaction failing in the worker marks its inputs failed and leaves them in place', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-compact-worker-'));
  try {
    writeBlock(dir, { mint: 0, maxt: 2 * H, series: [regularSeries({ __name__: 'm' }, 0, 60_000, 120, (i) => i)] });
    writeBlock(dir, { mint: 0, maxt: 2 * H, series: [regularSeries({ __name__: 'm' }, 30_000, 60_000, 100, () => 9)] });
    const blocks = openBlocks(dir).blocks;
    const path = join((blocks[0] as (typeof blocks)[number]).dir, 'chunks', '000001');
    const bytes = readFileSync(path);
    bytes[20] = (bytes[20] as number) ^ 0xff;
    writeFileSync(path, bytes);
    await assert.rejects(runCompactionInWorker(blocks, blockRanges(0)), /checksum mismatch/);
    assert.equal(blocks.length, 2);
    assert.ok(blocks.every((b) => b.meta.compaction.failed === true));
    assert.deepEqual(await runCompactionInWorker(blocks, blockRanges(0)), { created: [], deleted: [] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an aborted compaction rejects and changes nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-compact-worker-'));
  try {
    for (let k = 0; k < 4; k++) writeBlock(dir, { mint: k * 2 * H, maxt: (k + 1) * 2 * H, series: [regularSeries({ __name__: 'm' }, k * 2 * H, 60_000, 120, (i) => i)] });
    const blocks = openBlocks(dir).blocks;
    const controller = new AbortController();
    controller.abort(new Error('shutting down'));
    await assert.rejects(runCompactionInWorker(blocks, blockRanges(0), controller.signal), /shutting down/);
    assert.equal(blocks.length, 4);
    assert.equal(readdirSync(dir).length, 4);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
