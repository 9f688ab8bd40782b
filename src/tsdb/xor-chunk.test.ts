import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isStaleNaN, STALE_NAN } from '../model/stale-nan.js';
import { XorAppender, XorIterator, xorNumSamples } from './xor-chunk.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bitsOf = (v: number): string => {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(v);
  return b.toString('hex');
};

function decode(bytes: Uint8Array): [number, string][] {
  const it = new XorIterator(bytes);
  const out: [number, string][] = [];
  while (it.next()) out.push([it.atT(), bitsOf(it.atV())]);
  assert.equal(it.err(), undefined);
  return out;
}

// Chunks written by Prometheus 2.42 (`promtool tsdb create-blocks-from openmetrics`), from tsdb-format.md §6.5 and §16.1.
const PROMETHEUS_CHUNKS = [
  {
    bytes: '000580a0abfef9623ff000000000000098' + '75c25fff400485dcd81f',
    samples: [
      [1700000000000, 1],
      [1700000015000, 2],
      [1700000030000, 4],
      [1700000045000, 4],
      [1700000061500, 7.5],
    ],
  },
  { bytes: '000380a0abfef96200000000000000009875' + '3115ff80', samples: [[1700000000000, 0], [1700000015000, 0], [1700000030000, 1]] },
  {
    bytes: '000380a0abfef96240358000000000009' + '04ec08c01ff9d4c0304704114' + '0be4',
    samples: [[1700000000000, 21.5], [1700000010000, -3.25], [1700000500000, 1e10]],
  },
];

test('chunks written by Prometheus decode to their samples, and re-encoding gives the same bytes', () => {
  for (const c of PROMETHEUS_CHUNKS) {
    const bytes = Buffer.from(c.bytes, 'hex');
    assert.deepEqual(decode(bytes), c.samples.map(([t, v]) => [t, bitsOf(v as number)]));
    assert.equal(xorNumSamples(bytes), c.samples.length);
    const a = new XorAppender();
    for (const [t, v] of c.samples) a.append(t as number, v as number);
    assert.equal(hex(a.bytes()), c.bytes);
  }
});

test("Prometheus 2.42's trailing zero byte is reproduced on request and tolerated when read", () => {
  const a = new XorAppender();
  a.append(1700000000000, 42);
  assert.equal(a.bytes().length, 16);
  const padded = a.bytes({ prometheus242Padding: true });
  assert.equal(padded.length, 17);
  assert.equal(padded[16], 0);
  assert.deepEqual(decode(padded), [[1700000000000, bitsOf(42)]]);
  a.append(1700000015000, 42);
  assert.equal(a.bytes({ prometheus242Padding: true }).length, a.bytes().length);
});

test('a truncated chunk reports corruption instead of inventing samples', () => {
  const bytes = Buffer.from(PROMETHEUS_CHUNKS[0]?.bytes ?? '', 'hex').subarray(0, 20);
  const it = new XorIterator(bytes);
  let n = 0;
  while (it.next()) n++;
  assert.ok(n < 5);
  assert.equal((it.err() as { code?: string } | undefined)?.code, 'corruption');
});

const specialValue = fc.constantFrom(NaN, STALE_NAN, Infinity, -Infinity, 0, -0, Number.MAX_VALUE, Number.MIN_VALUE, 1e-300);
const value = fc.oneof(fc.double(), specialValue, fc.integer({ min: -1000, max: 1000 }), fc.constant(1));
const delta = fc.oneof(
  fc.constant(15000),
  fc.integer({ min: 1, max: 20000 }),
  fc.integer({ min: 1, max: 2_000_000 }),
  fc.integer({ min: 1, max: 2 ** 42 }),
);
const series = fc.tuple(fc.integer({ min: -(2 ** 50), max: 2 ** 50 }), fc.array(fc.tuple(delta, value), { minLength: 1, maxLength: 300 }));

