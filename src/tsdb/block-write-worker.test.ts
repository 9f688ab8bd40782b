import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Labels } from '../model/labels.js';
import { Matcher } from '../model/matcher.js';
import { readAll } from '../storage/storage-conformance.js';
import { BlockReader } from './block-reader.js';
import { BlockWriteWorker } from './block-write-worker.js';
import { XorAppender } from './xor-chunk.js';

test('a block written in the worker thread reads back with the same samples; failures come back as errors', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bww-'));
  const w = new BlockWriteWorker();
  try {
    const series = ['a', 'b', 'c'].map((name, i) => {
      const app = new XorAppender();
      for (let t = 0; t < 50; t++) app.append(t * 1000, t * (i + 1));
      return { labels: Labels.from({ __name__: name }), chunks: [{ mint: 0, maxt: 49_000, bytes: app.bytes() }] };
    });
    const ulid = await w.write(dir, { mint: 0, maxt: 60_000, series });
    const block = new BlockReader(join(dir, ulid));
    const got = readAll(block, [new Matcher('=~', '__name__', '.+')]);
    assert.deepEqual(got.map(([l, s]) => [l, s.length, s[49]]), [
      ['a', 50, [49_000, 49]],
      ['b', 50, [49_000, 98]],
      ['c', 50, [49_000, 147]],
    ]);
    block.close();
    // A file where the parent directory should be: the write fails in the worker and rejects here.
    writeFileSync(join(dir, 'file'), '');
    await assert.rejects(w.write(join(dir, 'file'), { mint: 0, maxt: 1, series }), (err: Error & { code?: string }) => err.code === 'io');
  } finally {
    await w.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
