// Prometheus's XOR chunk (encoding 1): delta-of-delta timestamps and XOR-ed float bits, bit-exact with Prometheus.

import { StorageError } from '../storage/storage-error.js';
import type { SampleIterator } from '../storage/queryable.js';
import { BitReader, bitsAt, writeBits, writeBits64 } from './bit-stream.js';
import { int64FromHiLo, int64Hi, int64Lo, putUvarint, putVarint } from './varint.js';

/** The chunk encoding byte for XOR chunks in chunk files and head chunk files. */
export const ENCODING_XOR = 1;
/** Bytes of the sample-count header. */
export const XOR_HEADER_BYTES = 2;
/** Most bytes one appended sample can take (68 timestamp bits + 77 value bits, or varint + 64 bits), rounded up. */
export const XOR_MAX_SAMPLE_BYTES = 24;
/** The most samples a chunk can hold (the header is 16 bits). */
export const XOR_MAX_SAMPLES = 65535;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
/** Signed view of the same bits: the writer passes int32s around (uint32s above 2^31 would be boxed numbers). */
const i32 = new Int32Array(f64.buffer);

/** The writer's "no window yet" marker for `lead`, as Prometheus uses. */
const NO_WINDOW = 0xff;

/**
 * What an appender must remember between samples. The head keeps these per series in typed arrays and copies them
 * into one scratch state around each append, so no object exists per series or sample.
 */
export class XorAppendState {
  numSamples = 0;
  t = 0;
  tDelta = 0;
  vHi = 0;
  vLo = 0;
  lead = NO_WINDOW;
  trail = 0;
  /**
   * True when the stream ends on a whole-byte field written at a byte boundary: Prometheus 2.42's writer then
   * leaves one extra zero byte at the end of the chunk (tsdb-format.md §1.5); `chunkByteLength` can emulate it.
   */
  alignedByteTail = false;

  reset(): void {
    this.numSamples = 0;
    this.t = 0;
    this.tDelta = 0;
    this.vHi = 0;
    this.vLo = 0;
    this.lead = NO_WINDOW;
    this.trail = 0;
    this.alignedByteTail = false;
  }
}

function clz64(hi: number, lo: number): number {
  return hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(lo);
}

function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}

function ctz64(hi: number, lo: number): number {
  return lo !== 0 ? ctz32(lo) : 32 + ctz32(hi);
}

/**
 * Appends (t, v) to the XOR chunk that starts at byte `start` of `buf` and whose bit stream currently ends at the
 * absolute bit position `bitPos` (start*8 + 16 for an empty chunk). Returns the new end bit position and updates
 * `st` and the chunk's sample-count header. The caller guarantees `t` > the previous timestamp, fewer than
 * XOR_MAX_SAMPLES samples, and XOR_MAX_SAMPLE_BYTES zeroed bytes available from byte `bitPos >> 3`.
 */
export function xorAppend(buf: Uint8Array, start: number, bitPos: number, st: XorAppendState, t: number, v: number): number {
  const end = xorAppendStream(buf, bitPos, st, t, v);
  buf[start] = st.numSamples >>> 8;
  buf[start + 1] = st.numSamples & 0xff;
  return end;
}

/**
 * `xorAppend` without updating the sample-count header (so the chunk's first bytes are not touched on every sample):
 * the caller writes it (`st.numSamples`) before the chunk's bytes are read.
 */
export function xorAppendStream(buf: Uint8Array, bitPos: number, st: XorAppendState, t: number, v: number): number {
  f64[0] = v;
  const hi = i32[1] as number;
  const lo = i32[0] as number;
  const n = st.numSamples;
  let p: number;
  if (n === 0) {
    p = xorWriteFirst(buf, bitPos, t, hi, lo);
    st.alignedByteTail = (bitPos & 7) === 0;
  } else {
    const tDelta = t - st.t;
    p = n === 1 ? xorWriteFirstDelta(buf, bitPos, tDelta) : xorWriteDod(buf, bitPos, tDelta - st.tDelta);
    st.tDelta = tDelta;
    p = writeValue(buf, p, st, hi, lo);
  }
  st.t = t;
  st.vHi = hi;
  st.vLo = lo;
  st.numSamples = n + 1;
  return p;
}

