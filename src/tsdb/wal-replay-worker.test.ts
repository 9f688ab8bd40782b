import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Labels } from '../model/labels.js';
import { ByteWriter } from './byte-writer.js';
import { TsdbStats } from './tsdb-stats.js';
import { encodeSamples, encodeSeries, type RecordVisitor } from './wal-records.js';
import { planReplay, replayPlan } from './wal-replay.js';
import { replayWalInWorker } from './wal-replay-worker.js';
import { WalWriter } from './wal-writer.js';

/** Everything a replay hands over, in order: series as `s ref labels`, samples as numbers. */
class Recorder implements RecordVisitor {
  readonly series_: string[] = [];
  readonly samples: number[] = [];
  private slowCalls: number;

  constructor(slowCalls = 0) {
    this.slowCalls = slowCalls;
  }

  series(ref: number, labels: Labels): void {
    this.series_.push(`${ref} ${labels.toString()}`);
  }

  sample(ref: number, t: number, v: number): void {
    this.samples.push(ref, t, v);
  }

  sampleRun(refs: Float64Array, ts: Float64Array, vs: Float64Array, from: number, to: number): void {
    // The first calls take long, so the decoding thread fills every batch slot and has to reuse them.
    if (this.slowCalls > 0) {
      this.slowCalls--;
      const until = Date.now() + 40;
      while (Date.now() < until);
    }
    for (let i = from; i < to; i++) this.sample(refs[i] as number, ts[i] as number, vs[i] as number);
  }

  tombstone(): void {}
}

function record(fill: (w: ByteWriter) => void): Uint8Array {
  const w = new ByteWriter();
  fill(w);
  return w.toBytes();
}

test('the replay thread hands over every record in order, through reused batch slots and batches that outgrow one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-replay-worker-'));
  try {
    const w = new WalWriter(dir, 0, { segmentSize: 4 * 2 ** 20 });
    const SERIES = 3000;
    const refs = Array.from({ length: SERIES }, (_, i) => i + 1);
    // One series record larger than a slot's bytes (long labels).
    w.log([record((b) => encodeSeries(b, refs, refs.map((r) => Labels.from({ __name__: 'm', pad: 'x'.repeat(200), r: String(r) }))))]);
    let t = 0;
    const round = (n: number): Uint8Array => {
      t += 1000;
      return record((b) => encodeSamples(b, refs.slice(0, n), refs.slice(0, n).map(() => t), refs.slice(0, n).map((r) => r * 0.5 + t), 0, n));
    };
    // 150 segments of a few records each: at least a batch each, more than the slots.
    for (let s = 0; s < 150; s++) {
      w.log([round(SERIES), round(SERIES)]);
      w.nextSegment();
    }
    // A samples record with more samples than a slot holds (the same refs again, later times).
    w.log([record((b) => {
      const n = 60_000;
      const rs = Array.from({ length: n }, (_, i) => (i % SERIES) + 1);
      encodeSamples(b, rs, rs.map((_, i) => 1e9 + Math.floor(i / SERIES)), rs.map((r, i) => r + i), 0, n);
    })]);
    w.nextSegment();
    // More records in one batch than a slot has ops for.
    for (let k = 0; k < 400; k++) w.log([round(1)]);
    w.close();

    const options = { stats: new TsdbStats(), logger: () => undefined };
    const want = new Recorder();
    const one = replayPlan(planReplay(dir, () => undefined), want, options);
    const got = new Recorder(5);
    const threaded = await replayWalInWorker(planReplay(dir, () => undefined), got, options);
    assert.equal(threaded.records, one.records);
    assert.equal(got.series_.length, SERIES);
    assert.deepEqual(got.series_, want.series_);
    assert.equal(got.samples.length, want.samples.length);
    assert.deepEqual(got.samples, want.samples);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
