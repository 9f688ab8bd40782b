// A growable big-endian byte encoder for TSDB records and files (WAL records, index sections, chunk files).

import { int64Hi, int64Lo, putUvarint, putVarint } from './varint.js';

const utf8 = new TextEncoder();

/** Appends encoded values to an internal buffer that doubles as needed. `bytes()` is a view, valid until the next write. */
export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  /** Bytes written so far. */
  length = 0;

  constructor(initialCapacity = 256) {
    this.buf = new Uint8Array(Math.max(16, initialCapacity));
    this.view = new DataView(this.buf.buffer);
  }

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    const need = this.length + n;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  reset(): this {
    this.length = 0;
    return this;
  }

  u8(v: number): this {
    this.reserve(1);
    this.buf[this.length++] = v;
    return this;
  }

  be16(v: number): this {
    this.reserve(2);
    this.view.setUint16(this.length, v);
    this.length += 2;
    return this;
  }

  be32(v: number): this {
    this.reserve(4);
    this.view.setUint32(this.length, v >>> 0);
    this.length += 4;
    return this;
  }

  /** A signed int64 given as a number (exact within ±2^53; clamped to the int64 range). */
  be64(v: number): this {
    return this.be64HiLo(int64Hi(v), int64Lo(v));
  }

  be64HiLo(hi: number, lo: number): this {
    this.reserve(8);
    this.view.setUint32(this.length, hi >>> 0);
    this.view.setUint32(this.length + 4, lo >>> 0);
    this.length += 8;
    return this;
  }

  /** The float's IEEE-754 bits, big-endian; NaN payloads (staleness markers) are kept. */
  f64(v: number): this {
    this.reserve(8);
    this.view.setFloat64(this.length, v);
    this.length += 8;
    return this;
  }

  uvarint(v: number): this {
    this.reserve(10);
    this.length = putUvarint(this.buf, this.length, v);
    return this;
  }

  varint(v: number): this {
    this.reserve(10);
    this.length = putVarint(this.buf, this.length, v);
    return this;
  }

  bytes(b: Uint8Array): this {
    this.reserve(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }

  /** uvarint byte length, then the UTF-8 bytes. */
  uvarintString(s: string): this {
    this.reserve(s.length * 3 + 10);
    const lenPos = this.length;
    // Encode after a maximal length prefix guess, then move if the real prefix is shorter.
    const guess = s.length < 43 ? 1 : 5;
    const { written } = utf8.encodeInto(s, this.buf.subarray(lenPos + guess));
    const end = putUvarint(this.buf, lenPos, written);
    if (end !== lenPos + guess) this.buf.copyWithin(end, lenPos + guess, lenPos + guess + written);
    this.length = end + written;
    return this;
  }

  /** Zero bytes up to the next multiple of `align` (counted from the start). */
  padTo(align: number): this {
    const rem = this.length % align;
    if (rem !== 0) {
      this.reserve(align - rem);
      this.buf.fill(0, this.length, this.length + align - rem);
      this.length += align - rem;
    }
    return this;
  }

  /**
   * The underlying buffer and a DataView on it, for encoders that write many values directly: call `reserve(n)`
   * first, write at `length`…, then set `length`. Valid until the next `reserve`.
   */
  get raw(): Uint8Array {
    return this.buf;
  }

  get rawView(): DataView {
    return this.view;
  }

  /** Overwrites a big-endian uint32 at `pos` (e.g. a length written before its content). */
  setBe32(pos: number, v: number): void {
    this.view.setUint32(pos, v >>> 0);
  }

  /** The written bytes; a view that the next write may invalidate. */
  bytesView(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }

  /** A copy of the written bytes. */
  toBytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}
