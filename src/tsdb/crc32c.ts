// CRC-32C (Castagnoli), the checksum of every TSDB file and WAL fragment: slicing-by-8 tables, no allocation.

const POLY = 0x82f63b78;

/** Eight 256-entry tables: T[k][b] is the CRC of byte b followed by k zero bytes. */
const TABLES: Int32Array = (() => {
  const t = new Int32Array(8 * 256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t[i] = c;
  }
  for (let i = 0; i < 256; i++) {
    let c = t[i] as number;
    for (let k = 1; k < 8; k++) {
      c = (t[c & 0xff] as number) ^ (c >>> 8);
      t[k * 256 + i] = c;
    }
  }
  return t;
})();

/**
 * CRC-32C of `buf[start, end)`. Pass a previous result as `crc` to continue a checksum over several pieces:
 * `crc32c(b, 0, n)` equals `crc32c(b, k, n, crc32c(b, 0, k))`. Returns an unsigned 32-bit integer.
 */
export function crc32c(buf: Uint8Array, start = 0, end = buf.length, crc = 0): number {
  const t = TABLES;
  const end8 = end - ((end - start) & 7);
  let c = end8 > start ? crc8(buf, start, end8, ~crc) : ~crc;
  for (let i = end8; i < end; i++) c = (t[(c ^ (buf[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return ~c >>> 0;
}

/**
 * Eight bytes per step. A function of its own: V8 then optimises it as a whole instead of on-stack-replacing the
 * caller's loop and discarding that code at the byte-wise tail on every call.
 */
function crc8(buf: Uint8Array, start: number, end8: number, c: number): number {
  const t = TABLES;
  for (let i = start; i < end8; i += 8) {
    const lo = c ^ ((buf[i] as number) | ((buf[i + 1] as number) << 8) | ((buf[i + 2] as number) << 16) | ((buf[i + 3] as number) << 24));
    c =
      (t[7 * 256 + (lo & 0xff)] as number) ^
      (t[6 * 256 + ((lo >>> 8) & 0xff)] as number) ^
      (t[5 * 256 + ((lo >>> 16) & 0xff)] as number) ^
      (t[4 * 256 + (lo >>> 24)] as number) ^
      (t[3 * 256 + (buf[i + 4] as number)] as number) ^
      (t[2 * 256 + (buf[i + 5] as number)] as number) ^
      (t[256 + (buf[i + 6] as number)] as number) ^
      (t[buf[i + 7] as number] as number);
  }
  return c;
}
