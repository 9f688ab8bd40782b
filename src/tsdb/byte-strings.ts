// Strings decoded from UTF-8 bytes and remembered by those bytes: a repeated string is found again without decoding it.

const utf8 = new TextDecoder('utf-8', { fatal: false });

/**
 * WAL series records repeat label names and most values for every series; decoding each (a native call per string)
 * costs more than hashing its bytes. `string` gives what TextDecoder gives for the bytes, the same string object for
 * the same bytes. Grows with the distinct strings seen: keep one only as long as a replay.
 */
export class ByteStrings {
  /** Open addressing, linear probing: entry index + 1 per slot (0: empty), and the entry's hash. */
  private table = new Int32Array(1 << 12);
  private tableHash = new Int32Array(1 << 12);
  private strings: string[] = [];
  private offsets = new Int32Array(1024);
  private bytes = new Uint8Array(1 << 16);
  private used = 0;

  /** The string of buf[start, end). */
  string(buf: Uint8Array, start: number, end: number): string {
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) h = Math.imul(h ^ (buf[i] as number), 0x01000193);
    const mask = this.table.length - 1;
    let slot = h & mask;
    for (;;) {
      const e = this.table[slot] as number;
      if (e === 0) break;
      if (this.tableHash[slot] === h && this.same(e - 1, buf, start, end)) return this.strings[e - 1] as string;
      slot = (slot + 1) & mask;
    }
    const s = utf8.decode(buf.subarray(start, end));
    this.add(h, s, buf, start, end);
    return s;
  }

  private same(e: number, buf: Uint8Array, start: number, end: number): boolean {
    const off = this.offsets[e] as number;
    if ((this.offsets[e + 1] as number) - off !== end - start) return false;
    const b = this.bytes;
    for (let i = start, j = off; i < end; i++, j++) if (b[j] !== buf[i]) return false;
    return true;
  }

  private add(h: number, s: string, buf: Uint8Array, start: number, end: number): void {
    const e = this.strings.length;
    this.strings.push(s);
    if (e + 2 > this.offsets.length) {
      const next = new Int32Array(this.offsets.length * 2);
      next.set(this.offsets);
      this.offsets = next;
    }
    const len = end - start;
    if (this.used + len > this.bytes.length) {
      const next = new Uint8Array(Math.max(this.bytes.length * 2, this.used + len));
      next.set(this.bytes.subarray(0, this.used));
      this.bytes = next;
    }
    this.bytes.set(buf.subarray(start, end), this.used);
    this.used += len;
    this.offsets[e + 1] = this.used;
    if ((e + 1) * 2 > this.table.length) this.rehash();
    this.place(h, e + 1);
  }

  private rehash(): void {
    const oldTable = this.table;
    const oldHash = this.tableHash;
    this.table = new Int32Array(oldTable.length * 2);
    this.tableHash = new Int32Array(oldTable.length * 2);
    for (let i = 0; i < oldTable.length; i++) if (oldTable[i] !== 0) this.place(oldHash[i] as number, oldTable[i] as number);
  }

  private place(h: number, entry: number): void {
    const mask = this.table.length - 1;
    let slot = h & mask;
    while (this.table[slot] !== 0) slot = (slot + 1) & mask;
    this.table[slot] = entry;
    this.tableHash[slot] = h;
  }
}
