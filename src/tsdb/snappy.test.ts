import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { compress, decompress, decompressInto, maxCompressedLength } from './snappy.js';
import { putUvarint } from './varint.js';

function roundTrip(src: Uint8Array): number {
  const dst = new Uint8Array(maxCompressedLength(src.length));
  const n = compress(src, src.length, dst);
  assert.ok(n <= dst.length);
  assert.deepEqual(decompress(dst, 0, n), src);
  return n;
}

test('snappy round-trips random and repetitive data, and compresses repetition', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 3000 }), (b) => void roundTrip(b)));
  fc.assert(
    fc.property(fc.array(fc.constantFrom('__name__', 'job', 'node_cpu_seconds_total', 'instance', 'x'), { maxLength: 400 }), (words) => {
      roundTrip(new TextEncoder().encode(words.join('')));
    }),
  );
  const big = new Uint8Array(200_000);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7) % 251 < 40 ? 0 : i % 13;
  assert.ok(roundTrip(big) < big.length / 2);
});

test('snappy decodes the reference encoder output: literals and every copy form', () => {
  // "abcdabcdabcd…" written by hand: len 20, literal "abcd", copy-1 (len 8, off 4), copy-2 (len 8, off 4).
  const src = Uint8Array.from([20, 3 << 2, 97, 98, 99, 100, (0 << 5) | ((8 - 4) << 2) | 1, 4, ((8 - 1) << 2) | 2, 4, 0]);
  assert.equal(new TextDecoder().decode(decompress(src)), 'abcdabcdabcdabcdabcd');
  // Copy with 4-byte offset.
  const src4 = Uint8Array.from([8, 3 << 2, 1, 2, 3, 4, ((4 - 1) << 2) | 3, 4, 0, 0, 0]);
  assert.deepEqual([...decompress(src4)], [1, 2, 3, 4, 1, 2, 3, 4]);
});

test('corrupt snappy input is an error, not a crash or garbage', () => {
  assert.throws(() => decompress(Uint8Array.from([10, 3 << 2, 1, 2])), { code: 'corruption' });
  assert.throws(() => decompress(Uint8Array.from([8, ((4 - 1) << 2) | 2, 9, 0])), { code: 'corruption' });
});

test('damaged snappy input decodes to something or fails as corruption, never otherwise', () => {
  const text = new TextEncoder().encode('up{job="a",instance="b"} 1 up{job="a",instance="c"} 0 '.repeat(40));
  const packed = new Uint8Array(maxCompressedLength(text.length));
  const n = compress(text, text.length, packed);
  fc.assert(
    // Edits after the length preamble (a damaged preamble only makes the output buffer the wrong size).
    fc.property(fc.array(fc.tuple(fc.integer({ min: 2, max: n - 1 }), fc.nat(255)), { minLength: 1, maxLength: 4 }), fc.nat(n), (edits, cut) => {
      const bad = packed.slice(0, Math.max(1, cut));
      for (const [at, b] of edits) if (at < bad.length) bad[at] = b;
      try {
        decompress(bad);
      } catch (err) {
        assert.equal((err as { code?: string }).code, 'corruption', String(err));
      }
    }),
  );
});

/** An operation of a hand-made snappy stream: a literal of these bytes, or a copy [offset, length, tag kind]. */
type Op = { lit: number[] } | { copy: [number, number, 1 | 2 | 3] };

/** Encodes ops (copies clamped to what is valid where they stand) and decodes them byte by byte, as the format says. */
function encodeOps(ops: Op[]): { packed: Uint8Array; plain: Uint8Array } {
  const body: number[] = [];
  const plain: number[] = [];
  for (const op of ops) {
    if ('lit' in op) {
      const n = op.lit.length - 1;
      if (n < 60) body.push(n << 2);
      else body.push(60 << 2, n);
      body.push(...op.lit);
      plain.push(...op.lit);
      continue;
    }
    if (plain.length === 0) continue;
    const kind = op.copy[2];
    let [offset, len] = op.copy;
    offset = 1 + (offset % Math.min(plain.length, kind === 1 ? 2047 : 65535));
    if (kind === 1) {
      len = 4 + (len % 8);
      body.push(((offset >>> 8) << 5) | ((len - 4) << 2) | 1, offset & 0xff);
    } else {
      len = 1 + (len % 64);
      body.push(((len - 1) << 2) | kind, offset & 0xff, offset >>> 8);
      if (kind === 3) body.push(0, 0);
    }
    for (let i = 0; i < len; i++) plain.push(plain[plain.length - offset] as number);
  }
  const head = new Uint8Array(10);
  const h = putUvarint(head, 0, plain.length);
  return { packed: Uint8Array.from([...head.subarray(0, h), ...body]), plain: Uint8Array.from(plain) };
}

test('snappy decodes short and overlapping literals and copies of every form, into exact and larger buffers', () => {
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ lit: fc.array(fc.nat(255), { minLength: 1, maxLength: 70 }) }),
    fc.record({ copy: fc.tuple(fc.nat(70_000), fc.nat(200), fc.constantFrom<1 | 2 | 3>(1, 2, 3)) }),
  );
  fc.assert(
    fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
      const { packed, plain } = encodeOps(ops);
      assert.deepEqual(decompress(packed), plain);
      // A reused scratch buffer, larger than the output and full of other bytes: the output is its start.
      const scratch = new Uint8Array(plain.length + 40).fill(0xee);
      assert.equal(decompressInto(packed, 0, packed.length, scratch), plain.length);
      assert.deepEqual(scratch.subarray(0, plain.length), plain);
    }),
    { numRuns: 2000 },
  );
});
