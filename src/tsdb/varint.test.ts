import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ByteReader } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';
import { putVarint, uvarintSize, varintSize } from './varint.js';

test('varints match Go encoding/binary examples', () => {
  const w = new ByteWriter();
  w.uvarint(300).varint(1700000000000).varint(-1).varint(0);
  assert.equal(Buffer.from(w.bytesView()).toString('hex'), 'ac02' + '80a0abfef962' + '01' + '00');
  const ext = new Uint8Array(10);
  assert.equal(Buffer.from(ext.subarray(0, putVarint(ext, 0, -(2 ** 63)))).toString('hex'), 'ffffffffffffffffff01');
  assert.equal(Buffer.from(ext.subarray(0, putVarint(ext, 0, 2 ** 63))).toString('hex'), 'feffffffffffffffff01');
});

test('int64 extremes keep their sign through varint and be64', () => {
  const w = new ByteWriter().varint(-(2 ** 63)).varint(2 ** 63).be64(-(2 ** 63)).be64(2 ** 63).be64(-5);
  const r = new ByteReader(w.bytesView());
  assert.equal(r.varint(), -(2 ** 63));
  assert.equal(r.varint(), 2 ** 63);
  assert.equal(r.be64(), -(2 ** 63));
  assert.equal(r.be64(), 2 ** 63);
  assert.equal(r.be64(), -5);
});

test('every value written is read back and sizes are predicted', () => {
  const int = fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 }), fc.maxSafeInteger(), fc.integer({ min: -(2 ** 52) + 1, max: 2 ** 52 - 1 }));
  fc.assert(
    fc.property(fc.array(fc.tuple(int, fc.string({ unit: 'binary', maxLength: 60 }), fc.double())), (items) => {
      const w = new ByteWriter(16);
      for (const [n, s, f] of items) {
        const before = w.length;
        w.varint(n);
        assert.equal(w.length - before, varintSize(n));
        const u = Math.abs(n);
        const b2 = w.length;
        w.uvarint(u);
        assert.equal(w.length - b2, uvarintSize(u));
        w.uvarintString(s).f64(f).be64(n);
      }
      const r = new ByteReader(w.toBytes());
      for (const [n, s, f] of items) {
        assert.equal(r.varint(), n);
        assert.equal(r.uvarint(), Math.abs(n));
        assert.equal(r.uvarintString(), Buffer.from(s, 'utf8').toString('utf8'));
        assert.equal(Object.is(r.f64(), f) || (Number.isNaN(f)), true);
        assert.equal(r.be64(), n);
      }
      assert.equal(r.remaining, 0);
      assert.throws(() => r.u8(), { code: 'corruption' });
    }),
  );
});