/*
 * The pieces of one appended sample, for appenders that keep the state elsewhere (SeriesChunks keeps it per series
 * in typed arrays and appends without copying it into an XorAppendState). Each returns the bit position after it.
 */

/** A chunk's first sample: varint timestamp, then the value's 64 bits (hi, lo as int32). */
export function xorWriteFirst(buf: Uint8Array, p: number, t: number, hi: number, lo: number): number {
  return writeBits64(buf, writeByteRun(buf, p, t, true), hi, lo, 64);
}

/** The second sample's timestamp: the delta as a uvarint. */
export function xorWriteFirstDelta(buf: Uint8Array, p: number, tDelta: number): number {
  return writeByteRun(buf, p, tDelta, false);
}

/** A later sample's timestamp: its delta of delta, in one of five widths (a single zero bit for 0). */
export function xorWriteDod(buf: Uint8Array, p: number, dod: number): number {
  if (dod === 0) return p + 1;
  if (dod >= -8191 && dod <= 8192) return writeBits(buf, p, (0b10 << 14) | (dod & 0x3fff), 16);
  if (dod >= -65535 && dod <= 65536) return writeBits(buf, p, (0b110 << 17) | (dod & 0x1ffff), 20);
  if (dod >= -524287 && dod <= 524288) return writeBits(buf, p, (0b1110 << 20) | (dod & 0xfffff), 24);
  return writeBits64(buf, writeBits(buf, p, 0b1111, 4), int64Hi(dod), int64Lo(dod), 64);
}

/** Leading zero bits of a non-zero XOR as the chunk stores them (at most 31: the field has 5 bits). */
export function xorLead(xHi: number, xLo: number): number {
  const lead = clz64(xHi, xLo);
  return lead >= 32 ? 31 : lead;
}

/** Trailing zero bits of a non-zero XOR. */
export function xorTrail(xHi: number, xLo: number): number {
  return ctz64(xHi, xLo);
}

/** A non-zero XOR that fits the previous window (`lead`, `trail`): `10`, then the bits between. */
export function xorWriteInWindow(buf: Uint8Array, p: number, xHi: number, xLo: number, lead: number, trail: number): number {
  const i = p >>> 3;
  buf[i] = (buf[i] as number) | (0x80 >>> (p & 7));
  putLeftAligned(buf, p + 2, xHi, xLo, lead);
  return p + 66 - lead - trail;
}

/** A non-zero XOR with a new window (its own `lead`, `trail`): `11`, 5 bits lead, 6 bits length, the bits. */
export function xorWriteNewWindow(buf: Uint8Array, p: number, xHi: number, xLo: number, lead: number, trail: number): number {
  const sig = 64 - lead - trail;
  putLeftAligned(buf, writeBits(buf, p, (0b11 << 11) | (lead << 6) | (sig & 63), 13), xHi, xLo, lead);
  return p + 13 + sig;
}

/**
 * Writes the 64-bit (xHi, xLo) shifted left by `lead` (< 32) at bit `p`: the window's bits first, then zero bits up
 * to the ninth byte. Those land past the stream's end, which is zero already and inside the room callers reserve
 * (a sample's value field starts at most 9 bytes into it). Straight-line stores: this runs for nearly every sample.
 */
function putLeftAligned(buf: Uint8Array, p: number, xHi: number, xLo: number, lead: number): void {
  const a = lead === 0 ? xHi : (xHi << lead) | (xLo >>> (32 - lead));
  const b = xLo << lead;
  const i = p >>> 3;
  const off = p & 7;
  buf[i] = (buf[i] as number) | (a >>> (24 + off));
  buf[i + 1] = a >>> (16 + off);
  buf[i + 2] = a >>> (8 + off);
  buf[i + 3] = a >>> off;
  buf[i + 4] = (a << (8 - off)) | (b >>> (24 + off));
  buf[i + 5] = b >>> (16 + off);
  buf[i + 6] = b >>> (8 + off);
  buf[i + 7] = b >>> off;
  buf[i + 8] = b << (8 - off);
}

/** Writes varint(x) (signed) or uvarint(x) as whole bytes at bit position p, aligned or not. */
function writeByteRun(buf: Uint8Array, p: number, x: number, signed: boolean): number {
  if ((p & 7) === 0) return (signed ? putVarint(buf, p >>> 3, x) : putUvarint(buf, p >>> 3, x)) * 8;
  const tmp = new Uint8Array(10);
  const len = signed ? putVarint(tmp, 0, x) : putUvarint(tmp, 0, x);
  for (let i = 0; i < len; i++) p = writeBits(buf, p, tmp[i] as number, 8);
  return p;
}

