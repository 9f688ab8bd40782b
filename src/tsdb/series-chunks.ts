// The XOR chunks of many series, by slot: each series' open chunk in slab memory, its closed chunks packed into arenas, cut as Prometheus cuts them.

import { ChunkArena, classSize, SLAB_CLASSES, SlabAllocator } from './chunk-memory.js';
import type { TsdbStats } from './tsdb-stats.js';
import { grownArray } from './grown-array.js';
import {
  XOR_HEADER_BYTES,
  XOR_MAX_SAMPLE_BYTES,
  XOR_MAX_SAMPLES,
  xorLead,
  xorTrail,
  xorWriteDod,
  xorWriteFirst,
  xorWriteFirstDelta,
  xorWriteInWindow,
  xorWriteNewWindow,
} from './xor-chunk.js';

/** One closed chunk or the copied open chunk, as a head iterator reads it. */
export interface ChunkSnapshot {
  /** Number of chunks: entries [0, n) of the arrays (a reused snapshot keeps older entries past n). */
  n: number;
  bufs: Uint8Array[];
  starts: number[];
  ends: number[];
  minTs: number[];
  maxTs: number[];
  /** When set, the open chunk is copied into this buffer (replaced by a larger one when it does not fit). */
  scratch?: Uint8Array;
  /** The open chunk is read where it is, not copied: the reader is done with it before the next append. */
  inPlace?: boolean;
}

/**
 * Some series' chunks and append state, packed to be handed to another thread (`SeriesChunks.pack`) and installed
 * into another `SeriesChunks` there (`install`): a replay thread builds the chunks of part of the series.
 */
export interface PackedChunks {
  refs: Float64Array;
  /** PACKED_FIELDS per series, see `pack`. */
  state: Float64Array;
  /** Per closed chunk, oldest first per series: min time, max time, byte length, arena index, offset in it. */
  closed: Float64Array;
  /** The arenas holding the closed chunks (given away: the packing side must not use its chunks after), and their live bytes. */
  arenas: Uint8Array[];
  arenaLive: Float64Array;
  /** The open chunks' bytes, series after series. */
  bytes: Uint8Array;
}

const PACKED_FIELDS = 12;
const CLOSED_FIELDS = 5;
const NO_WINDOW = 0xff;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const i32 = new Int32Array(f64.buffer);

/** Go's integer division (truncates toward zero), as Prometheus computes chunk boundaries. */
function idiv(a: number, b: number): number {
  return Math.trunc(a / b);
}

/**
 * Per-series state lives in typed arrays indexed by slot (the owner hands out slots and calls `grow`, `init`).
 * Counts chunks and chunk bytes into `stats` (headChunks…), and the newest and oldest sample time (headMaxTime/headMinTime).
 */
export class SeriesChunks {
  /** Newest committed timestamp per slot; -Infinity before the first sample. */
  maxT = new Float64Array(0);
  /** Oldest timestamp still in memory per slot. */
  minT = new Float64Array(0);
  private oSlot = new Int32Array(0);
  private oBitPos = new Int32Array(0);
  private oMinT = new Float64Array(0);
  private oNextAt = new Float64Array(0);
  private xN = new Int32Array(0);
  private xTDelta = new Float64Array(0);
  private xVHi = new Uint32Array(0);
  private xVLo = new Uint32Array(0);
  private xLead = new Uint8Array(0);
  private xTrail = new Uint8Array(0);
  private cFirst = new Int32Array(0);
  private cLast = new Int32Array(0);

  // Closed chunks, indexed by chunk id; a singly linked list per series, oldest first.
  private ckMinT = new Float64Array(64);
  private ckMaxT = new Float64Array(64);
  private ckHandle = new Float64Array(64);
  private ckLen = new Int32Array(64);
  private ckNext = new Int32Array(64);
  private ckFree: number[] = [];
  private ckCount = 0;

  private readonly slabs = new SlabAllocator();
  /** Size class new open chunks start in. */
  private openClass = 0;
  readonly arena = new ChunkArena();

  constructor(
    readonly chunkRange: number,
    readonly samplesPerChunk: number,
    private readonly stats: TsdbStats,
  ) {}

