import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { STALE_NAN } from '../model/stale-nan.js';
import { type ChunkSnapshot, SeriesChunks } from './series-chunks.js';
import { TsdbStats } from './tsdb-stats.js';
import { XorAppender, XorIterator } from './xor-chunk.js';

function snapshotAll(c: SeriesChunks, slots: number): string[][] {
  const out: string[][] = [];
  for (let slot = 1; slot <= slots; slot++) {
    const snap: ChunkSnapshot = { n: 0, bufs: [], starts: [], ends: [], minTs: [], maxTs: [] };
    c.snapshot(slot, -Infinity, Infinity, snap);
    const chunks: string[] = [];
    for (let i = 0; i < snap.n; i++) chunks.push(`${snap.minTs[i]}-${snap.maxTs[i]}:${Buffer.from((snap.bufs[i] as Uint8Array).subarray(snap.starts[i], snap.ends[i])).toString('hex')}`);
    out.push(chunks);
  }
  return out;
}

test('packed chunks installed elsewhere (several arenas of closed chunks) read back byte for byte and append on alike', () => {
  const SERIES = 1500;
  // `twin` gets the same samples as `from`, and stays as reference once `from` has given its chunks away.
  const [from, twin] = [0, 1].map(() => {
    const c = new SeriesChunks(1e9, 120, new TsdbStats());
    c.grow(2048);
    c.beginReplay();
    for (let s = 1; s <= SERIES; s++) c.init(s);
    return c;
  }) as [SeriesChunks, SeriesChunks];
  // Irregular values: about 8 bytes a sample, several MiB of closed chunks.
  let x = 1;
  const value = (): number => (x = (x * 48271) % 2147483647) / 7;
  for (let r = 0; r < 400; r++) {
    for (let s = 1; s <= SERIES; s++) {
      const v = value();
      from.append(s, r * 1000 + (s % 7), v);
      twin.append(s, r * 1000 + (s % 7), v);
    }
  }
  const slots = Int32Array.from({ length: SERIES }, (_, i) => i + 1);
  const refs = Float64Array.from(slots, (s) => s * 10);
  const want = snapshotAll(from, SERIES);
  const packed = from.pack(slots, refs);
  assert.ok(packed.arenas.length >= 3, `arenas: ${packed.arenas.length}`);

  const stats = new TsdbStats();
  const to = new SeriesChunks(1e9, 120, stats);
  to.grow(2048);
  for (let s = 1; s <= SERIES; s++) to.init(s);
  const visible: number[] = [];
  to.install(packed, (ref) => ref / 10, (slot) => visible.push(slot));
  assert.equal(visible.length, SERIES);
  assert.deepEqual(snapshotAll(to, SERIES), want);
  assert.equal(stats.headChunks, stats.headChunksCreatedTotal);
  assert.equal(stats.headMaxTime, 399_000 + 6);
  assert.equal(stats.headChunkBytes, to.allocatedBytes);
  // Both go on the same way.
  for (let r = 400; r < 450; r++) {
    for (let s = 1; s <= SERIES; s++) {
      const v = value();
      twin.append(s, r * 1000 + (s % 7), v);
      to.append(s, r * 1000 + (s % 7), v);
    }
  }
  assert.deepEqual(snapshotAll(to, SERIES), snapshotAll(twin, SERIES));
});

test('install refuses a series that has samples already or does not exist', () => {
  const from = new SeriesChunks(1e9, 120, new TsdbStats());
  from.grow(8);
  from.init(1);
  from.append(1, 5, 1);
  const packed = (): ReturnType<SeriesChunks['pack']> => from.pack([1], Float64Array.of(7));
  const to = new SeriesChunks(1e9, 120, new TsdbStats());
  to.grow(8);
  to.init(1);
  to.append(1, 1, 1);
  assert.throws(() => to.install(packed(), () => 1, () => undefined), /cannot be installed/);
  assert.throws(() => to.install(packed(), () => 0, () => undefined), /cannot be installed/);
});