function writeValue(buf: Uint8Array, p: number, st: XorAppendState, hi: number, lo: number): number {
  const xHi = hi ^ st.vHi;
  const xLo = lo ^ st.vLo;
  if (xHi === 0 && xLo === 0) {
    st.alignedByteTail = false;
    return p + 1;
  }
  const lead = xorLead(xHi, xLo);
  const trail = ctz64(xHi, xLo);
  if (st.lead !== NO_WINDOW && lead >= st.lead && trail >= st.trail) {
    const sig = 64 - st.lead - st.trail;
    st.alignedByteTail = ((p + 2) & 7) === 0 && (sig & 7) === 0;
    return xorWriteInWindow(buf, p, xHi, xLo, st.lead, st.trail);
  }
  const sig = 64 - lead - trail;
  st.lead = lead;
  st.trail = trail;
  st.alignedByteTail = ((p + 13) & 7) === 0 && (sig & 7) === 0;
  return xorWriteNewWindow(buf, p, xHi, xLo, lead, trail);
}

/** Byte length of a chunk whose stream ends at bit `endBit` (relative to the chunk start); see XorAppendState. */
export function chunkByteLength(endBit: number, st: XorAppendState, prometheus242Padding = false): number {
  const len = (endBit + 7) >>> 3;
  return prometheus242Padding && st.alignedByteTail ? len + 1 : len;
}

/**
 * Reads the samples of one XOR chunk. Reusable: `reset` points it at another chunk without allocating.
 * Samples outside [mint, maxt] are skipped, so a querier can hand it whole chunks.
 */
export class XorIterator implements SampleIterator {
  private readonly r = new BitReader();
  private total = 0;
  private read = 0;
  private t = 0;
  private tDelta = 0;
  private vHi = 0;
  private vLo = 0;
  private lead = 0;
  private trail = 0;
  private mint = -Infinity;
  private maxt = Infinity;
  private done = false;
  private error: Error | undefined;

  constructor(bytes?: Uint8Array) {
    if (bytes !== undefined) this.reset(bytes, 0, bytes.length);
  }

  /** Points the iterator at the chunk occupying `buf[start, end)`, limited to samples with mint ≤ t ≤ maxt. */
  reset(buf: Uint8Array, start: number, end: number, mint = -Infinity, maxt = Infinity): this {
    this.error = undefined;
    this.done = false;
    this.read = 0;
    this.lead = 0;
    this.trail = 0;
    this.t = 0;
    this.tDelta = 0;
    this.vHi = 0;
    this.vLo = 0;
    this.mint = mint;
    this.maxt = maxt;
    if (end - start < XOR_HEADER_BYTES) {
      this.total = 0;
      if (end !== start) this.error = new StorageError('corruption', `XOR chunk of ${end - start} bytes has no complete header`);
      this.done = true;
      return this;
    }
    this.total = ((buf[start] as number) << 8) | (buf[start + 1] as number);
    this.r.reset(buf, (start + XOR_HEADER_BYTES) * 8, end * 8);
    return this;
  }

  /** The bit position after the last sample read (absolute in the buffer). */
  get bitPos(): number {
    return this.r.pos;
  }

  get numSamples(): number {
    return this.total;
  }

  /** Loads the appender state after the last sample read, for re-opening a chunk (Prometheus's reader window rules). */
  saveState(st: XorAppendState): void {
    st.numSamples = this.read;
    st.t = this.t;
    st.tDelta = this.tDelta;
    st.vHi = this.vHi;
    st.vLo = this.vLo;
    st.lead = this.read === 0 ? NO_WINDOW : this.lead;
    st.trail = this.trail;
    st.alignedByteTail = false;
  }