  /** Bytes held for chunks, open and closed. */
  get allocatedBytes(): number {
    return this.slabs.allocatedBytes + this.arena.allocatedBytes;
  }

  /** Makes room for slots [0, cap). */
  grow(cap: number): void {
    this.maxT = grownArray(this.maxT, cap, -Infinity);
    this.minT = grownArray(this.minT, cap, Infinity);
    this.oSlot = grownArray(this.oSlot, cap, -1);
    this.oBitPos = grownArray(this.oBitPos, cap);
    this.oMinT = grownArray(this.oMinT, cap);
    this.oNextAt = grownArray(this.oNextAt, cap);
    this.xN = grownArray(this.xN, cap);
    this.xTDelta = grownArray(this.xTDelta, cap);
    this.xVHi = grownArray(this.xVHi, cap);
    this.xVLo = grownArray(this.xVLo, cap);
    this.xLead = grownArray(this.xLead, cap, NO_WINDOW);
    this.xTrail = grownArray(this.xTrail, cap);
    this.cFirst = grownArray(this.cFirst, cap, -1);
    this.cLast = grownArray(this.cLast, cap, -1);
  }

  /** A new series in `slot`: no samples, no chunks. */
  init(slot: number): void {
    this.maxT[slot] = -Infinity;
    this.minT[slot] = Infinity;
    this.oSlot[slot] = -1;
    this.xN[slot] = 0;
    this.cFirst[slot] = -1;
    this.cLast[slot] = -1;
  }

  /** Last sample's value bits (of the series in `slot`) equal those of `v`. */
  sameAsLast(slot: number, v: number): boolean {
    f64[0] = v;
    return u32[1] === this.xVHi[slot] && u32[0] === this.xVLo[slot];
  }

  /** The value of the newest sample of the series in `slot` (its time is maxT[slot]). */
  lastValue(slot: number): number {
    u32[1] = this.xVHi[slot] as number;
    u32[0] = this.xVLo[slot] as number;
    return f64[0] as number;
  }

  /** Adds a sample to the chunks of the series in `slot`. The caller has checked t > maxT[slot]. */
  append(slot: number, t: number, v: number): void {
    let handle = this.oSlot[slot] as number;
    if (handle < 0) {
      handle = this.openChunk(slot, t);
    } else {
      const n = this.xN[slot] as number;
      if (n === this.samplesPerChunk >> 2) {
        const start = this.oMinT[slot] as number;
        const max = this.oNextAt[slot] as number;
        const k = idiv(max - start, ((this.maxT[slot] as number) - start + 1) * 4);
        if (k > 1) this.oNextAt[slot] = start + idiv(max - start, k);
      }
      if (t >= (this.oNextAt[slot] as number) || n >= this.samplesPerChunk * 2 || n >= XOR_MAX_SAMPLES) {
        this.cutChunk(slot);
        handle = this.openChunk(slot, t);
      } else if (((this.oBitPos[slot] as number) >>> 3) + XOR_MAX_SAMPLE_BYTES + 1 > classSize(SlabAllocator.classOf(handle))) {
        const cls = SlabAllocator.classOf(handle);
        if (cls + 1 < SLAB_CLASSES) {
          // Grow straight to the size the whole chunk will probably need, judging by the bytes per sample so far
          // (not counting the header and the first sample, which take a full timestamp and value).
          const used = ((this.oBitPos[slot] as number) + 7) >>> 3;
          const n = this.xN[slot] as number;
          const left = this.samplesPerChunk - n;
          const perSample = n > 1 ? Math.max(0, used - XOR_HEADER_BYTES - FIRST_SAMPLE_BYTES) / (n - 1) : 0;
          const projected = used + Math.ceil(perSample * left * 1.05) + XOR_MAX_SAMPLE_BYTES + 1;
          handle = this.moveOpenChunk(slot, Math.max(cls + 1, classFor(projected)));
        } else {
          this.cutChunk(slot);
          handle = this.openChunk(slot, t);
        }
      }
    }
    // The XOR encoding of xorAppendStream, on the per-series state where it is (no copy to an XorAppendState and back).
    const buf = this.slabs.buffer(handle);
    const base = this.slabs.offset(handle) * 8;
    const n = this.xN[slot] as number;
    f64[0] = v;
    const hi = i32[1] as number;
    const lo = i32[0] as number;
    let p = base + (this.oBitPos[slot] as number);
    if (n === 0) p = xorWriteFirst(buf, p, t, hi, lo);
    else {
      const tDelta = t - (this.maxT[slot] as number);
      p = n === 1 ? xorWriteFirstDelta(buf, p, tDelta) : xorWriteDod(buf, p, tDelta - (this.xTDelta[slot] as number));
      this.xTDelta[slot] = tDelta;
      const xHi = hi ^ (this.xVHi[slot] as number);
      const xLo = lo ^ (this.xVLo[slot] as number);
      if (xHi === 0 && xLo === 0) p += 1;
      else {
        const lead = xorLead(xHi, xLo);
        const trail = xorTrail(xHi, xLo);
        const wLead = this.xLead[slot] as number;
        const wTrail = this.xTrail[slot] as number;
        if (wLead !== NO_WINDOW && lead >= wLead && trail >= wTrail) p = xorWriteInWindow(buf, p, xHi, xLo, wLead, wTrail);
        else {
          p = xorWriteNewWindow(buf, p, xHi, xLo, lead, trail);
          this.xLead[slot] = lead;
          this.xTrail[slot] = trail;
        }
      }
    }
    this.oBitPos[slot] = p - base;
    this.xN[slot] = n + 1;
    this.xVHi[slot] = hi;
    this.xVLo[slot] = lo;
    if ((this.maxT[slot] as number) === -Infinity) this.minT[slot] = t;
    this.maxT[slot] = t;
    const s = this.stats;
    if (!(t <= s.headMaxTime)) s.headMaxTime = t;
    if (!(t >= s.headMinTime)) s.headMinTime = t;
  }

