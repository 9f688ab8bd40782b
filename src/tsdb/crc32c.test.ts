import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { crc32c } from './crc32c.js';

/** Bit-at-a-time reference from the definition (reflected 0x82F63B78, init and final XOR 0xFFFFFFFF). */
function slowCrc32c(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

test('crc32c matches the published check values', () => {
  assert.equal(crc32c(new TextEncoder().encode('123456789')), 0xe3069283);
  assert.equal(crc32c(new Uint8Array(0)), 0);
  // CRC of an empty tombstones file's entries is 0; a Prometheus block chunk's CRC from tsdb-format.md §16.1:
  const chunk = Buffer.from('01' + '0005' + '80a0abfef962' + '3ff0000000000000' + '9875' + 'c25fff400485dcd81f', 'hex');
  assert.equal(crc32c(chunk).toString(16), 'ab369a56');
});

test('crc32c equals the bitwise definition on random input, in one piece or continued', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), (buf, cut) => {
      const k = buf.length === 0 ? 0 : cut % (buf.length + 1);
      const whole = crc32c(buf);
      assert.equal(whole, slowCrc32c(buf));
      assert.equal(crc32c(buf, k, buf.length, crc32c(buf, 0, k)), whole);
    }),
  );
});
