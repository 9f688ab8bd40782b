// The share of a WAL replay's appends that the decoding thread does itself: it builds the chunks of some series and hands them to the head at the end.

import { SeriesChunks, type PackedChunks } from './series-chunks.js';
import { SeriesRuns, type RunSink } from './series-runs.js';
import { TsdbStats } from './tsdb-stats.js';
import { grownArray } from './grown-array.js';

/** What the shard must know to append as the head would. */
export interface ShardOptions {
  minValidTime: number;
  chunkRange: number;
  samplesPerChunk: number;
}

/** Where the shard's chunks go: the replaying head. */
export interface ShardTarget {
  readonly shardOptions: ShardOptions;
  /** Installs the chunks the shard built, and counts the samples it appended and dropped. */
  installShard(packed: PackedChunks, samples: number, dropped: number): void;
}

/**
 * 32nds of the series (by ref) whose samples the decoding thread appends; the appending thread, which also builds
 * every series' labels and postings, keeps the rest. On the WAL of `npm run bench -- tsdb-vs-prometheus` (12M samples
 * of 100k series, two cores), with appends in runs (SeriesRuns), shares from 5 to 11 gave the same replay time
 * within the machine's noise (8 runs each, medians 3.4–3.6 s); 8 is the middle.
 */
const SHARE_32NDS = 8;

/** Whether the series created with `ref` belongs to the shard: a multiplicative hash spreads consecutive refs. */
export function shardOwns(ref: number): boolean {
  return Math.imul(ref >>> 0, 0x9e3779b1) >>> 27 < SHARE_32NDS;
}

const PAGE = 65536;
const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Mirrors HeadReplayer's series rules on the records' label bytes (which give the same answers as the decoded labels
 * as long as the encoding is canonical: names ASCII and strictly ascending, values non-empty valid UTF-8 without a
 * leading byte order mark) to know, for each sample, whether the head would append it to a series the shard owns.
 * On the first series that is not canonically encoded the shard stops (`active` false): the caller hands over what
 * it built and sends every later sample to the head, which then decides alone.
 */
export class ReplayShard implements RunSink {
  active = true;
  /** Appended and dropped samples: final after `pack`. */
  samples = 0;
  dropped = 0;
  private readonly chunks: SeriesChunks;
  private readonly runs = new SeriesRuns(this);
  private readonly minValidTime: number;
  /** Ref → index of the series created with it (0: none), by pages of refs. */
  private readonly pages: (Int32Array | undefined)[] = [];
  private readonly aliases = new Map<number, number>();
  /** Created series by label hash: open addressing, linear probing; entries are series indexes (0: empty). */
  private table = new Int32Array(1 << 12);
  private tableHash = new Int32Array(1 << 12);
  /** Per created series (index ≥ 1): its ref, where its label bytes are, its chunk slot (0 when not owned). */
  private refOf = new Float64Array(1024);
  private labelOff = new Int32Array(1024);
  private labelLen = new Int32Array(1024);
  private slotOf = new Int32Array(1024);
  private nSeries = 1;
  private labelBytes = new Uint8Array(1 << 20);
  private nLabelBytes = 0;
  /** Chunk slot → created-series index. */
  private seriesOfSlot = new Int32Array(1024);
  private nSlots = 1;
  private slotCap = 0;

  constructor(options: ShardOptions) {
    this.minValidTime = options.minValidTime;
    this.chunks = new SeriesChunks(options.chunkRange, options.samplesPerChunk, new TsdbStats());
    this.chunks.beginReplay();
    this.growSlots(1024);
  }

  /** Applies the series entries of a series record (already checked to be well-formed). */
  seriesRecord(rec: Uint8Array): void {
    const view = new DataView(rec.buffer, rec.byteOffset, rec.byteLength);
    let pos = 1;
    while (this.active && pos < rec.length) {
      let ref = 0;
      for (let i = 0; i < 8; i++) ref = ref * 256 + (rec[pos + i] as number);
      pos += 8;
      const start = pos;
      const n = uvarint(rec, pos);
      pos = after;
      let canonical = n > 0 && ref > 0 && Number.isSafeInteger(ref);
      let prev = -1;
      let prevLen = 0;
      for (let i = 0; i < n; i++) {
        const nameLen = uvarint(rec, pos);
        pos = after;
        if (canonical) canonical = nameLen > 0 && (prev < 0 || bytesAfter(rec, pos, nameLen, prev, prevLen));
        prev = pos;
        prevLen = nameLen;
        pos += nameLen;
        const valueLen = uvarint(rec, pos);
        pos = after;
        if (valueLen === 0) canonical = false;
        pos += valueLen;
      }
      // One pass for the hash and for spotting bytes outside ASCII (rare: then each string is checked), four bytes
      // at a time.
      let h = 0x811c9dc5;
      let high = 0;
      let i = start;
      for (; i + 4 <= pos; i += 4) {
        const w = view.getInt32(i, true);
        h = Math.imul(h ^ w, 0x01000193);
        high |= w;
      }
      for (; i < pos; i++) {
        const b = rec[i] as number;
        h = Math.imul(h ^ b, 0x01000193);
        high |= b;
      }
      high |= (high >>> 8) | (high >>> 16) | (high >>> 24);
      if (canonical && (high & 0x80) !== 0) canonical = canonicalStrings(rec, start);
      if (!canonical) {
        this.active = false;
        return;
      }
      this.series(ref, rec, start, pos, h | 0);
    }
  }