  /**
   * Appends the samples (t, v) at tv[from], tv[from + 1], … (`n` of them, oldest first) to the series in `slot`,
   * dropping those not after its newest sample; returns how many were dropped. The same chunks as `append` one by
   * one: samples that open, cut or move a chunk go through `append`; the others are encoded here with the
   * series' state in locals, written back once at the end.
   */
  appendRun(slot: number, tv: Float64Array, from: number, n: number): number {
    const end = from + 2 * n;
    let dropped = 0;
    let i = from;
    while (i < end) {
      // Samples `append` takes: a series without an open chunk or with fewer than two samples in it.
      let maxT = this.maxT[slot] as number;
      const handle = this.oSlot[slot] as number;
      if (handle < 0 || (this.xN[slot] as number) < 2) {
        const t = tv[i] as number;
        if (t <= maxT) dropped++;
        else this.append(slot, t, tv[i + 1] as number);
        i += 2;
        continue;
      }
      const buf = this.slabs.buffer(handle);
      const base = this.slabs.offset(handle) * 8;
      // Past this bit position (or sample count, or time) the next sample needs `append` (growing or cutting).
      const roomEnd = base + (classSize(SlabAllocator.classOf(handle)) - XOR_MAX_SAMPLE_BYTES) * 8;
      const quarter = this.samplesPerChunk >> 2;
      const nLimit = Math.min(this.samplesPerChunk * 2, XOR_MAX_SAMPLES);
      const nextAt = this.oNextAt[slot] as number;
      let p = base + (this.oBitPos[slot] as number);
      let k = this.xN[slot] as number;
      let tDelta = this.xTDelta[slot] as number;
      let vHi = this.xVHi[slot] as number;
      let vLo = this.xVLo[slot] as number;
      let wLead = this.xLead[slot] as number;
      let wTrail = this.xTrail[slot] as number;
      const first = i;
      let firstT = Infinity;
      for (; i < end; i += 2) {
        const t = tv[i] as number;
        if (t <= maxT) {
          dropped++;
          continue;
        }
        if (k === quarter || t >= nextAt || k >= nLimit || p >= roomEnd) break;
        if (firstT === Infinity) firstT = t;
        f64[0] = tv[i + 1] as number;
        const hi = i32[1] as number;
        const lo = i32[0] as number;
        const d = t - maxT;
        p = xorWriteDod(buf, p, d - tDelta);
        tDelta = d;
        const xHi = hi ^ vHi;
        const xLo = lo ^ vLo;
        if (xHi === 0 && xLo === 0) p += 1;
        else {
          const lead = xorLead(xHi, xLo);
          const trail = xorTrail(xHi, xLo);
          if (lead >= wLead && trail >= wTrail) p = xorWriteInWindow(buf, p, xHi, xLo, wLead, wTrail);
          else {
            p = xorWriteNewWindow(buf, p, xHi, xLo, lead, trail);
            wLead = lead;
            wTrail = trail;
          }
        }
        vHi = hi;
        vLo = lo;
        k++;
        maxT = t;
      }
      if (i > first) {
        this.oBitPos[slot] = p - base;
        this.xN[slot] = k;
        this.xTDelta[slot] = tDelta;
        this.xVHi[slot] = vHi;
        this.xVLo[slot] = vLo;
        this.xLead[slot] = wLead;
        this.xTrail[slot] = wTrail;
        this.maxT[slot] = maxT;
        const s = this.stats;
        if (!(maxT <= s.headMaxTime)) s.headMaxTime = maxT;
        if (!(firstT >= s.headMinTime)) s.headMinTime = firstT;
      }
      if (i < end) {
        // The sample that stopped the loop (not a dropped one: those never stop it).
        this.append(slot, tv[i] as number, tv[i + 1] as number);
        i += 2;
      }
    }
    return dropped;
  }

