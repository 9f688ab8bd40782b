// A bounds-checked big-endian byte decoder for TSDB records and files; overruns raise a `corruption` StorageError.

import { StorageError } from '../storage/storage-error.js';
import type { ByteStrings } from './byte-strings.js';

const utf8 = new TextDecoder('utf-8', { fatal: false });
const TWO_32 = 4294967296;

/** Reads values from `buf[pos, end)`. Every read past `end` throws StorageError('corruption'). */
export class ByteReader {
  buf: Uint8Array;
  pos: number;
  end: number;
  private view: DataView;
  /** Named in error messages, e.g. 'WAL segment 00000003'. */
  what: string;

  constructor(buf: Uint8Array, start = 0, end = buf.length, what = 'buffer') {
    this.buf = buf;
    this.pos = start;
    this.end = end;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.what = what;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private overrun(n: number): never {
    throw new StorageError('corruption', `${this.what}: unexpected end of data at byte ${this.pos} (needed ${n} more, ${this.end - this.pos} left)`);
  }

  u8(): number {
    if (this.pos >= this.end) this.overrun(1);
    return this.buf[this.pos++] as number;
  }

  be16(): number {
    if (this.pos + 2 > this.end) this.overrun(2);
    const v = this.view.getUint16(this.pos);
    this.pos += 2;
    return v;
  }

  be32(): number {
    if (this.pos + 4 > this.end) this.overrun(4);
    const v = this.view.getUint32(this.pos);
    this.pos += 4;
    return v;
  }

  /** A signed int64 as a number (exact within ±2^53). */
  be64(): number {
    if (this.pos + 8 > this.end) this.overrun(8);
    const v = this.view.getInt32(this.pos) * TWO_32 + this.view.getUint32(this.pos + 4);
    this.pos += 8;
    return v;
  }

  /** IEEE-754 bits as a float; NaN payloads are kept. */
  f64(): number {
    if (this.pos + 8 > this.end) this.overrun(8);
    const v = this.view.getFloat64(this.pos);
    this.pos += 8;
    return v;
  }

  uvarint(): number {
    const buf = this.buf;
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.overrun(1);
      const b = buf[this.pos++] as number;
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
    throw new StorageError('corruption', `${this.what}: varint overflows 64 bits at byte ${this.pos}`);
  }

  /** A zig-zag varint, exact for every int64 within ±2^53: halved while decoding, the sign taken from the first byte. */
  varint(): number {
    const buf = this.buf;
    if (this.pos >= this.end) this.overrun(1);
    let b = buf[this.pos++] as number;
    const negative = (b & 1) === 1;
    let half = (b & 0x7f) >>> 1;
    let mul = 64;
    for (let i = 1; b >= 0x80; i++) {
      if (i === 10) throw new StorageError('corruption', `${this.what}: varint overflows 64 bits at byte ${this.pos}`);
      if (this.pos >= this.end) this.overrun(1);
      b = buf[this.pos++] as number;
      half += (b & 0x7f) * mul;
      mul *= 128;
    }
    return negative ? -half - 1 : half;
  }

  /** Moves past `n` bytes. */
  skip(n: number): void {
    if (this.pos + n > this.end) this.overrun(n);
    this.pos += n;
  }

  bytes(n: number): Uint8Array {
    if (this.pos + n > this.end) this.overrun(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  /** A uvarint-prefixed string, decoded by `strings` (which remembers repeated ones). */
  uvarintStringVia(strings: ByteStrings): string {
    const n = this.uvarint();
    if (this.pos + n > this.end) this.overrun(n);
    const s = strings.string(this.buf, this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  uvarintString(): string {
    const n = this.uvarint();
    if (this.pos + n > this.end) this.overrun(n);
    const s = n === 0 ? '' : utf8.decode(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }
}
