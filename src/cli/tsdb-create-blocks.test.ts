import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBlocks } from '../tsdb/block-dir.js';
import { captureIO } from './captured-io.js';
import { main } from './main.js';
import { backfillBlockDuration, cutChunks } from './tsdb-create-blocks.js';

const H = 3_600_000;

test('block duration: the largest 2h·3^k not above the maximum', () => {
  assert.equal(backfillBlockDuration(0), 2 * H);
  assert.equal(backfillBlockDuration(2 * H), 2 * H);
  assert.equal(backfillBlockDuration(24 * H), 18 * H);
  assert.equal(backfillBlockDuration(54 * H), 54 * H);
});

test('chunks are cut as the head cuts them: ~120 samples, at range boundaries, at most 240', () => {
  const ts = Array.from({ length: 480 }, (_, i) => 1700006400000 + i * 15_000);
  const vs = ts.map((_, i) => i);
  const sizes = (cs: ReturnType<typeof cutChunks>): number[] => cs.map((c) => ((c.bytes[0] as number) << 8) | (c.bytes[1] as number));
  // 2h of 15 s samples in a 4h range: the end is brought forward so chunks hold 120 samples.
  assert.deepEqual(sizes(cutChunks(ts, vs, 0, 480, 4 * H)), [120, 120, 120, 120]);
  // One sample per hour: cut at the range boundary only.
  const hourly = Array.from({ length: 10 }, (_, i) => i * H);
  assert.deepEqual(sizes(cutChunks(hourly, hourly, 0, 10, 4 * H)), [4, 4, 2]);
});

test('create-blocks-from openmetrics: one block per 2h window, errors for missing timestamps or # EOF', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-backfill-'));
  try {
    const lines = ['# TYPE m gauge'];
    for (let i = 0; i < 100; i++) lines.push(`m{a="1"} ${i} ${1700000000 + i * 180}`);
    lines.push('m{a="1"} 5 1700000000', '# EOF');
    writeFileSync(join(dir, 'in.txt'), `${lines.join('\n')}\n`);
    const io = captureIO();
    assert.equal(await main(['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'in.txt'), join(dir, 'out')], io), 0, io.err());
    const { blocks } = openBlocks(join(dir, 'out'));
    assert.deepEqual(
      blocks.map((b) => [b.meta.minTime, b.meta.maxTime, b.meta.stats.numSamples]),
      // Windows start at multiples of 2h: 1700006400000 and 1700013600000; samples every 180 s.
      [
        [1700000000000, 1700006300001, 36],
        [1700006480000, 1700013500001, 40],
        [1700013680000, 1700017820001, 24],
      ],
    );
    assert.equal(io.out().split('\n').length, 5);
    writeFileSync(join(dir, 'bad.txt'), 'm 1\n# EOF\n');
    const bad = captureIO();
    assert.equal(await main(['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'bad.txt'), join(dir, 'o2')], bad), 1);
    assert.match(bad.err(), /expected timestamp for series got none/);
    writeFileSync(join(dir, 'noeof.txt'), 'm 1 1700000000\n');
    const noEof = captureIO();
    assert.equal(await main(['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'noeof.txt'), join(dir, 'o3')], noEof), 1);
    assert.match(noEof.err(), /# EOF/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
