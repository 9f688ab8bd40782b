// Go's encoding/binary varints on JS numbers: uvarint (LEB128) and zig-zag varint, exact for all int64 values.

const TWO_32 = 4294967296;
const TWO_63 = 9223372036854775808;

/** Bytes uvarint(n) takes. `n` must be a non-negative integer. */
export function uvarintSize(n: number): number {
  let size = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

/** Writes uvarint(n) at `pos`; returns the position after it. `n` is a non-negative integer (≥ 2^53 is rounded). */
export function putUvarint(buf: Uint8Array, pos: number, n: number): number {
  if (n < 0x80000000) {
    while (n >= 128) {
      buf[pos++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    buf[pos++] = n;
    return pos;
  }
  if (n > 2 ** 64 - 2048) n = 2 ** 64 - 2048; // the largest double below 2^64
  while (n >= 128) {
    buf[pos++] = (n % 128) | 0x80;
    n = Math.floor(n / 128);
  }
  buf[pos++] = n;
  return pos;
}

/** Zig-zag encoding of an int64 as a number; exact below 2^52 in magnitude. */
function zigzag(n: number): number {
  return n >= 0 ? n * 2 : -n * 2 - 1;
}

const scratch = new Uint8Array(10);

/** Bytes varint(n) takes. */
export function varintSize(n: number): number {
  if (Math.abs(n) < 2 ** 52) return uvarintSize(zigzag(n));
  return putVarint(scratch, 0, n);
}

/** Writes varint(n) (zig-zag) at `pos`; returns the position after it. Values beyond int64 are clamped. */
export function putVarint(buf: Uint8Array, pos: number, n: number): number {
  if (Math.abs(n) < 2 ** 52) return putUvarint(buf, pos, zigzag(n));
  let b = n >= TWO_63 ? (1n << 63n) - 1n : n <= -TWO_63 ? -(1n << 63n) : BigInt(n);
  b = b >= 0n ? b << 1n : (-b << 1n) - 1n;
  while (b >= 128n) {
    buf[pos++] = Number(b & 0x7fn) | 0x80;
    b >>= 7n;
  }
  buf[pos++] = Number(b);
  return pos;
}

/** Splits an int64 (as a number, clamped to the int64 range) into its two's complement high and low 32 bits. */
export function int64Hi(n: number): number {
  if (n >= TWO_63) return 0x7fffffff;
  if (n < -TWO_63) return 0x80000000;
  return Math.floor(n / TWO_32) >>> 0;
}

export function int64Lo(n: number): number {
  if (n >= TWO_63) return 0xffffffff;
  if (n < -TWO_63) return 0;
  return (n - Math.floor(n / TWO_32) * TWO_32) >>> 0;
}

/** The int64 whose two's complement halves are (hi, lo), as a number (exact within ±2^53). */
export function int64FromHiLo(hi: number, lo: number): number {
  return (hi | 0) * TWO_32 + (lo >>> 0);
}
