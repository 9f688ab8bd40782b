// Writes a block index file, format version 2, as Prometheus 2.42 does (tsdb-format.md §7).
//
// Sections: header, symbol table, series (16-byte aligned; series ID = offset / 16), legacy label indices,
// postings (the all-series list under ("", "") first), legacy label offset table, postings offset table, TOC.

import { compareLabels, compareStrings } from '../model/labels.js';
import type { Labels } from '../model/labels.js';
import { StorageError } from '../storage/storage-error.js';
import { ByteWriter } from './byte-writer.js';
import { crc32c } from './crc32c.js';
import { FileWriter } from './file-writer.js';

export const INDEX_MAGIC = 0xbaaad700;

/** A chunk's entry in the index: inclusive sample time bounds and its reference into the chunk segments. */
export interface ChunkMeta {
  mint: number;
  maxt: number;
  ref: number;
}

export interface IndexSeries {
  labels: Labels;
  chunks: readonly ChunkMeta[];
}

/**
 * Writes the index of `series` to `path` and returns the series IDs in input order. `series` must be sorted
 * by labels (compareLabels) without duplicates; chunks of a series in time order, not overlapping.
 */
export function writeIndex(path: string, series: readonly IndexSeries[]): number[] {
  for (let i = 1; i < series.length; i++) {
    if (compareLabels((series[i - 1] as IndexSeries).labels, (series[i] as IndexSeries).labels) >= 0) {
      throw new StorageError('bad_labels', `index: series out of order or duplicated: ${(series[i] as IndexSeries).labels.toString()}`);
    }
  }
  // Symbols.
  const symbolSet = new Set<string>(['']);
  for (const s of series) for (const str of s.labels.flat) symbolSet.add(str);
  const symbols = [...symbolSet].sort(compareStrings);
  const symbolRef = new Map<string, number>();
  symbols.forEach((s, i) => symbolRef.set(s, i));

  const f = new FileWriter(path);
  try {
    const w = new ByteWriter(1 << 16);
    const toc = { symbols: 0, series: 0, labelIndices: 0, labelIndicesTable: 0, postings: 0, postingsTable: 0 };
    w.be32(INDEX_MAGIC).u8(2);
    f.write(w.bytesView());

    toc.symbols = f.pos;
    w.reset().be32(0).be32(symbols.length);
    for (const s of symbols) w.uvarintString(s);
    writeSection(f, w);

    // Series, collecting postings per name and value.
    toc.series = f.pos;
    const ids: number[] = new Array<number>(series.length);
    const postings = new Map<string, Map<string, number[]>>();
    for (let i = 0; i < series.length; i++) {
      const s = series[i] as IndexSeries;
      f.padTo(16);
      const id = f.pos / 16;
      if (id > 0xffffffff) throw new StorageError('out_of_bounds', 'index: more than 64 GiB of series entries');
      ids[i] = id;
      w.reset();
      const flat = s.labels.flat;
      w.uvarint(flat.length >> 1);
      for (let k = 0; k < flat.length; k += 2) {
        const name = flat[k] as string;
        const value = flat[k + 1] as string;
        w.uvarint(symbolRef.get(name) as number).uvarint(symbolRef.get(value) as number);
        let byValue = postings.get(name);
        if (byValue === undefined) postings.set(name, (byValue = new Map()));
        const list = byValue.get(value);
        if (list === undefined) byValue.set(value, [id]);
        else list.push(id);
      }
      w.uvarint(s.chunks.length);
      let prev: ChunkMeta | undefined;
      for (const c of s.chunks) {
        if (c.maxt < c.mint || (prev !== undefined && c.mint <= prev.maxt)) {
          throw new StorageError('out_of_bounds', `index: chunks of ${s.labels.toString()} overlap or are out of order`);
        }
        if (prev === undefined) w.varint(c.mint).uvarint(c.maxt - c.mint).uvarint(c.ref);
        else w.uvarint(c.mint - prev.maxt).uvarint(c.maxt - c.mint).varint(c.ref - prev.ref);
        prev = c;
      }
      const body = w.bytesView();
      const crc = crc32c(body);
      const head = new ByteWriter(16).uvarint(body.length);
      f.write(head.bytesView());
      f.write(body);
      f.write(be32Bytes(crc));
    }

    // Legacy label indices: per name, the sorted symbol refs of its values.
    toc.labelIndices = f.pos;
    const names = [...postings.keys()].sort(compareStrings);
    const sortedValues = new Map<string, string[]>();
    const labelIndexOffsets: number[] = [];
    for (const name of names) {
      const values = [...(postings.get(name) as Map<string, number[]>).keys()].sort(compareStrings);
      sortedValues.set(name, values);
      f.padTo(4);
      labelIndexOffsets.push(f.pos);
      w.reset().be32(0).be32(1).be32(values.length);
      for (const v of values) w.be32(symbolRef.get(v) as number);
      writeSection(f, w);
    }

    // Postings lists.
    toc.postings = f.pos;
    const postingsOffsets: number[] = [];
    const all = ids;
    f.padTo(4);
    postingsOffsets.push(f.pos);
    writePostings(f, w, all);
    for (const name of names) {
      const byValue = postings.get(name) as Map<string, number[]>;
      for (const v of sortedValues.get(name) as string[]) {
        f.padTo(4);
        postingsOffsets.push(f.pos);
        writePostings(f, w, byValue.get(v) as number[]);
      }
    }

    // Legacy label offset table.
    toc.labelIndicesTable = f.pos;
    w.reset().be32(0).be32(names.length);
    names.forEach((name, i) => w.u8(1).uvarintString(name).uvarint(labelIndexOffsets[i] as number));
    writeSection(f, w);

    // Postings offset table.
    toc.postingsTable = f.pos;
    let count = 1;
    for (const name of names) count += (sortedValues.get(name) as string[]).length;
    w.reset().be32(0).be32(count);
    let k = 0;
    w.u8(2).uvarintString('').uvarintString('').uvarint(postingsOffsets[k++] as number);
    for (const name of names) {
      for (const v of sortedValues.get(name) as string[]) w.u8(2).uvarintString(name).uvarintString(v).uvarint(postingsOffsets[k++] as number);
    }
    writeSection(f, w);

    // TOC.
    w.reset()
      .be64(toc.symbols)
      .be64(toc.series)
      .be64(toc.labelIndices)
      .be64(toc.labelIndicesTable)
      .be64(toc.postings)
      .be64(toc.postingsTable);
    w.be32(crc32c(w.bytesView()));
    f.write(w.bytesView());
    f.close();
    return ids;
  } catch (err) {
    f.abandon();
    throw err;
  }
}

/** `w` holds `BE32 0 ‖ body`: fills in the length and appends the CRC of the body, then writes it. */
function writeSection(f: FileWriter, w: ByteWriter): void {
  const len = w.length - 4;
  w.setBe32(0, len);
  w.be32(crc32c(w.bytesView(), 4, w.length));
  f.write(w.bytesView());
}

function writePostings(f: FileWriter, w: ByteWriter, ids: readonly number[]): void {
  w.reset().be32(0).be32(ids.length);
  for (const id of ids) w.be32(id);
  writeSection(f, w);
}

function be32Bytes(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v);
  return b;
}
