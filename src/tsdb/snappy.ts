// Snappy block format (not the framed format): WAL records are compressed with it. Encoder and decoder.

import { StorageError } from '../storage/storage-error.js';
import { putUvarint, uvarintSize } from './varint.js';

const HASH_BITS = 14;
const MAX_OFFSET = 65535;

/** The most bytes `compress` can produce for `n` input bytes (the reference bound: 32 + n + n/6). */
export function maxCompressedLength(n: number): number {
  return 32 + n + Math.floor(n / 6);
}

function load32(b: Uint8Array, i: number): number {
  return ((b[i] as number) | ((b[i + 1] as number) << 8) | ((b[i + 2] as number) << 16) | ((b[i + 3] as number) << 24)) >>> 0;
}

function hash(x: number): number {
  return Math.imul(x, 0x1e35a7bd) >>> (32 - HASH_BITS);
}

const table = new Int32Array(1 << HASH_BITS);

function emitLiteral(dst: Uint8Array, d: number, src: Uint8Array, start: number, end: number): number {
  const n = end - start - 1;
  if (n < 60) dst[d++] = n << 2;
  else if (n < 0x100) {
    dst[d++] = 60 << 2;
    dst[d++] = n;
  } else if (n < 0x10000) {
    dst[d++] = 61 << 2;
    dst[d++] = n & 0xff;
    dst[d++] = n >>> 8;
  } else if (n < 0x1000000) {
    dst[d++] = 62 << 2;
    dst[d++] = n & 0xff;
    dst[d++] = (n >>> 8) & 0xff;
    dst[d++] = n >>> 16;
  } else {
    dst[d++] = 63 << 2;
    dst[d++] = n & 0xff;
    dst[d++] = (n >>> 8) & 0xff;
    dst[d++] = (n >>> 16) & 0xff;
    dst[d++] = n >>> 24;
  }
  if (end - start < 32) {
    // Short literals are the common case between matches: a loop beats creating a subarray.
    for (let i = start; i < end; i++) dst[d++] = src[i] as number;
    return d;
  }
  dst.set(src.subarray(start, end), d);
  return d + end - start;
}

function emitCopy(dst: Uint8Array, d: number, offset: number, len: number): number {
  while (len >= 68) {
    dst[d++] = (63 << 2) | 2;
    dst[d++] = offset & 0xff;
    dst[d++] = offset >>> 8;
    len -= 64;
  }
  if (len > 64) {
    dst[d++] = (59 << 2) | 2;
    dst[d++] = offset & 0xff;
    dst[d++] = offset >>> 8;
    len -= 60;
  }
  if (len >= 12 || offset >= 2048) {
    dst[d++] = ((len - 1) << 2) | 2;
    dst[d++] = offset & 0xff;
    dst[d++] = offset >>> 8;
  } else {
    dst[d++] = ((offset >>> 8) << 5) | ((len - 4) << 2) | 1;
    dst[d++] = offset & 0xff;
  }
  return d;
}

/**
 * Compresses `src[0, n)` into `dst` (at least maxCompressedLength(n) long); returns the compressed length.
 * Greedy matching over a 4-byte hash table, copies reaching at most 64 KiB back.
 */
export function compress(src: Uint8Array, n: number, dst: Uint8Array): number {
  let d = putUvarint(dst, 0, n);
  if (n < 16) return n === 0 ? d : emitLiteral(dst, d, src, 0, n);
  table.fill(-1);
  let lit = 0;
  let i = 0;
  const limit = n - 4;
  let skip = 32;
  while (i <= limit) {
    const x = load32(src, i);
    const h = hash(x);
    const cand = table[h] as number;
    table[h] = i;
    if (cand >= 0 && i - cand <= MAX_OFFSET && load32(src, cand) === x) {
      if (lit < i) d = emitLiteral(dst, d, src, lit, i);
      let len = 4;
      while (i + len < n && src[cand + len] === src[i + len]) len++;
      d = emitCopy(dst, d, i - cand, len);
      i += len;
      lit = i;
      skip = 32;
      if (i - 1 <= limit) table[hash(load32(src, i - 1))] = i - 1;
    } else {
      i += skip >>> 5;
      skip++;
    }
  }
  if (lit < n) d = emitLiteral(dst, d, src, lit, n);
  return d;
}

/** Length the decompressed data will have (the uvarint preamble). */
export function decodedLength(src: Uint8Array, start = 0, end = src.length): number {
  let result = 0;
  let mul = 1;
  for (let i = start; i < end && i < start + 5; i++) {
    const b = src[i] as number;
    result += (b & 0x7f) * mul;
    if (b < 0x80) return result;
    mul *= 128;
  }
  throw new StorageError('corruption', 'snappy: bad length preamble');
}