  /**
   * WAL replay appends to every series in turn, so moving each open chunk to a bigger slot as it fills scatters the
   * chunks that consecutive samples write to; replay is markedly faster when chunks start in slots that hold a
   * typical whole chunk (and stay in allocation order). `beginReplay` makes new chunks start there; `endReplay`
   * goes back to starting small and moves every open chunk of slots [1, slots) to the smallest slot that fits it,
   * so memory after replay is what normal appends would have left (or less).
   */
  beginReplay(): void {
    this.openClass = classFor(REPLAY_CHUNK_BYTES);
  }

  endReplay(slots: number): void {
    this.openClass = 0;
    for (let slot = 1; slot < slots; slot++) {
      const handle = this.oSlot[slot] as number;
      if (handle < 0) continue;
      // Just the chunk's bytes: append makes room for a sample before appending it.
      const cls = classFor(((this.oBitPos[slot] as number) + 7) >>> 3);
      if (cls < SlabAllocator.classOf(handle)) this.moveOpenChunk(slot, cls);
    }
  }

  private openChunk(slot: number, t: number): number {
    // Start small and grow as the chunk fills: a chunk just cut holds few samples, and a full-size slot per series
    // would double what the head holds right after every cut.
    const handle = this.slabs.alloc(this.openClass);
    this.oSlot[slot] = handle;
    this.oBitPos[slot] = XOR_HEADER_BYTES * 8;
    this.oMinT[slot] = t;
    this.oNextAt[slot] = idiv(t, this.chunkRange) * this.chunkRange + this.chunkRange;
    this.xN[slot] = 0;
    this.xTDelta[slot] = 0;
    this.xVHi[slot] = 0;
    this.xVLo[slot] = 0;
    this.xLead[slot] = NO_WINDOW;
    this.xTrail[slot] = 0;
    this.stats.headChunks++;
    this.stats.headChunksCreatedTotal++;
    this.stats.headChunkBytes = this.allocatedBytes;
    return handle;
  }

  private moveOpenChunk(slot: number, cls: number): number {
    const old = this.oSlot[slot] as number;
    const handle = this.slabs.alloc(cls);
    const len = ((this.oBitPos[slot] as number) + 7) >>> 3;
    const from = this.slabs.offset(old);
    this.slabs.buffer(handle).set(this.slabs.buffer(old).subarray(from, from + len), this.slabs.offset(handle));
    this.slabs.release(old);
    this.oSlot[slot] = handle;
    this.stats.headChunkBytes = this.allocatedBytes;
    return handle;
  }

