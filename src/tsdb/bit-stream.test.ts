import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { BitReader, writeBits, writeBits64 } from './bit-stream.js';

test('bits are laid out most significant first across byte boundaries', () => {
  const buf = new Uint8Array(4);
  let p = writeBits(buf, 0, 0b1, 1);
  p = writeBits(buf, p, 0b0110, 4);
  p = writeBits(buf, p, 0x1ff, 9);
  assert.equal(p, 14);
  assert.deepEqual([...buf], [0b10110111, 0b11111100, 0, 0]);
});

test('whatever is written is read back, field by field', () => {
  const field = fc.tuple(fc.integer({ min: 0, max: 64 }), fc.nat(0xffffffff), fc.nat(0xffffffff));
  fc.assert(
    fc.property(fc.array(field, { maxLength: 40 }), fc.nat(7), (fields, start) => {
      const buf = new Uint8Array(8 * fields.length + 2);
      let p = start;
      for (const [n, hi, lo] of fields) p = writeBits64(buf, p, hi, lo, n);
      const r = new BitReader(buf, start, p);
      for (const [n, hi, lo] of fields) {
        const gotLo = r.readBits64(n);
        const wantLo = n >= 32 ? lo : n === 0 ? 0 : (lo & ((2 ** n) - 1)) >>> 0;
        const wantHi = n > 32 ? (n === 64 ? hi : (hi & (2 ** (n - 32) - 1)) >>> 0) : 0;
        assert.equal(gotLo, wantLo >>> 0);
        assert.equal(r.hi, wantHi >>> 0);
      }
      assert.equal(r.pos, p);
      assert.equal(r.overrun, false);
      r.readBit();
      assert.equal(r.overrun, true);
    }),
  );
});
