// ULIDs for block directories: 48-bit millisecond time + 80 random bits, Crockford base32, 26 characters.

import { randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const DECODE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) {
  DECODE[ALPHABET.charCodeAt(i)] = i;
  DECODE[ALPHABET.toLowerCase().charCodeAt(i)] = i;
}

/** A new ULID for `timeMs` (default: now), with 80 bits of crypto randomness. Upper case. */
export function newUlid(timeMs: number = Date.now(), random?: Uint8Array): string {
  if (!Number.isInteger(timeMs) || timeMs < 0 || timeMs > 2 ** 48 - 1) throw new RangeError(`ULID time out of range: ${timeMs}`);
  const bytes = new Uint8Array(16);
  let t = timeMs;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = t % 256;
    t = Math.floor(t / 256);
  }
  if (random === undefined) randomFillSync(bytes, 6, 10);
  else bytes.set(random.subarray(0, 10), 6);
  return encodeUlid(bytes);
}

/** The 26-character Crockford base32 text of 16 bytes (130 bits, the first two always zero). */
export function encodeUlid(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new RangeError('a ULID is 16 bytes');
  let out = '';
  // Bit position 0 is the (virtual) first of two leading zero bits.
  for (let c = 0; c < 26; c++) {
    let v = 0;
    for (let b = 0; b < 5; b++) {
      const pos = c * 5 + b - 2;
      const bit = pos < 0 ? 0 : ((bytes[pos >> 3] as number) >> (7 - (pos & 7))) & 1;
      v = (v << 1) | bit;
    }
    out += ALPHABET[v];
  }
  return out;
}

/** The 16 bytes of a ULID, or undefined when `s` is not strictly a ULID (26 valid characters, first one 0–7). */
export function parseUlid(s: string): Uint8Array | undefined {
  if (s.length !== 26) return undefined;
  const bytes = new Uint8Array(16);
  for (let c = 0; c < 26; c++) {
    const code = s.charCodeAt(c);
    const v = code < 128 ? (DECODE[code] as number) : -1;
    if (v < 0 || (c === 0 && v > 7)) return undefined;
    for (let b = 0; b < 5; b++) {
      const pos = c * 5 + b - 2;
      if (pos < 0) continue;
      if ((v >> (4 - b)) & 1) bytes[pos >> 3] = (bytes[pos >> 3] as number) | (1 << (7 - (pos & 7)));
    }
  }
  return bytes;
}

/** True when `s` parses strictly as a ULID (the test Prometheus uses to recognise block directories). */
export function isUlid(s: string): boolean {
  return parseUlid(s) !== undefined;
}

/** The millisecond timestamp in a ULID. */
export function ulidTime(s: string): number {
  const b = parseUlid(s);
  if (b === undefined) throw new RangeError(`not a ULID: ${s}`);
  let t = 0;
  for (let i = 0; i < 6; i++) t = t * 256 + (b[i] as number);
  return t;
}