  /**
   * Writes the open chunk's sample count into its header: appends leave it out (it would touch the chunk's first
   * bytes on every sample), so it is written before the chunk's bytes are read or leave the slab.
   */
  private writeCount(slot: number, buf: Uint8Array, start: number): void {
    const n = this.xN[slot] as number;
    buf[start] = n >>> 8;
    buf[start + 1] = n & 0xff;
  }

  /** Moves the open chunk into the arena as a closed chunk. */
  private cutChunk(slot: number): void {
    const handle = this.oSlot[slot] as number;
    this.writeCount(slot, this.slabs.buffer(handle), this.slabs.offset(handle));
    const len = ((this.oBitPos[slot] as number) + 7) >>> 3;
    this.addClosed(slot, this.oMinT[slot] as number, this.maxT[slot] as number, this.slabs.buffer(handle), this.slabs.offset(handle), len);
    this.slabs.release(handle);
    this.oSlot[slot] = -1;
  }

  /** Copies a closed chunk into the arena and links it as the series' newest closed chunk. */
  private addClosed(slot: number, minT: number, maxT: number, src: Uint8Array, start: number, len: number): void {
    this.linkClosed(slot, minT, maxT, this.arena.put(src, start, len), len);
  }

  /** Links the closed chunk at arena handle `handle` as the series' newest closed chunk. */
  private linkClosed(slot: number, minT: number, maxT: number, handle: number, len: number): void {
    const id = this.allocChunkId();
    this.ckMinT[id] = minT;
    this.ckMaxT[id] = maxT;
    this.ckHandle[id] = handle;
    this.ckLen[id] = len;
    this.ckNext[id] = -1;
    const last = this.cLast[slot] as number;
    if (last < 0) this.cFirst[slot] = id;
    else this.ckNext[last] = id;
    this.cLast[slot] = id;
  }

  private allocChunkId(): number {
    const free = this.ckFree.pop();
    if (free !== undefined) return free;
    const id = this.ckCount++;
    if (id >= this.ckMinT.length) {
      const n = this.ckMinT.length * 2;
      this.ckMinT = grownArray(this.ckMinT, n);
      this.ckMaxT = grownArray(this.ckMaxT, n);
      this.ckHandle = grownArray(this.ckHandle, n);
      this.ckLen = grownArray(this.ckLen, n);
      this.ckNext = grownArray(this.ckNext, n);
    }
    return id;
  }

  private freeChunk(id: number): void {
    this.arena.release(this.ckHandle[id] as number, this.ckLen[id] as number);
    this.ckFree.push(id);
    this.stats.headChunks--;
    this.stats.headChunksRemovedTotal++;
  }

  /**
   * The chunks overlapping [mint, maxt] of the series in `slot`, oldest first; the open chunk is copied so later
   * appends and garbage collection cannot change what the snapshot reads.
   */
  snapshot(slot: number, mint: number, maxt: number, out: ChunkSnapshot): void {
    let n = out.n;
    for (let id = this.cFirst[slot] as number; id >= 0; id = this.ckNext[id] as number) {
      const lo = this.ckMinT[id] as number;
      const hi = this.ckMaxT[id] as number;
      if (hi < mint || lo > maxt) continue;
      const h = this.ckHandle[id] as number;
      const start = this.arena.offset(h);
      out.bufs[n] = this.arena.buffer(h);
      out.starts[n] = start;
      out.ends[n] = start + (this.ckLen[id] as number);
      out.minTs[n] = lo;
      out.maxTs[n] = hi;
      n++;
    }
    const handle = this.oSlot[slot] as number;
    if (handle >= 0 && (this.xN[slot] as number) > 0) {
      const lo = this.oMinT[slot] as number;
      const hi = this.maxT[slot] as number;
      if (hi >= mint && lo <= maxt) {
        const base = this.slabs.offset(handle);
        const len = ((this.oBitPos[slot] as number) + 7) >>> 3;
        const src = this.slabs.buffer(handle);
        if (out.inPlace === true) {
          this.writeCount(slot, src, base);
          out.bufs[n] = src;
          out.starts[n] = base;
          out.ends[n] = base + len;
          out.minTs[n] = lo;
          out.maxTs[n] = hi;
          out.n = n + 1;
          return;
        }
        let copy = out.scratch;
        if (copy === undefined) copy = src.slice(base, base + len);
        else {
          if (copy.length < len) copy = out.scratch = new Uint8Array(Math.max(len, copy.length * 2));
          copy.set(src.subarray(base, base + len));
        }
        this.writeCount(slot, copy, 0);
        out.bufs[n] = copy;
        out.starts[n] = 0;
        out.ends[n] = len;
        out.minTs[n] = lo;
        out.maxTs[n] = hi;
        n++;
      }
    }
    out.n = n;
  }

