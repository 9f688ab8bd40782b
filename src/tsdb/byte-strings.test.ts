import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ByteStrings } from './byte-strings.js';

const utf8 = new TextDecoder('utf-8', { fatal: false });

test('gives what TextDecoder gives for any bytes (invalid UTF-8, byte order marks), the same string for the same bytes', () => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 12 }), { minLength: 1, maxLength: 3000 }), (arrays) => {
      const strings = new ByteStrings();
      // Back to back in one buffer, as in a record, each decoded twice.
      const buf = new Uint8Array(arrays.reduce((n, a) => n + a.length + 1, 0));
      let pos = 0;
      const at: [number, number][] = [];
      for (const a of arrays) {
        buf[pos++] = 0xef;
        buf.set(a, pos);
        at.push([pos, pos + a.length]);
        pos += a.length;
      }
      for (let round = 0; round < 2; round++) {
        for (const [start, end] of at) assert.equal(strings.string(buf, start, end), utf8.decode(buf.subarray(start, end)));
      }
    }),
    { numRuns: 50 },
  );
});

test('many strings each come back as themselves (table slots shared, table grown)', () => {
  const strings = new ByteStrings();
  const enc = new TextEncoder();
  const words = Array.from({ length: 20_000 }, (_, i) => `v${i}`);
  for (const w of words) strings.string(enc.encode(w), 0, w.length);
  for (const w of words) assert.equal(strings.string(enc.encode(w), 0, w.length), w);
  // A BOM is dropped by the decoder: different bytes, the same string.
  assert.equal(strings.string(Uint8Array.from([0xef, 0xbb, 0xbf, 0x41]), 0, 4), 'A');
});