function corrupt(what: string): StorageError {
  return new StorageError('corruption', `snappy: ${what}`);
}

/** Decompresses `src[start, end)`; returns a new buffer with exactly the decoded bytes. */
export function decompress(src: Uint8Array, start = 0, end = src.length): Uint8Array {
  const dst = new Uint8Array(decodedLength(src, start, end));
  decompressInto(src, start, end, dst);
  return dst;
}

/**
 * Decompresses `src[start, end)` into the start of `dst`, which must hold at least `decodedLength` bytes (reused
 * scratch: no allocation per record); returns the decoded length. Bytes of `dst` past the decoded length may change.
 */
export function decompressInto(src: Uint8Array, start: number, end: number, dst: Uint8Array): number {
  const n = decodedLength(src, start, end);
  if (dst.length < n) throw new RangeError(`snappy: output buffer of ${dst.length} bytes for ${n}`);
  const d = decodeOps(src, start + uvarintSize(n), end, dst, n);
  if (d < 0) throw corrupt(DECODE_ERRORS[-d - 1] as string);
  if (d !== n) throw corrupt(`decoded ${d} bytes, expected ${n}`);
  return n;
}

const DECODE_ERRORS = ['literal length runs past the input', 'literal runs past the input or output', 'truncated copy', 'bad copy offset or length'];

/**
 * The decoding loop, kept free of allocation and string building so V8 optimises it as a whole: returns the
 * number of bytes written, or -(1 + index into DECODE_ERRORS) for corrupt input. Most operations are short (WAL
 * records: literals of 1 to 8 bytes, copies of 4 to 11): while there is room, those move whole 32-bit words and may
 * write up to 15 bytes past their end, which later operations overwrite (or which lie past the decoded length).
 */
function decodeOps(src: Uint8Array, s: number, end: number, dst: Uint8Array, n: number): number {
  const sv = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const dv = new DataView(dst.buffer, dst.byteOffset, dst.byteLength);
  // Up to here 16 bytes can be read from src, and written to dst.
  const srcWide = src.length - 16;
  const dstWide = dst.length - 16;
  let d = 0;
  while (s < end) {
    const tag = src[s++] as number;
    const kind = tag & 3;
    if (kind === 0) {
      let len = tag >>> 2;
      if (len >= 60) {
        const extra = len - 59;
        if (s + extra > end) return -1;
        len = src[s] as number;
        if (extra > 1) len |= (src[s + 1] as number) << 8;
        if (extra > 2) len |= (src[s + 2] as number) << 16;
        if (extra > 3) len = len + (src[s + 3] as number) * 16777216;
        s += extra;
      }
      len += 1;
      if (s + len > end || d + len > n) return -2;
      if (len <= 16 && s <= srcWide && d <= dstWide) {
        dv.setInt32(d, sv.getInt32(s, true), true);
        dv.setInt32(d + 4, sv.getInt32(s + 4, true), true);
        if (len > 8) {
          dv.setInt32(d + 8, sv.getInt32(s + 8, true), true);
          dv.setInt32(d + 12, sv.getInt32(s + 12, true), true);
        }
      } else if (len < 32) {
        for (let k = 0; k < len; k++) dst[d + k] = src[s + k] as number;
      } else dst.set(src.subarray(s, s + len), d);
      s += len;
      d += len;
      continue;
    }
    let len: number;
    let offset: number;
    if (kind === 1) {
      if (s + 1 > end) return -3;
      len = ((tag >>> 2) & 7) + 4;
      offset = ((tag >>> 5) << 8) | (src[s++] as number);
    } else if (kind === 2) {
      if (s + 2 > end) return -3;
      len = (tag >>> 2) + 1;
      offset = (src[s] as number) | ((src[s + 1] as number) << 8);
      s += 2;
    } else {
      if (s + 4 > end) return -3;
      len = (tag >>> 2) + 1;
      offset = load32(src, s);
      s += 4;
    }
    if (offset === 0 || offset > d || d + len > n) return -4;
    let from = d - offset;
    // A copy reads what it writes when the offset is below its length: word by word, each word reads bytes
    // already written as long as the offset is at least a word.
    if (offset >= 4 && len <= 16 && d <= dstWide) {
      dv.setInt32(d, dv.getInt32(from, true), true);
      if (len > 4) {
        dv.setInt32(d + 4, dv.getInt32(from + 4, true), true);
        if (len > 8) {
          dv.setInt32(d + 8, dv.getInt32(from + 8, true), true);
          dv.setInt32(d + 12, dv.getInt32(from + 12, true), true);
        }
      }
      d += len;
    } else if (offset >= len && len >= 32) {
      dst.copyWithin(d, from, from + len);
      d += len;
    } else {
      const stop = d + len;
      while (d < stop) dst[d++] = dst[from++] as number;
    }
  }
  return d;
}