  /** Frees the closed chunks of the series in `slot` that end before `mint`; sets minT[slot] to what is left. */
  dropBefore(slot: number, mint: number): void {
    let id = this.cFirst[slot] as number;
    while (id >= 0 && (this.ckMaxT[id] as number) < mint) {
      const next = this.ckNext[id] as number;
      this.freeChunk(id);
      id = next;
    }
    this.cFirst[slot] = id;
    if (id < 0) this.cLast[slot] = -1;
    this.minT[slot] = id >= 0 ? (this.ckMinT[id] as number) : (this.oSlot[slot] as number) >= 0 ? (this.oMinT[slot] as number) : Infinity;
  }

  /** Frees every chunk of the series in `slot`. */
  dropAll(slot: number): void {
    const open = this.oSlot[slot] as number;
    if (open >= 0) {
      this.slabs.release(open);
      this.oSlot[slot] = -1;
      this.stats.headChunks--;
      this.stats.headChunksRemovedTotal++;
    }
    for (let c = this.cFirst[slot] as number; c >= 0; ) {
      const next = this.ckNext[c] as number;
      this.freeChunk(c);
      c = next;
    }
    this.cFirst[slot] = this.cLast[slot] = -1;
  }

  /** Packs the chunks and append state of the series in `slots` (whose refs are `refs`). */
  pack(slots: ArrayLike<number>, refs: Float64Array): PackedChunks {
    const n = slots.length;
    const state = new Float64Array(n * PACKED_FIELDS);
    let nClosed = 0;
    let nBytes = 0;
    for (let i = 0; i < n; i++) {
      const slot = slots[i] as number;
      for (let id = this.cFirst[slot] as number; id >= 0; id = this.ckNext[id] as number) nClosed++;
      if ((this.oSlot[slot] as number) >= 0) nBytes += ((this.oBitPos[slot] as number) + 7) >>> 3;
    }
    const closed = new Float64Array(nClosed * CLOSED_FIELDS);
    const bytes = new Uint8Array(nBytes);
    let c = 0;
    let b = 0;
    for (let i = 0; i < n; i++) {
      const slot = slots[i] as number;
      let k = 0;
      for (let id = this.cFirst[slot] as number; id >= 0; id = this.ckNext[id] as number, k++) {
        const h = this.ckHandle[id] as number;
        closed[c++] = this.ckMinT[id] as number;
        closed[c++] = this.ckMaxT[id] as number;
        closed[c++] = this.ckLen[id] as number;
        closed[c++] = Math.floor(h / 16777216);
        closed[c++] = this.arena.offset(h);
      }
      const handle = this.oSlot[slot] as number;
      if (handle >= 0) {
        const len = ((this.oBitPos[slot] as number) + 7) >>> 3;
        const base = this.slabs.offset(handle);
        bytes.set(this.slabs.buffer(handle).subarray(base, base + len), b);
        this.writeCount(slot, bytes, b);
        b += len;
      }
      const s = i * PACKED_FIELDS;
      state[s] = this.maxT[slot] as number;
      state[s + 1] = this.minT[slot] as number;
      state[s + 2] = k;
      state[s + 3] = handle >= 0 ? (this.oBitPos[slot] as number) : -1;
      state[s + 4] = this.oMinT[slot] as number;
      state[s + 5] = this.oNextAt[slot] as number;
      state[s + 6] = this.xN[slot] as number;
      state[s + 7] = this.xTDelta[slot] as number;
      state[s + 8] = this.xVHi[slot] as number;
      state[s + 9] = this.xVLo[slot] as number;
      state[s + 10] = this.xLead[slot] as number;
      state[s + 11] = this.xTrail[slot] as number;
    }
    const arenas: Uint8Array[] = [];
    const arenaLive = new Float64Array(this.arena.arenaCount);
    for (let a = 0; a < this.arena.arenaCount; a++) {
      const { buffer, live } = this.arena.arenaOf(a);
      arenas.push(buffer);
      arenaLive[a] = live;
    }
    return { refs: refs.slice(0, n), state, closed, arenas, arenaLive, bytes };
  }

