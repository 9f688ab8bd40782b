// Interning of short ASCII strings read from byte buffers: repeated names and values share one string, decoded once.

const SIZE = 1 << 13;
const MAX_LENGTH = 64;
/** Direct-mapped table shared by every parser: bounded (8192 strings of at most 64 chars), overwritten on collision. */
const table: Array<string | undefined> = new Array<string | undefined>(SIZE).fill(undefined);

/**
 * The string of the ASCII bytes `buf[start, end)`, from the intern table when present, else `decode(start, end)`
 * (which is then remembered). The bytes must be ASCII: each char code is compared with one byte.
 */
export function internAscii(buf: Uint8Array, start: number, end: number, decode: (start: number, end: number) => string): string {
  const len = end - start;
  if (len > MAX_LENGTH) return decode(start, end);
  // Hash the length and up to 8 bytes from each end (names sharing a long prefix differ at the end); a slot hit is
  // confirmed by a full comparison, last bytes first.
  let h = len;
  const head = Math.min(end, start + 8);
  for (let i = start; i < head; i++) h = Math.imul(h ^ (buf[i] as number), 0x01000193);
  for (let i = Math.max(head, end - 8); i < end; i++) h = Math.imul(h ^ (buf[i] as number), 0x01000193);
  const slot = (h ^ (h >>> 15)) & (SIZE - 1);
  const s = table[slot];
  if (s !== undefined && s.length === len) {
    let k = len - 1;
    while (k >= 0 && s.charCodeAt(k) === buf[start + k]) k--;
    if (k < 0) return s;
  }
  const fresh = decode(start, end);
  table[slot] = fresh;
  return fresh;
}
