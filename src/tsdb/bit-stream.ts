// Bit-level writing and reading, most significant bit first, as Prometheus's chunk "bstream" lays bits out.

/**
 * ORs the low `n` bits of `value` (0 ≤ n ≤ 32) into `buf` starting at absolute bit `bitPos` and returns the bit
 * position after them. The bits being written must be zero beforehand and `buf` long enough: callers reserve.
 * Bit positions are int32: keep the buffers passed here below 256 MiB.
 */
export function writeBits(buf: Uint8Array, bitPos: number, value: number, n: number): number {
  const v = n === 32 ? value | 0 : value & ((1 << n) - 1);
  const i = bitPos >>> 3;
  // The bits go to positions [off, total) of a window of up to 5 bytes from byte i; the window's first byte is ORed
  // (it may hold earlier bits), later ones are assigned (they are still zero). No loop: this runs for every sample.
  const total = (bitPos & 7) + n;
  if (total <= 8) {
    buf[i] = (buf[i] as number) | (v << (8 - total));
    return bitPos + n;
  }
  if (total <= 32) {
    const w = v << (32 - total);
    buf[i] = (buf[i] as number) | (w >>> 24);
    buf[i + 1] = w >>> 16;
    if (total > 16) {
      buf[i + 2] = w >>> 8;
      if (total > 24) buf[i + 3] = w;
    }
    return bitPos + n;
  }
  const w = v >>> (total - 32);
  buf[i] = (buf[i] as number) | (w >>> 24);
  buf[i + 1] = w >>> 16;
  buf[i + 2] = w >>> 8;
  buf[i + 3] = w;
  buf[i + 4] = v << (40 - total);
  return bitPos + n;
}

/** Writes the low `n` bits (0 ≤ n ≤ 64) of the 64-bit value whose halves are (hi, lo). */
export function writeBits64(buf: Uint8Array, bitPos: number, hi: number, lo: number, n: number): number {
  if (n <= 32) return writeBits(buf, bitPos, lo, n);
  // The high part, then the low 32 bits straight: always 4 bytes from the first (ORed), a fifth when unaligned.
  const p = writeBits(buf, bitPos, hi, n - 32);
  const i = p >>> 3;
  const off = p & 7;
  buf[i] = (buf[i] as number) | (lo >>> (24 + off));
  buf[i + 1] = lo >>> (16 + off);
  buf[i + 2] = lo >>> (8 + off);
  buf[i + 3] = lo >>> off;
  if (off !== 0) buf[i + 4] = lo << (8 - off);
  return p + 32;
}

/** Reads bits MSB-first from `buf`. Reading past `endBit` sets `overrun` and yields zero bits. */
export class BitReader {
  buf: Uint8Array;
  /** Absolute bit position of the next bit. */
  pos: number;
  endBit: number;
  overrun = false;
  /** The high half of the last `readBits64`. */
  hi = 0;

  constructor(buf: Uint8Array = new Uint8Array(0), startBit = 0, endBit = buf.length * 8) {
    this.buf = buf;
    this.pos = startBit;
    this.endBit = endBit;
  }

  reset(buf: Uint8Array, startBit: number, endBit: number): void {
    this.buf = buf;
    this.pos = startBit;
    this.endBit = endBit;
    this.overrun = false;
  }

  readBit(): number {
    const p = this.pos;
    if (p >= this.endBit) {
      this.overrun = true;
      return 0;
    }
    this.pos = p + 1;
    return ((this.buf[p >>> 3] as number) >>> (7 - (p & 7))) & 1;
  }

  /** The next `n` bits (0 ≤ n ≤ 32) as an unsigned integer. */
  readBits(n: number): number {
    const pos = this.pos;
    if (pos + n > this.endBit) {
      this.overrun = true;
      this.pos = this.endBit;
      return 0;
    }
    if (n === 0) return 0;
    this.pos = pos + n;
    return bitsAt(this.buf, pos, n);
  }

  /** Reads `n` bits (0 ≤ n ≤ 64): returns the low 32, leaves the high 32 in `hi`. */
  readBits64(n: number): number {
    if (n > 32) {
      this.hi = this.readBits(n - 32);
      return this.readBits(32);
    }
    this.hi = 0;
    return this.readBits(n);
  }
}

/** `n` (1 ≤ n ≤ 32) bits of `buf` from bit `pos` on, MSB first, as an unsigned integer; bytes past the end read as 0. */
export function bitsAt(buf: Uint8Array, pos: number, n: number): number {
  // The 32 bits from the byte holding `pos` on, in one word, then the n wanted.
  const i = pos >>> 3;
  const off = pos & 7;
  const w = ((buf[i] as number) << 24) | ((buf[i + 1] as number) << 16) | ((buf[i + 2] as number) << 8) | (buf[i + 3] as number);
  const top = (w << off) >>> (32 - n);
  const rest = off + n - 32;
  // Past the word: the low `rest` bits come from the fifth byte.
  return (rest <= 0 ? top : top | ((buf[i + 4] as number) >>> (8 - rest))) >>> 0;
}