  /** HeadReplayer.series on label bytes rec[start, end). */
  private series(ref: number, rec: Uint8Array, start: number, end: number, h: number): void {
    const existing = this.find(h, rec, start, end);
    if (existing !== 0) {
      if (existing !== ref) this.aliases.set(ref, existing);
      return;
    }
    if (this.get(ref) !== 0) {
      this.aliases.set(ref, 0);
      return;
    }
    const k = this.nSeries++;
    if (k >= this.refOf.length) this.growSeries();
    this.refOf[k] = ref;
    const len = end - start;
    if (this.nLabelBytes + len > this.labelBytes.length) {
      const next = new Uint8Array(Math.max(this.labelBytes.length * 2, this.nLabelBytes + len));
      next.set(this.labelBytes.subarray(0, this.nLabelBytes));
      this.labelBytes = next;
    }
    // A plain view, not `rec.subarray`: records are Buffers, whose subarray is slow to make.
    this.labelBytes.set(new Uint8Array(rec.buffer, rec.byteOffset + start, len), this.nLabelBytes);
    this.labelOff[k] = this.nLabelBytes;
    this.labelLen[k] = len;
    this.nLabelBytes += len;
    this.set(ref, k);
    this.insert(h, k);
    if (shardOwns(ref)) {
      const slot = this.nSlots++;
      if (slot >= this.slotCap) this.growSlots(slot + 1);
      this.chunks.init(slot);
      this.slotOf[k] = slot;
      this.seriesOfSlot[slot] = k;
    } else this.slotOf[k] = 0;
  }

