// The tombstones file of a block: deleted time intervals per series ID (tsdb-format.md §8).
//
// File: BE32 magic 0x0130BA30 ‖ version byte 1 ‖ entries (uvarint seriesID ‖ varint mint ‖ varint maxt) ‖
// BE32 CRC32C(entries). Intervals are inclusive at both ends.

import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { StorageError } from '../storage/storage-error.js';
import { ByteReader } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';
import { crc32c } from './crc32c.js';
import { FileWriter } from './file-writer.js';

export const TOMBSTONES_MAGIC = 0x0130ba30;

/** Deleted intervals per series ID; each list is sorted and merged (no overlaps, no adjacency). */
export class Tombstones {
  private readonly map = new Map<number, number[]>();

  get size(): number {
    return this.map.size;
  }

  /** Number of (series, interval) entries, meta.json's numTombstones. */
  count(): number {
    let n = 0;
    for (const l of this.map.values()) n += l.length >> 1;
    return n;
  }

  /** Flat [mint0, maxt0, mint1, maxt1, ...] of series `id`, or undefined. */
  get(id: number): readonly number[] | undefined {
    return this.map.get(id);
  }

  /** Adds [mint, maxt] for series `id`, merging with overlapping or adjacent intervals. */
  add(id: number, mint: number, maxt: number): void {
    const cur = this.map.get(id) ?? [];
    const pairs: [number, number][] = [];
    for (let i = 0; i < cur.length; i += 2) pairs.push([cur[i] as number, cur[i + 1] as number]);
    pairs.push([mint, maxt]);
    pairs.sort((a, b) => a[0] - b[0]);
    const out: number[] = [];
    for (const [a, b] of pairs) {
      const n = out.length;
      if (n > 0 && a <= (out[n - 1] as number) + 1) out[n - 1] = Math.max(out[n - 1] as number, b);
      else out.push(a, b);
    }
    this.map.set(id, out);
  }

  ids(): IterableIterator<number> {
    return this.map.keys();
  }

  /** Reads `<blockDir>/tombstones`; a missing file means none. */
  static read(blockDir: string): Tombstones {
    const path = join(blockDir, 'tombstones');
    const t = new Tombstones();
    if (!existsSync(path)) return t;
    const buf = readFileSync(path);
    if (buf.length < 9 || buf.readUInt32BE(0) !== TOMBSTONES_MAGIC) throw new StorageError('corruption', `${path}: not a tombstones file (bad magic)`);
    if (buf[4] !== 1) throw new StorageError('corruption', `${path}: unsupported tombstones version ${buf[4]}`);
    const end = buf.length - 4;
    if (crc32c(buf, 5, end) !== buf.readUInt32BE(end)) throw new StorageError('corruption', `${path}: checksum mismatch`);
    const r = new ByteReader(buf, 5, end, path);
    while (r.remaining > 0) {
      const id = r.uvarint();
      const mint = r.varint();
      const maxt = r.varint();
      t.add(id, mint, maxt);
    }
    return t;
  }

  /** Writes `<blockDir>/tombstones` through `tombstones.tmp` and a rename. */
  write(blockDir: string): void {
    const w = new ByteWriter();
    w.be32(TOMBSTONES_MAGIC).u8(1);
    const ids = [...this.map.keys()].sort((a, b) => a - b);
    for (const id of ids) {
      const l = this.map.get(id) as number[];
      for (let i = 0; i < l.length; i += 2) w.uvarint(id).varint(l[i] as number).varint(l[i + 1] as number);
    }
    w.be32(crc32c(w.bytesView(), 5, w.length));
    const tmp = join(blockDir, 'tombstones.tmp');
    const f = new FileWriter(tmp);
    f.write(w.bytesView());
    f.close();
    renameSync(tmp, join(blockDir, 'tombstones'));
  }
}

/** True when [mint, maxt] lies entirely inside one interval of `intervals` (flat pairs). */
export function coveredBy(intervals: readonly number[], mint: number, maxt: number): boolean {
  for (let i = 0; i < intervals.length; i += 2) if ((intervals[i] as number) <= mint && maxt <= (intervals[i + 1] as number)) return true;
  return false;
}

/** True when t lies inside one interval. */
export function isDeleted(intervals: readonly number[], t: number): boolean {
  for (let i = 0; i < intervals.length; i += 2) if ((intervals[i] as number) <= t && t <= (intervals[i + 1] as number)) return true;
  return false;
}
