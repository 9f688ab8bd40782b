import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '../model/labels.js';
import { writeBlock } from '../tsdb/block-writer.js';
import { ChunkBuilder } from '../tsdb/chunk-builder.js';
import { captureIO } from './captured-io.js';
import { main } from './main.js';

async function vigil(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIO();
  const code = await main(args, io);
  return { code, out: io.out(), err: io.err() };
}

function withData(fn: (dir: string, ulid: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-cli-tsdb-'));
  const b = new ChunkBuilder();
  b.append(1700000000000, 21.5);
  b.append(1700000010000, -3.25);
  b.append(1700000500000, 1e10);
  const c = new ChunkBuilder();
  c.append(1700000000000, NaN);
  const ulid = writeBlock(dir, {
    mint: 1700000000000,
    maxt: 1700000500001,
    series: [
      { labels: Labels.from({ __name__: 'temp', room: 'lab"1' }), chunks: b.finish() },
      { labels: Labels.from({ __name__: 'up' }), chunks: c.finish() },
    ],
  });
  return fn(dir, ulid).finally(() => rmSync(dir, { recursive: true, force: true }));
}

test('tsdb dump prints every sample as promtool does, within --min-time/--max-time', () =>
  withData(async (dir) => {
    const r = await vigil('tsdb', 'dump', dir);
    assert.equal(r.code, 0);
    assert.equal(
      r.out,
      '{__name__="temp", room="lab\\"1"} 21.5 1700000000000\n' +
        '{__name__="temp", room="lab\\"1"} -3.25 1700000010000\n' +
        '{__name__="temp", room="lab\\"1"} 1e+10 1700000500000\n' +
        '{__name__="up"} NaN 1700000000000\n',
    );
    const ranged = await vigil('tsdb', 'dump', '--min-time=1700000000001', '--max-time', '1700000010000', dir);
    assert.equal(ranged.out, '{__name__="temp", room="lab\\"1"} -3.25 1700000010000\n');
  }));

test('tsdb list and analyze describe the block', () =>
  withData(async (dir, ulid) => {
    const list = await vigil('tsdb', 'list', dir);
    const lines = list.out.split('\n');
    assert.match(lines[0] ?? '', /^BLOCK ULID {18}MIN TIME {7}MAX TIME {7}DURATION {5}NUM SAMPLES {2}NUM CHUNKS {3}NUM SERIES {3}SIZE$/);
    assert.match(lines[1] ?? '', new RegExp(`^${ulid}  1700000000000  1700000500001  8m20.001s    4            2            2            \\d+$`));
    const an = await vigil('tsdb', 'analyze', dir, ulid);
    assert.equal(an.code, 0);
    assert.match(an.out, new RegExp(`^Block ID: ${ulid}\nDuration: 8m20.001s\nSeries: 2\nLabel names: 2\nPostings \\(unique label pairs\\): 3\nPostings entries \\(total label pairs\\): 3\n`));
    assert.match(an.out, /\nHighest cardinality labels:\n2 __name__\n1 room\n/);
    assert.match(an.out, /\nLabel pairs most involved in churning:\n1 __name__=up\n0 __name__=temp\n/);
  }));

test('tsdb commands report bad flags, missing directories and blocks', async () => {
  assert.equal((await vigil('tsdb', 'dump', '--min-time=abc', '/nonexistent')).code, 2);
  assert.equal((await vigil('tsdb', 'list', '--bogus')).code, 2);
  const missing = await vigil('tsdb', 'list', '/nonexistent/vigil');
  assert.equal(missing.code, 1);
  assert.match(missing.err, /opening the db dir: stat \/nonexistent\/vigil: no such file or directory/);
  await withData(async (dir) => {
    const r = await vigil('tsdb', 'analyze', dir, '01ARZ3NDEKTSV4RRFFQ69G5FAV');
    assert.equal(r.code, 1);
    assert.match(r.err, /block 01ARZ3NDEKTSV4RRFFQ69G5FAV not found/);
  });
});