  /**
   * Installs packed series into the slots `slotOf` gives for their refs (slots that have no sample yet; a ref
   * without a slot is skipped). Counts the chunks as created here. Calls `visible` for each slot given samples.
   */
  install(p: PackedChunks, slotOf: (ref: number) => number, visible: (slot: number) => void): void {
    const { refs, state, closed, bytes } = p;
    // The closed chunks stay where they are, their arenas becoming this set's; but those of the last arena, which
    // is only partly filled, are copied into this set's current one (no more memory than appends here would take).
    const last = p.arenas.length - 1;
    const arenaAt = p.arenas.map((buffer, a) => (a === last ? -1 : this.arena.adopt(buffer, p.arenaLive[a] as number)));
    let c = 0;
    let b = 0;
    for (let i = 0; i < refs.length; i++) {
      const s = i * PACKED_FIELDS;
      const nClosed = state[s + 2] as number;
      const bitPos = state[s + 3] as number;
      const slot = slotOf(refs[i] as number);
      if (slot === 0 || (this.maxT[slot] as number) > -Infinity) throw new Error(`replayed chunks of series ${refs[i]} cannot be installed: no such series, or it has samples`);
      for (let k = 0; k < nClosed; k++, c += CLOSED_FIELDS) {
        const a = closed[c + 3] as number;
        if (a === last) this.addClosed(slot, closed[c] as number, closed[c + 1] as number, p.arenas[a] as Uint8Array, closed[c + 4] as number, closed[c + 2] as number);
        else this.linkClosed(slot, closed[c] as number, closed[c + 1] as number, (arenaAt[a] as number) * 16777216 + (closed[c + 4] as number), closed[c + 2] as number);
        this.stats.headChunks++;
        this.stats.headChunksCreatedTotal++;
      }
      if (bitPos >= 0) {
        const len = (bitPos + 7) >>> 3;
        const handle = this.slabs.alloc(classFor(len));
        this.slabs.buffer(handle).set(bytes.subarray(b, b + len), this.slabs.offset(handle));
        b += len;
        this.oSlot[slot] = handle;
        this.oBitPos[slot] = bitPos;
        this.stats.headChunks++;
        this.stats.headChunksCreatedTotal++;
      }
      this.oMinT[slot] = state[s + 4] as number;
      this.oNextAt[slot] = state[s + 5] as number;
      this.xN[slot] = state[s + 6] as number;
      this.xTDelta[slot] = state[s + 7] as number;
      this.xVHi[slot] = state[s + 8] as number;
      this.xVLo[slot] = state[s + 9] as number;
      this.xLead[slot] = state[s + 10] as number;
      this.xTrail[slot] = state[s + 11] as number;
      const maxT = state[s] as number;
      const minT = state[s + 1] as number;
      if (maxT > -Infinity) {
        this.maxT[slot] = maxT;
        this.minT[slot] = minT;
        const st = this.stats;
        if (!(maxT <= st.headMaxTime)) st.headMaxTime = maxT;
        if (!(minT >= st.headMinTime)) st.headMinTime = minT;
        visible(slot);
      }
    }
    this.stats.headChunkBytes = this.allocatedBytes;
  }
}

/** Open chunk slot size during replay: 120 samples of regular scrapes of slowly changing values fit. */
const REPLAY_CHUNK_BYTES = 256;

/** Bytes the first sample of a chunk takes at most: a varint millisecond timestamp and a full float. */
const FIRST_SAMPLE_BYTES = 16;

/** The smallest slab size class holding `bytes`. */
function classFor(bytes: number): number {
  let c = 0;
  while (c + 1 < SLAB_CLASSES && classSize(c) < bytes) c++;
  return c;
}
