// Reads a block index file (versions 1–3 read as v2 layout: symbol refs are positions), checking every CRC.
//
// The whole file is loaded into one Buffer. Symbols are decoded once into an array (each string interned
// once), the postings offset table into a sorted value list per label name; series entries and postings
// lists are decoded on demand.

import { readFileSync } from 'node:fs';
import { compareStrings, Labels } from '../model/labels.js';
import { StorageError } from '../storage/storage-error.js';
import { ByteReader } from './byte-reader.js';
import { crc32c } from './crc32c.js';
import type { ChunkMeta } from './index-writer.js';
import { INDEX_MAGIC } from './index-writer.js';
import { EMPTY_POSTINGS } from './postings.js';

const TOC_SIZE = 52;

interface PostingsRange {
  values: string[];
  offsets: number[];
}

export interface SeriesEntry {
  labels: Labels;
  chunks: ChunkMeta[];
}

export class IndexReader {
  readonly path: string;
  private readonly buf: Buffer;
  private readonly symbols: string[] = [];
  private readonly postingsTable = new Map<string, PostingsRange>();
  private allPostingsOffset = -1;
  private readonly seriesStart: number;
  private readonly seriesEnd: number;

  /** Opens and validates the index (TOC, symbols, postings offset table); `verify` also checks every series and postings CRC. */
  constructor(path: string, options: { verify?: boolean } = {}) {
    this.path = path;
    try {
      this.buf = readFileSync(path);
    } catch (err) {
      throw new StorageError('io', `${path}: ${(err as Error).message}`, { cause: err });
    }
    const buf = this.buf;
    if (buf.length < 5 + TOC_SIZE || buf.readUInt32BE(0) !== INDEX_MAGIC) this.corrupt('not an index file (bad magic)');
    const version = buf[4] as number;
    if (version < 1 || version > 3) this.corrupt(`unsupported index version ${version}`);
    if (version === 1) this.corrupt('index version 1 (symbol offsets) is not supported');
    const tocStart = buf.length - TOC_SIZE;
    if (crc32c(buf, tocStart, tocStart + 48) !== buf.readUInt32BE(tocStart + 48)) this.corrupt('table of contents checksum mismatch');
    const toc: number[] = [];
    for (let i = 0; i < 6; i++) toc.push(buf.readUInt32BE(tocStart + i * 8) * 4294967296 + buf.readUInt32BE(tocStart + i * 8 + 4));
    const [symbolsOff, seriesOff, labelIndicesOff, , postingsOff, postingsTableOff] = toc as [number, number, number, number, number, number];
    for (const o of toc) if (o > tocStart) this.corrupt('table of contents points past the end of the file');

    const syms = this.section(symbolsOff, 'symbol table');
    const count = syms.be32();
    for (let i = 0; i < count; i++) this.symbols.push(syms.uvarintString());

    const pt = this.section(postingsTableOff, 'postings offset table');
    const entries = pt.be32();
    for (let i = 0; i < entries; i++) {
      const keyCount = pt.u8();
      if (keyCount !== 2) this.corrupt(`postings offset table entry ${i} has ${keyCount} keys`);
      const name = pt.uvarintString();
      const value = pt.uvarintString();
      const off = pt.uvarint();
      if (name === '' && value === '') {
        this.allPostingsOffset = off;
        continue;
      }
      let r = this.postingsTable.get(name);
      if (r === undefined) this.postingsTable.set(name, (r = { values: [], offsets: [] }));
      r.values.push(value);
      r.offsets.push(off);
    }
    this.seriesStart = seriesOff;
    this.seriesEnd = labelIndicesOff > seriesOff ? labelIndicesOff : postingsOff;
    if (options.verify !== false) this.verify();
  }

  private corrupt(what: string): never {
    throw new StorageError('corruption', `${this.path}: ${what}`);
  }

  /** A reader over the body of a `BE32 len ‖ body ‖ BE32 crc` section at `off`, CRC checked. */
  private section(off: number, what: string): ByteReader {
    const buf = this.buf;
    if (off + 8 > buf.length) this.corrupt(`${what} at ${off} is out of range`);
    const len = buf.readUInt32BE(off);
    const end = off + 4 + len;
    if (end + 4 > buf.length) this.corrupt(`${what} at ${off} runs past the end of the file`);
    if (crc32c(buf, off + 4, end) !== buf.readUInt32BE(end)) this.corrupt(`${what} checksum mismatch at offset ${off}`);
    return new ByteReader(buf, off + 4, end, `${this.path}: ${what}`);
  }

