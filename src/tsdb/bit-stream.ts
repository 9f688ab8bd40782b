// Bit-level writing and reading, most significant bit first, as Prometheus's chunk "bstream" lays bits out.

/**
 * ORs the low `n` bits of `value` (0 ≤ n ≤ 32) into `buf` starting at absolute bit `bitPos` and returns the bit
 * position after them. The bits being written must be zero beforehand and `buf` long enough: callers reserve.
 * Bit positions are int32: keep the buffers passed here below 256 MiB.
 */
export function writeBits(buf: Uint8Array, bitPos: number, value: number, n: number): number {
  if (n > 24) {
    if (n === 32) return write32(buf, bitPos, value);
    // 25–31 bits: the top n-16 bits, then the low 16.
    return writeBits(buf, writeBits(buf, bitPos, value >>> 16, n - 16), value, 16);
  }
  if (n === 0) return bitPos;
  // The field fits a 32-bit window starting at its first byte (offset ≤ 7, n ≤ 24): OR in up to 4 bytes.
  // Bytes past the field receive zero bits, which leaves them unchanged.
  const i = bitPos >>> 3;
  const w = ((value & ((1 << n) - 1)) << (32 - (bitPos & 7) - n)) >>> 0;
  buf[i] = (buf[i] as number) | (w >>> 24);
  const end = (bitPos & 7) + n;
  if (end > 8) {
    buf[i + 1] = (buf[i + 1] as number) | ((w >>> 16) & 0xff);
    if (end > 16) {
      buf[i + 2] = (buf[i + 2] as number) | ((w >>> 8) & 0xff);
      if (end > 24) buf[i + 3] = (buf[i + 3] as number) | (w & 0xff);
    }
  }
  return bitPos + n;
}

/** Writes all 32 bits of `v` at `bitPos` (touches 4 or 5 bytes). */
function write32(buf: Uint8Array, bitPos: number, v: number): number {
  const i = bitPos >>> 3;
  const off = bitPos & 7;
  buf[i] = (buf[i] as number) | (v >>> (24 + off));
  buf[i + 1] = (buf[i + 1] as number) | ((v >>> (16 + off)) & 0xff);
  buf[i + 2] = (buf[i + 2] as number) | ((v >>> (8 + off)) & 0xff);
  buf[i + 3] = (buf[i + 3] as number) | ((v >>> off) & 0xff);
  if (off !== 0) buf[i + 4] = (buf[i + 4] as number) | ((v << (8 - off)) & 0xff);
  return bitPos + 32;
}

/** Writes the low `n` bits (0 ≤ n ≤ 64) of the 64-bit value whose halves are (hi, lo). */
export function writeBits64(buf: Uint8Array, bitPos: number, hi: number, lo: number, n: number): number {
  if (n > 32) return writeBits(buf, writeBits(buf, bitPos, hi, n - 32), lo, 32);
  return writeBits(buf, bitPos, lo, n);
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
    if (this.pos + n > this.endBit) {
      this.overrun = true;
      this.pos = this.endBit;
      return 0;
    }
    const buf = this.buf;
    let pos = this.pos;
    let v = 0;
    let need = n;
    while (need > 0) {
      const avail = 8 - (pos & 7);
      const take = avail < need ? avail : need;
      const bits = ((buf[pos >>> 3] as number) >>> (avail - take)) & ((1 << take) - 1);
      v = (v << take) | bits;
      need -= take;
      pos += take;
    }
    this.pos = pos;
    return v >>> 0;
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