  /** Decodes the next sample regardless of [mint, maxt]. */
  private step(): boolean {
    if (this.done) return false;
    if (this.read >= this.total) {
      this.done = true;
      return false;
    }
    const r = this.r;
    if (this.read >= 2) return this.stepLater();
    if (this.read === 0) {
      this.t = this.readVarintBytes(true);
      this.vHi = r.readBits(32);
      this.vLo = r.readBits(32);
    } else {
      if (this.read === 1) {
        this.tDelta = this.readVarintBytes(false);
      } else {
        let d = 0;
        for (let i = 0; i < 4; i++) {
          d <<= 1;
          if (r.readBit() === 0) break;
          d |= 1;
        }
        let dod = 0;
        let sz = 0;
        switch (d) {
          case 0b0:
            break;
          case 0b10:
            sz = 14;
            break;
          case 0b110:
            sz = 17;
            break;
          case 0b1110:
            sz = 20;
            break;
          default: {
            const lo = r.readBits64(64);
            dod = int64FromHiLo(r.hi, lo);
          }
        }
        if (sz !== 0) {
          dod = r.readBits(sz);
          if (dod > 2 ** (sz - 1)) dod -= 2 ** sz;
        }
        this.tDelta += dod;
      }
      this.t += this.tDelta;
      this.readValue();
    }
    if (r.overrun) {
      this.error = new StorageError('corruption', `XOR chunk ends inside sample ${this.read + 1} of ${this.total}`);
      this.done = true;
      return false;
    }
    this.read++;
    return true;
  }

  /**
   * `step` for a sample after the second: the same decoding, with the bits read straight from the buffer and the
   * state kept in locals (several times faster than through the BitReader). A sample that runs past the end of
   * the stream is found at its end, as `step` finds it.
   */
  private stepLater(): boolean {
    const r = this.r;
    const buf = r.buf;
    let pos = r.pos;
    // Timestamp: a delta of delta after a prefix 0, 10, 110, 1110 or 1111.
    const prefix = bitsAt(buf, pos, 4);
    let dod = 0;
    if (prefix < 0b1000) pos += 1;
    else if (prefix < 0b1100) {
      dod = bitsAt(buf, pos + 2, 14);
      if (dod > 2 ** 13) dod -= 2 ** 14;
      pos += 16;
    } else if (prefix < 0b1110) {
      dod = bitsAt(buf, pos + 3, 17);
      if (dod > 2 ** 16) dod -= 2 ** 17;
      pos += 20;
    } else if (prefix < 0b1111) {
      dod = bitsAt(buf, pos + 4, 20);
      if (dod > 2 ** 19) dod -= 2 ** 20;
      pos += 24;
    } else {
      dod = int64FromHiLo(bitsAt(buf, pos + 4, 32), bitsAt(buf, pos + 36, 32));
      pos += 68;
    }
    this.tDelta += dod;
    this.t += this.tDelta;
    // Value: 0 (unchanged), 10 (XOR within the previous window) or 11 (new window, then the XOR).
    const control = bitsAt(buf, pos, 2);
    if (control < 0b10) pos += 1;
    else {
      pos += 2;
      if (control === 0b11) {
        const lead = bitsAt(buf, pos, 5);
        let sig = bitsAt(buf, pos + 5, 6);
        if (sig === 0) sig = 64;
        this.lead = lead;
        this.trail = 64 - lead - sig;
        pos += 11;
      }
      const s = this.trail;
      const sig = 64 - this.lead - s;
      let hi = 0;
      let lo = 0;
      if (sig > 32) {
        hi = bitsAt(buf, pos, sig - 32);
        lo = bitsAt(buf, pos + sig - 32, 32);
      } else if (sig > 0) lo = bitsAt(buf, pos, sig);
      pos += sig;
      this.xorValue(hi, lo, s);
    }
    if (pos > r.endBit) {
      r.pos = r.endBit;
      r.overrun = true;
      this.error = new StorageError('corruption', `XOR chunk ends inside sample ${this.read + 1} of ${this.total}`);
      this.done = true;
      return false;
    }
    r.pos = pos;
    this.read++;
    return true;
  }

  private readVarintBytes(signed: boolean): number {
    const r = this.r;
    let b = r.readBits(8);
    const negative = (b & 1) === 1;
    // Signed values are halved while decoding so every int64 within ±2^53 comes out exact.
    let result = signed ? (b & 0x7f) >>> 1 : b & 0x7f;
    let mul = signed ? 64 : 128;
    for (let i = 1; b >= 0x80 && i < 10; i++) {
      b = r.readBits(8);
      result += (b & 0x7f) * mul;
      mul *= 128;
    }
    return signed && negative ? -result - 1 : result;
  }