  /** Checks every series entry and postings list CRC (without decoding them). */
  private verify(): void {
    const buf = this.buf;
    for (const id of this.allPostings()) {
      const off = id * 16;
      if (off < this.seriesStart || off >= this.seriesEnd) this.corrupt(`series ${id} is outside the series section`);
      const head = new ByteReader(buf, off, this.seriesEnd, `${this.path}: series ${id}`);
      const len = head.uvarint();
      const end = head.pos + len;
      if (end + 4 > buf.length || crc32c(buf, head.pos, end) !== buf.readUInt32BE(end)) this.corrupt(`series ${id} checksum mismatch`);
    }
    for (const r of this.postingsTable.values()) for (const off of r.offsets) this.section(off, 'postings list');
  }

  /** Bytes of the index file. */
  size(): number {
    return this.buf.length;
  }

  symbol(ref: number): string {
    const s = this.symbols[ref];
    if (s === undefined) this.corrupt(`symbol reference ${ref} out of range`);
    return s;
  }

  /** Label names of the block, sorted. */
  labelNames(): string[] {
    return [...this.postingsTable.keys()];
  }

  /** Values of `name`, sorted (the postings offset table's order). */
  labelValues(name: string): readonly string[] {
    return this.postingsTable.get(name)?.values ?? [];
  }

  /** All series IDs, ascending (= in label order). */
  allPostings(): Uint32Array {
    if (this.allPostingsOffset < 0) return EMPTY_POSTINGS;
    return this.readPostings(this.allPostingsOffset);
  }

  /** Series IDs with label `name` = `value`. */
  postings(name: string, value: string): Uint32Array {
    const r = this.postingsTable.get(name);
    if (r === undefined) return EMPTY_POSTINGS;
    const i = binarySearch(r.values, value);
    return i < 0 ? EMPTY_POSTINGS : this.readPostings(r.offsets[i] as number);
  }

  /** Postings lists of every value of `name` that `accept` says yes to. */
  postingsForValues(name: string, accept: (value: string) => boolean): Uint32Array[] {
    const r = this.postingsTable.get(name);
    if (r === undefined) return [];
    const out: Uint32Array[] = [];
    for (let i = 0; i < r.values.length; i++) if (accept(r.values[i] as string)) out.push(this.readPostings(r.offsets[i] as number));
    return out;
  }

  private readPostings(off: number): Uint32Array {
    const r = this.section(off, 'postings list');
    const n = r.be32();
    if (r.remaining !== n * 4) this.corrupt(`postings list at ${off} has a wrong length`);
    const out = new Uint32Array(n);
    const buf = this.buf;
    let p = r.pos;
    for (let i = 0; i < n; i++, p += 4) out[i] = buf.readUInt32BE(p);
    return out;
  }

  /** The labels and chunk metas of series `id`. */
  series(id: number): SeriesEntry {
    const buf = this.buf;
    const off = id * 16;
    if (off < this.seriesStart || off >= this.seriesEnd) this.corrupt(`series ${id} is outside the series section`);
    const head = new ByteReader(buf, off, this.seriesEnd, `${this.path}: series ${id}`);
    const len = head.uvarint();
    const start = head.pos;
    const end = start + len;
    if (end + 4 > buf.length) this.corrupt(`series ${id} runs past the end of the file`);
    if (crc32c(buf, start, end) !== buf.readUInt32BE(end)) this.corrupt(`series ${id} checksum mismatch`);
    const r = new ByteReader(buf, start, end, `${this.path}: series ${id}`);
    const n = r.uvarint();
    const flat: string[] = new Array<string>(n * 2);
    for (let i = 0; i < n; i++) {
      flat[2 * i] = this.symbol(r.uvarint());
      flat[2 * i + 1] = this.symbol(r.uvarint());
    }
    const nChunks = r.uvarint();
    const chunks: ChunkMeta[] = new Array<ChunkMeta>(nChunks);
    let mint = 0;
    let maxt = 0;
    let ref = 0;
    for (let i = 0; i < nChunks; i++) {
      if (i === 0) {
        mint = r.varint();
        maxt = mint + r.uvarint();
        ref = r.uvarint();
      } else {
        mint = maxt + r.uvarint();
        maxt = mint + r.uvarint();
        ref += r.varint();
      }
      chunks[i] = { mint, maxt, ref };
    }
    return { labels: Labels.fromSortedFlat(flat), chunks };
  }
}

/** Index of `s` in the byte-wise sorted `values`, or -1. */
function binarySearch(values: readonly string[], s: string): number {
  let lo = 0;
  let hi = values.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = values[mid] as string;
    if (v === s) return mid;
    if (compareStrings(v, s) < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