test('every chunk holds exactly the bytes XorAppender writes for its samples, several series interleaved', () => {
  const bits = (v: number): string => {
    const b = Buffer.alloc(8);
    b.writeDoubleBE(v);
    return b.toString('hex');
  };
  const value = fc.oneof(fc.double(), fc.constantFrom(NaN, STALE_NAN, Infinity, -0, 1e-300), fc.integer({ min: -1000, max: 1000 }), fc.constant(1));
  const delta = fc.oneof(fc.constant(15000), fc.integer({ min: 1, max: 20000 }), fc.integer({ min: 1, max: 2_000_000 }), fc.integer({ min: 1, max: 2 ** 40 }));
  const oneSeries = fc.tuple(fc.integer({ min: -(2 ** 45), max: 2 ** 45 }), fc.array(fc.tuple(delta, value), { minLength: 1, maxLength: 400 }));
  fc.assert(
    fc.property(fc.array(oneSeries, { minLength: 1, maxLength: 4 }), fc.boolean(), (all, replay) => {
      const c = new SeriesChunks(7_200_000, 120, new TsdbStats());
      c.grow(8);
      if (replay) c.beginReplay();
      const want = all.map(([t0, steps]) => {
        let t = t0;
        return steps.map(([d, v], i): [number, number] => [i === 0 ? t : (t += d), v]);
      });
      want.forEach((_, i) => c.init(i + 1));
      // Round-robin over the series, as scrapes (and WAL replay) append.
      for (let k = 0; k < Math.max(...want.map((s) => s.length)); k++) {
        want.forEach((s, i) => {
          const sample = s[k];
          if (sample !== undefined) c.append(i + 1, sample[0], sample[1]);
        });
      }
      want.forEach((s, i) => {
        const snap: ChunkSnapshot = { n: 0, bufs: [], starts: [], ends: [], minTs: [], maxTs: [] };
        c.snapshot(i + 1, -Infinity, Infinity, snap);
        const got: [number, string][] = [];
        for (let j = 0; j < snap.n; j++) {
          const bytes = (snap.bufs[j] as Uint8Array).subarray(snap.starts[j], snap.ends[j]);
          const it = new XorIterator(bytes);
          const again = new XorAppender();
          while (it.next()) {
            got.push([it.atT(), bits(it.atV())]);
            again.append(it.atT(), it.atV());
          }
          assert.equal(it.err(), undefined);
          assert.equal(Buffer.from(bytes).toString('hex'), Buffer.from(again.bytes()).toString('hex'));
        }
        assert.deepEqual(got, s.map(([t, v]) => [t, bits(v)]));
      });
    }),
    { numRuns: 200 },
  );
});

test('appendRun leaves the same chunks, state and counts as append one sample at a time, dropping the same samples', () => {
  const value = fc.oneof(fc.double(), fc.constantFrom(NaN, STALE_NAN, Infinity, -0), fc.integer({ min: -1000, max: 1000 }), fc.constant(1));
  // Mostly regular scrapes (so chunks end early by the sample-rate estimate); steps back (≤ 0) are samples the run
  // drops, as a series that is not after its newest sample.
  const step = fc.oneof(
    { arbitrary: fc.constant(15000), weight: 80 },
    fc.integer({ min: -20000, max: 20000 }),
    fc.integer({ min: 1, max: 4_000_000 }),
    fc.integer({ min: 1, max: 2 ** 40 }),
  );
  const oneSeries = fc.tuple(fc.integer({ min: -(2 ** 45), max: 2 ** 45 }), fc.array(fc.tuple(step, value), { minLength: 1, maxLength: 600, size: 'max' }), fc.integer({ min: 1, max: 40 }));
  fc.assert(
    fc.property(fc.array(oneSeries, { minLength: 1, maxLength: 3 }), fc.constantFrom(120, 7, 500), fc.boolean(), (all, perChunk, replay) => {
      const statsOne = new TsdbStats();
      const statsRun = new TsdbStats();
      const one = new SeriesChunks(7_200_000, perChunk, statsOne);
      const run = new SeriesChunks(7_200_000, perChunk, statsRun);
      for (const c of [one, run]) {
        c.grow(8);
        if (replay) c.beginReplay();
        all.forEach((_, i) => c.init(i + 1));
      }
      all.forEach(([t0, steps, width], i) => {
        const slot = i + 1;
        let t = t0;
        const tv = new Float64Array(steps.length * 2);
        steps.forEach(([d, v], k) => {
          tv[2 * k] = k === 0 ? t : (t += d);
          tv[2 * k + 1] = v;
        });
        let droppedOne = 0;
        for (let k = 0; k < steps.length; k++) {
          if ((tv[2 * k] as number) <= (one.maxT[slot] as number)) droppedOne++;
          else one.append(slot, tv[2 * k] as number, tv[2 * k + 1] as number);
        }
        let droppedRun = 0;
        for (let k = 0; k < steps.length; k += width) droppedRun += run.appendRun(slot, tv, 2 * k, Math.min(width, steps.length - k));
        assert.equal(droppedRun, droppedOne);
        assert.equal(run.maxT[slot], one.maxT[slot]);
        assert.equal(run.minT[slot], one.minT[slot]);
      });
      assert.deepEqual(snapshotAll(run, all.length), snapshotAll(one, all.length));
      assert.deepEqual({ ...statsRun }, { ...statsOne });
      // Both go on alike (the per-series state written back is the same).
      all.forEach((_, i) => {
        const t = (one.maxT[i + 1] as number) + 1000;
        one.append(i + 1, t, 42);
        run.appendRun(i + 1, Float64Array.of(t, 42), 0, 1);
      });
      assert.deepEqual(snapshotAll(run, all.length), snapshotAll(one, all.length));
    }),
    { numRuns: 200 },
  );
});