  private readValue(): void {
    const r = this.r;
    if (r.readBit() === 0) return;
    if (r.readBit() === 1) {
      this.lead = r.readBits(5);
      let sig = r.readBits(6);
      if (sig === 0) sig = 64;
      this.trail = 64 - this.lead - sig;
    }
    const sig = 64 - this.lead - this.trail;
    const lo = r.readBits64(sig);
    this.xorValue(r.hi, lo, this.trail);
  }

  /** XORs the meaningful bits `hi:lo` (right-aligned), followed by `trail` zero bits, into the value. */
  private xorValue(hi: number, lo: number, trail: number): void {
    if (trail >= 32) {
      hi = lo << (trail - 32);
      lo = 0;
    } else if (trail > 0) {
      hi = (hi << trail) | (lo >>> (32 - trail));
      lo = lo << trail;
    }
    this.vHi = (this.vHi ^ hi) >>> 0;
    this.vLo = (this.vLo ^ lo) >>> 0;
  }

  next(): boolean {
    while (this.step()) {
      if (this.t > this.maxt) {
        this.done = true;
        return false;
      }
      if (this.t >= this.mint) return true;
    }
    return false;
  }

  seek(t: number): boolean {
    if (this.read > 0 && !this.done && this.t >= t && this.t >= this.mint) return true;
    if (this.done) return false;
    while (this.next()) if (this.t >= t) return true;
    return false;
  }

  atT(): number {
    return this.t;
  }

  atV(): number {
    u32[0] = this.vLo;
    u32[1] = this.vHi;
    return f64[0] as number;
  }

  err(): Error | undefined {
    return this.error;
  }
}

/** Builds one XOR chunk in its own growing buffer: for block writing, compaction and tests. */
export class XorAppender {
  private buf: Uint8Array;
  private bitPos = XOR_HEADER_BYTES * 8;
  private readonly st = new XorAppendState();

  constructor(initialCapacity = 128) {
    this.buf = new Uint8Array(Math.max(initialCapacity, XOR_HEADER_BYTES + XOR_MAX_SAMPLE_BYTES));
  }

  /** Re-opens an encoded chunk for appending, continuing at its exact end bit as Prometheus does. */
  static reopen(bytes: Uint8Array): XorAppender {
    const it = new XorIterator(bytes);
    while (it.next());
    const e = it.err();
    if (e !== undefined) throw e;
    const a = new XorAppender(bytes.length * 2);
    const endByte = (it.bitPos + 7) >>> 3;
    a.buf.set(bytes.subarray(0, endByte));
    a.bitPos = it.bitPos;
    it.saveState(a.st);
    return a;
  }

  get numSamples(): number {
    return this.st.numSamples;
  }

  /** Timestamp of the last sample (undefined-free: 0 when empty). */
  get lastT(): number {
    return this.st.t;
  }

  /** Appends a sample; `t` must be greater than the previous sample's. */
  append(t: number, v: number): void {
    if (this.st.numSamples > 0 && t <= this.st.t) {
      throw new StorageError('out_of_order_sample', `XOR chunk append at ${t} is not after the last sample at ${this.st.t}`);
    }
    if (this.st.numSamples >= XOR_MAX_SAMPLES) throw new StorageError('out_of_bounds', `XOR chunk is full (${XOR_MAX_SAMPLES} samples)`);
    const need = (this.bitPos >>> 3) + XOR_MAX_SAMPLE_BYTES + 1;
    if (need > this.buf.length) {
      const next = new Uint8Array(Math.max(need, this.buf.length * 2));
      next.set(this.buf);
      this.buf = next;
    }
    this.bitPos = xorAppend(this.buf, 0, this.bitPos, this.st, t, v);
  }

  /**
   * The chunk's bytes (header + stream), a copy. With `prometheus242Padding` the trailing zero byte that
   * Prometheus 2.42's writer leaves in some chunks is reproduced, for byte-for-byte comparisons with 2.42 files.
   */
  bytes(options?: { prometheus242Padding?: boolean }): Uint8Array {
    return this.buf.slice(0, chunkByteLength(this.bitPos, this.st, options?.prometheus242Padding === true));
  }
}

/** Number of samples in an encoded XOR chunk (its header). */
export function xorNumSamples(bytes: Uint8Array, start = 0): number {
  return ((bytes[start] as number) << 8) | (bytes[start + 1] as number);
}
