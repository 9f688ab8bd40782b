// The head cuts XOR chunks exactly where Prometheus 2.42 does: compared chunk by chunk, byte by byte, with the
// blocks `promtool tsdb create-blocks-from openmetrics` writes (it fills a 2.42 head with a 4h chunk range).

import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Labels } from '../src/model/labels.js';
import { BlockReader } from '../src/tsdb/block-reader.js';
import { headBlockInput } from '../src/tsdb/head-block-source.js';
import { Head } from '../src/tsdb/head.js';
import { isUlid } from '../src/tsdb/ulid.js';
import { findProgram, runProgram } from './support/programs.js';

const promtool = findProgram('promtool');
const T0 = 1700000000000;
const H = 3_600_000;

/** Series with different scrape intervals, jitter, a rate change (more than 240 samples per chunk) and gaps. */
function series(): Map<string, [number, number][]> {
  const out = new Map<string, [number, number][]>();
  let seed = 11;
  const rnd = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const add = (name: string, ts: number[], value: (i: number) => number): void => {
    out.set(name, ts.map((t, i) => [t, value(i)]));
  };
  const range = (from: number, to: number, step: number, jitter = 0): number[] => {
    const ts: number[] = [];
    for (let t = from; t < to; t += step) ts.push(t + Math.floor(rnd() * jitter));
    return ts;
  };
  add('regular_15s', range(T0, T0 + 5 * H, 15_000), (i) => i * 3);
  add('jitter_10s', range(T0 + 7, T0 + 5 * H, 10_000, 900), () => Math.round(rnd() * 1e6) / 100);
  add('slow_60s', range(T0, T0 + 5 * H, 60_000), (i) => (i % 7 === 0 ? 1e300 : -i));
  add('rate_change', [...range(T0, T0 + H, 15_000), ...range(T0 + H, T0 + H + 15 * 60_000, 1000), ...range(T0 + H + 15 * 60_000, T0 + 5 * H, 15_000)], (i) => i);
  add('gaps', [T0, T0 + 1000, T0 + 3 * H, T0 + 3 * H + 15_000, T0 + 4.5 * H], (i) => i / 3);
  return out;
}

test('head chunks are cut and encoded byte for byte as Prometheus 2.42 cuts them', { skip: promtool.skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-cut-'));
  try {
    const data = series();
    let om = '';
    for (const [name, samples] of data) {
      om += `# TYPE ${name} gauge\n`;
      for (const [t, v] of samples) om += `${name} ${v} ${t / 1000}\n`;
    }
    writeFileSync(join(dir, 'om.txt'), `${om}# EOF\n`);
    const out = join(dir, 'blocks');
    const r = runProgram(promtool.path as string, ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'om.txt'), out]);
    assert.equal(r.status, 0, r.stderr);
    let compared = 0;
    for (const ulid of readdirSync(out).filter(isUlid)) {
      const block = new BlockReader(join(out, ulid));
      const { minTime, maxTime } = block.meta;
      // promtool fills a fresh head per 2h block with a chunk range of 4h.
      const head = new Head({ chunkRange: 4 * H });
      const app = head.appender();
      for (const [name, samples] of data) for (const [t, v] of samples) if (t >= minTime && t < maxTime) app.append(0, Labels.from({ __name__: name }), t, v);
      await app.commit();
      const mine = new Map<string, { mint: number; maxt: number; bytes: Uint8Array }[]>();
      for (const s of headBlockInput(head, minTime, maxTime).series) mine.set(s.labels.toString(), [...s.chunks]);
      for (const id of block.index.allPostings()) {
        const entry = block.index.series(id);
        const ours = mine.get(entry.labels.toString());
        assert.ok(ours !== undefined, `${entry.labels.toString()} missing in block ${ulid}`);
        assert.equal(ours.length, entry.chunks.length, `${entry.labels.toString()} in ${ulid}: chunk count`);
        entry.chunks.forEach((c, i) => {
          const o = ours[i] as { mint: number; maxt: number; bytes: Uint8Array };
          const theirs = block.chunks.chunk(c.ref).bytes;
          assert.equal(o.mint, c.mint);
          assert.equal(o.maxt, c.maxt);
          // 2.42's writer may leave one trailing zero byte (tsdb-format.md §1.5); the rest must be identical.
          const same = Buffer.from(theirs).equals(Buffer.from(o.bytes)) || (theirs.length === o.bytes.length + 1 && theirs[theirs.length - 1] === 0 && Buffer.from(theirs.subarray(0, o.bytes.length)).equals(Buffer.from(o.bytes)));
          assert.ok(same, `${entry.labels.toString()} chunk ${i} in ${ulid} differs`);
          compared++;
        });
      }
      block.close();
    }
    assert.ok(compared > 20, `${compared} chunks compared`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