  /** The ref of the created series with these label bytes (hashing to `h`), or 0. */
  private find(h: number, rec: Uint8Array, start: number, end: number): number {
    const mask = this.table.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const k = this.table[i] as number;
      if (k === 0) return 0;
      if (this.tableHash[i] === h && this.sameLabels(k, rec, start, end)) return this.refOf[k] as number;
    }
  }

  private insert(h: number, k: number): void {
    if (this.nSeries * 2 > this.table.length) {
      // Keep the table at most half full: rehash into one twice the size.
      const oldTable = this.table;
      const oldHash = this.tableHash;
      this.table = new Int32Array(oldTable.length * 2);
      this.tableHash = new Int32Array(oldTable.length * 2);
      for (let i = 0; i < oldTable.length; i++) if (oldTable[i] !== 0) this.place(oldHash[i] as number, oldTable[i] as number);
    }
    this.place(h, k);
  }

  private place(h: number, k: number): void {
    const mask = this.table.length - 1;
    let i = h & mask;
    while (this.table[i] !== 0) i = (i + 1) & mask;
    this.table[i] = k;
    this.tableHash[i] = h;
  }

  private sameLabels(k: number, rec: Uint8Array, start: number, end: number): boolean {
    const len = this.labelLen[k] as number;
    if (len !== end - start) return false;
    const off = this.labelOff[k] as number;
    const b = this.labelBytes;
    for (let i = 0; i < len; i++) if (b[off + i] !== rec[start + i]) return false;
    return true;
  }

  /**
   * Appends the sample if it belongs to a series the shard owns (dropping it, as the head would, when too old):
   * true when taken. Other samples, including those the head drops for an unknown ref, are left to the head.
   */
  sample(ref: number, t: number, v: number): boolean {
    const r = this.aliases.size === 0 ? ref : (this.aliases.get(ref) ?? ref);
    // Ownership is arithmetic on the ref: most samples the head appends are told apart without a table lookup.
    if (r === 0 || !shardOwns(r)) return false;
    const k = this.get(r);
    if (k === 0) return false;
    const slot = this.slotOf[k] as number;
    if (slot === 0) return false;
    if (t < this.minValidTime) this.dropped++;
    else this.runs.add(slot, t, v);
    return true;
  }

  /** HeadReplayer.appendRun on the shard's chunks. */
  appendRun(slot: number, tv: Float64Array, from: number, n: number): void {
    const dropped = this.chunks.appendRun(slot, tv, from, n);
    this.samples += n - dropped;
    this.dropped += dropped;
  }

  /** The owned series' chunks, packed for the head (their arenas go with them: the shard is done after). */
  pack(): PackedChunks {
    this.runs.flush();
    const n = this.nSlots - 1;
    const slots = new Int32Array(n);
    const refs = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      slots[i] = i + 1;
      refs[i] = this.refOf[this.seriesOfSlot[i + 1] as number] as number;
    }
    return this.chunks.pack(slots, refs);
  }

  private get(ref: number): number {
    // Refs below 2^31 (all but after years of churn) split with integer operations, the rest with division.
    const page = this.pages[ref <= 0x7fffffff ? ref >>> 16 : Math.floor(ref / PAGE)];
    return page === undefined ? 0 : (page[ref <= 0x7fffffff ? ref & 0xffff : ref % PAGE] as number);
  }

  private set(ref: number, k: number): void {
    const p = Math.floor(ref / PAGE);
    const page = (this.pages[p] ??= new Int32Array(PAGE));
    page[ref % PAGE] = k;
  }

  private growSeries(): void {
    const cap = this.refOf.length * 2;
    this.refOf = grownArray(this.refOf, cap);
    this.labelOff = grownArray(this.labelOff, cap);
    this.labelLen = grownArray(this.labelLen, cap);
    this.slotOf = grownArray(this.slotOf, cap);
  }

  private growSlots(min: number): void {
    let cap = Math.max(this.slotCap, 1024);
    while (cap < min) cap *= 2;
    this.chunks.grow(cap);
    const next = new Int32Array(cap);
    next.set(this.seriesOfSlot.subarray(0, Math.min(this.seriesOfSlot.length, cap)));
    this.seriesOfSlot = next;
    this.slotCap = cap;
  }
}

/** Where the last `uvarint` ended. */
let after = 0;

/** Reads an unsigned varint at `pos` (of a record checked beforehand); sets `after`. */
function uvarint(buf: Uint8Array, pos: number): number {
  let x = 0;
  let mul = 1;
  for (;;) {
    const b = buf[pos++] as number;
    x += (b & 0x7f) * mul;
    if (b < 0x80) {
      after = pos;
      return x;
    }
    mul *= 128;
  }
}

/** Whether name bytes rec[pos, pos+len) sort strictly after rec[prev, prev+prevLen). */
function bytesAfter(rec: Uint8Array, pos: number, len: number, prev: number, prevLen: number): boolean {
  const m = Math.min(len, prevLen);
  for (let i = 0; i < m; i++) {
    const d = (rec[pos + i] as number) - (rec[prev + i] as number);
    if (d !== 0) return d > 0;
  }
  return len > prevLen;
}

/**
 * For label bytes (count, then name and value strings) that are not all ASCII: whether names are ASCII (so that
 * byte order is the order of JavaScript strings) and values decode to distinct strings.
 */
function canonicalStrings(rec: Uint8Array, start: number): boolean {
  const n = uvarint(rec, start);
  let pos = after;
  for (let i = 0; i < n; i++) {
    const nameLen = uvarint(rec, pos);
    pos = after;
    for (let k = 0; k < nameLen; k++) if ((rec[pos + k] as number) >= 0x80) return false;
    pos += nameLen;
    const valueLen = uvarint(rec, pos);
    pos = after;
    if (!canonicalValue(rec, pos, valueLen)) return false;
    pos += valueLen;
  }
  return true;
}

/** A value decodes to a distinct string exactly when it is non-empty valid UTF-8 not starting with a byte order mark. */
function canonicalValue(rec: Uint8Array, pos: number, len: number): boolean {
  if (len === 0) return false;
  let ascii = true;
  for (let i = 0; i < len; i++) {
    if ((rec[pos + i] as number) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return true;
  if (len >= 3 && rec[pos] === 0xef && rec[pos + 1] === 0xbb && rec[pos + 2] === 0xbf) return false;
  try {
    utf8Strict.decode(rec.subarray(pos, pos + len));
    return true;
  } catch {
    return false;
  }
}