function materialize([t0, steps]: [number, [number, number][]]): [number, number][] {
  let t = t0;
  return steps.map(([d, v], i) => {
    if (i > 0) t += d;
    return [t, v];
  });
}

test('encode then decode is bit-exact for random series (NaN, ±Inf, staleness markers, large and negative deltas)', () => {
  fc.assert(
    fc.property(series, (s) => {
      const samples = materialize(s);
      const a = new XorAppender();
      for (const [t, v] of samples) a.append(t, v);
      const got = decode(a.bytes());
      assert.deepEqual(got, samples.map(([t, v]) => [t, bitsOf(v)]));
      // The staleness marker survives as itself, not as some other NaN.
      const it = new XorIterator(a.bytes());
      for (const [, v] of samples) {
        assert.ok(it.next());
        assert.equal(isStaleNaN(it.atV()), isStaleNaN(v));
      }
    }),
    { numRuns: 300 },
  );
});

test('a chunk cut at any byte gives a prefix of its samples, then corruption (no sample read past the end)', () => {
  fc.assert(
    fc.property(series, (s) => {
      const samples = materialize(s).map(([t, v]) => [t, bitsOf(v)]);
      const a = new XorAppender();
      for (const [t, v] of materialize(s)) a.append(t, v);
      const whole = a.bytes();
      for (let len = 3; len < whole.length; len++) {
        // The cut chunk lies inside a larger buffer of other bytes: they must not be read as the missing samples.
        const buf = new Uint8Array(whole.length + 8).fill(0xa5);
        buf.set(whole.subarray(0, len));
        const it = new XorIterator().reset(buf, 0, len);
        const got: [number, string][] = [];
        while (it.next()) got.push([it.atT(), bitsOf(it.atV())]);
        assert.deepEqual(got, samples.slice(0, got.length));
        assert.equal((it.err() as { code?: string } | undefined)?.code, 'corruption', `cut at ${len} of ${whole.length}`);
      }
    }),
    { numRuns: 100 },
  );
});

test('a re-opened chunk continues bit-exactly where it ended', () => {
  fc.assert(
    fc.property(series, fc.nat(), (s, cutSeed) => {
      const samples = materialize(s);
      const cut = cutSeed % (samples.length + 1);
      const first = new XorAppender();
      for (const [t, v] of samples.slice(0, cut)) first.append(t, v);
      const reopened = XorAppender.reopen(first.bytes());
      for (const [t, v] of samples.slice(cut)) reopened.append(t, v);
      assert.deepEqual(decode(reopened.bytes()), samples.map(([t, v]) => [t, bitsOf(v)]));
    }),
    { numRuns: 100 },
  );
});

test('seek moves to the first sample at or after t and never backwards', () => {
  fc.assert(
    fc.property(series, fc.array(fc.integer({ min: -10, max: 10 }), { maxLength: 5 }), (s, jumps) => {
      const samples = materialize(s);
      const a = new XorAppender();
      for (const [t, v] of samples) a.append(t, v);
      const it = new XorIterator(a.bytes());
      let idx = -1;
      for (const j of jumps) {
        const target = samples[Math.max(0, Math.min(samples.length - 1, idx + j))]?.[0] ?? 0;
        const want = Math.max(idx, samples.findIndex(([t]) => t >= target));
        const ok = it.seek(target);
        if (want < 0 || want >= samples.length) {
          assert.equal(ok, false);
          return;
        }
        assert.equal(ok, true);
        assert.equal(it.atT(), samples[want]?.[0]);
        idx = want;
      }
    }),
  );
});

test('mint and maxt limit what the iterator yields', () => {
  const a = new XorAppender();
  for (let i = 0; i < 10; i++) a.append(i * 10, i);
  const it = new XorIterator().reset(a.bytes(), 0, a.bytes().length, 25, 60);
  const ts: number[] = [];
  while (it.next()) ts.push(it.atT());
  assert.deepEqual(ts, [30, 40, 50, 60]);
  assert.equal(it.seek(0), false);
});
