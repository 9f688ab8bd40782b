// The in-memory head of the TSDB: series by ref and by label hash, postings, XOR chunks cut as Prometheus cuts them.

import { Labels } from '../model/labels.js';
import type { Matcher } from '../model/matcher.js';
import type { Appendable, Appender, SeriesRef } from '../storage/appendable.js';
import type { Queryable, Querier } from '../storage/queryable.js';
import { StartTimestamps } from '../storage/start-timestamps.js';
import { StorageError } from '../storage/storage-error.js';
import { ChunkArena, classSize, SLAB_CLASSES, SlabAllocator } from './chunk-memory.js';
import { HeadAppender } from './head-appender.js';
import { HeadQuerier } from './head-querier.js';
import { MemPostings } from './mem-postings.js';
import { intersectPostings, mergePostings, subtractPostings } from './postings.js';
import { SeriesOrder } from './series-order.js';
import { StringInterner } from './string-interner.js';
import { TsdbStats } from './tsdb-stats.js';
import { XOR_HEADER_BYTES, XOR_MAX_SAMPLE_BYTES, XOR_MAX_SAMPLES, XorAppendState, xorAppend } from './xor-chunk.js';

/** Two hours, Prometheus's default block range and head chunk range. */
export const DEFAULT_CHUNK_RANGE = 2 * 60 * 60 * 1000;

export interface HeadOptions {
  /** Chunks never span a multiple of this (ms); the DB passes its smallest block range. Default 2h. */
  chunkRange?: number;
  /** Target samples per chunk (Prometheus: 120). */
  samplesPerChunk?: number;
  stats?: TsdbStats;
  /**
   * Makes a commit durable before its samples become visible (the WAL). Called once per non-empty commit,
   * one at a time, in commit order. If it rejects, the commit applies nothing.
   */
  log?: (batch: CommitBatch) => Promise<void>;
}

/** What one commit adds: series the log has not seen yet, then samples. Arrays are only valid during `log`. */
export interface CommitBatch {
  readonly seriesRefs: readonly number[];
  readonly seriesLabels: readonly Labels[];
  readonly numSamples: number;
  readonly refs: Float64Array;
  readonly ts: Float64Array;
  readonly vs: Float64Array;
}

/** An appender's sample buffers, recycled across transactions so a scrape's commit allocates nothing. */
export interface AppendBuffers {
  refs: Float64Array;
  slots: Int32Array;
  ts: Float64Array;
  vs: Float64Array;
  /** Slots of the series a transaction touched. */
  touched: Int32Array;
}

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
}

const FLAG_LOGGED = 1;
const NO_WINDOW = 0xff;
/** Refs per page of the ref → slot table. */
const PAGE = 65536;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** Go's integer division (truncates toward zero), as Prometheus computes chunk boundaries. */
function idiv(a: number, b: number): number {
  return Math.trunc(a / b);
}

/**
 * Contract: series refs are positive and never reused while the process runs (replay keeps the WAL's refs).
 * Internally a series lives in a slot: per-series state is in typed arrays indexed by slot, slots are reused after
 * a series is removed, and a paged table maps refs to slots (a page is dropped once none of its refs is live) — so
 * memory follows the live series, not the highest ref ever handed out (a Prometheus WAL after months of churn has
 * refs in the millions). This is DESIGN's "typed arrays indexed by ref" through one lookup, since refs are never reused.
 * Appends are validated at `append` against committed data and the transaction's own samples; commits run one
 * at a time (WAL first, then memory). A ref passed to `append` is trusted to belong to the labels it came with.
 */
export class Head implements Appendable, Queryable {
  readonly stats: TsdbStats;
  readonly chunkRange: number;
  readonly samplesPerChunk: number;
  log: ((batch: CommitBatch) => Promise<void>) | undefined;

  /** @internal Labels by slot; undefined for free slots. */
  readonly slotLabels: (Labels | undefined)[] = [undefined];
  /** @internal The ref of the series in each slot (0 for free slots). */
  refOfSlot = new Float64Array(0);
  private readonly slotPages: (Int32Array | undefined)[] = [];
  private readonly pageLive: number[] = [];
  private readonly freeSlots: number[] = [];
  private nextSlot = 1;
  private readonly byHash = new Map<number, number | number[]>();
  /** @internal */
  readonly postings = new MemPostings();
  /** @internal Label order of the live series, for sorted selects. */
  readonly order = new SeriesOrder(this);
  private readonly interner = new StringInterner();
  private readonly slabs = new SlabAllocator();
  /** Size class new open chunks start in. */
  private openClass = 0;
  /** @internal */
  readonly arena = new ChunkArena();
  private nextRef = 1;
  private cap = 0;
  /** Samples older than this are refused (they belong to blocks already written). */
  minValidTime = -Infinity;
  private invisible = 0;
  private closed = false;

  // Per-series state, indexed by slot.
  /** @internal Newest committed timestamp; -Infinity before the first commit. */
  sMaxT = new Float64Array(0);
  /** @internal Oldest timestamp still in memory. */
  sMinT = new Float64Array(0);
  private flags = new Uint8Array(0);
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
  /** @internal Transaction that last touched the series, and its newest pending sample. */
  pTxn = new Int32Array(0);
  /** @internal */
  pT = new Float64Array(0);
  /** @internal */
  pV = new Float64Array(0);
  /** @internal Open transactions holding samples for the series (keeps it from being garbage-collected). */
  pCount = new Int32Array(0);

  // Closed chunks, indexed by chunk id; a singly linked list per series, oldest first.
  private ckMinT = new Float64Array(64);
  private ckMaxT = new Float64Array(64);
  private ckHandle = new Float64Array(64);
  private ckLen = new Int32Array(64);
  private ckNext = new Int32Array(64);
  private ckFree: number[] = [];
  private ckCount = 0;

  /** Deleted intervals per series (flat `[mint, maxt, …]`, inclusive), from deletions and WAL tombstone records. */
  readonly tombstones = new Map<number, number[]>();
  /**
   * Start timestamps by slot, only for series that were given any (most series have none and cost nothing here).
   * Not written to the WAL: Prometheus 2.42's WAL format has no record for them.
   */
  private readonly startTimestamps = new Map<number, StartTimestamps>();
  private readonly bufferPool: AppendBuffers[] = [];
  private commitTail: Promise<void> = Promise.resolve();
  private txnSeq = 0;
  private readonly st = new XorAppendState();

  constructor(options: HeadOptions = {}) {
    this.stats = options.stats ?? new TsdbStats();
    this.chunkRange = options.chunkRange ?? DEFAULT_CHUNK_RANGE;
    this.samplesPerChunk = options.samplesPerChunk ?? 120;
    this.log = options.log;
    this.grow(1024);
  }

  appender(): Appender {
    if (this.closed) throw new StorageError('closed', 'head is closed');
    return new HeadAppender(this, ++this.txnSeq);
  }

  querier(mint: number, maxt: number): Querier {
    if (this.closed) throw new StorageError('closed', 'head is closed');
    return new HeadQuerier(this, Math.max(mint, this.minValidTime), maxt);
  }

  close(): void {
    this.closed = true;
  }

  get numSeries(): number {
    return this.stats.headSeries;
  }

  /**
   * The oldest timestamp an appender accepts: the minimum valid time, and no older than half a chunk range before
   * the newest sample (Prometheus's rule), so nothing lands in a range that compaction may be writing out.
   */
  appendableMinValidTime(): number {
    const max = this.stats.headMaxTime;
    return Number.isNaN(max) ? this.minValidTime : Math.max(this.minValidTime, max - this.chunkRange / 2);
  }

  /** Oldest and newest sample time in the head (NaN when empty). */
  minTime(): number {
    return this.stats.headMinTime;
  }

  maxTime(): number {
    return this.stats.headMaxTime;
  }

  /** The highest ref handed out so far (0 when none). */
  get lastRef(): number {
    return this.nextRef - 1;
  }

  private grow(min: number): void {
    let cap = Math.max(this.cap, 1024);
    while (cap < min) cap *= 2;
    if (cap === this.cap) return;
    const f = <T extends Float64Array | Int32Array | Uint32Array | Uint8Array>(a: T, fill?: number): T => {
      const next = new (a.constructor as new (n: number) => T)(cap);
      next.set(a);
      if (fill !== undefined) next.fill(fill, a.length);
      return next;
    };
    this.refOfSlot = f(this.refOfSlot);
    this.sMaxT = f(this.sMaxT, -Infinity);
    this.sMinT = f(this.sMinT, Infinity);
    this.flags = f(this.flags);
    this.oSlot = f(this.oSlot, -1);
    this.oBitPos = f(this.oBitPos);
    this.oMinT = f(this.oMinT);
    this.oNextAt = f(this.oNextAt);
    this.xN = f(this.xN);
    this.xTDelta = f(this.xTDelta);
    this.xVHi = f(this.xVHi);
    this.xVLo = f(this.xVLo);
    this.xLead = f(this.xLead, NO_WINDOW);
    this.xTrail = f(this.xTrail);
    this.cFirst = f(this.cFirst, -1);
    this.cLast = f(this.cLast, -1);
    this.pTxn = f(this.pTxn);
    this.pT = f(this.pT);
    this.pV = f(this.pV);
    this.pCount = f(this.pCount);
    this.cap = cap;
  }

  /** @internal The slot of series `ref`, 0 when there is no such live series. */
  slotOf(ref: number): number {
    // Refs below 2^31 (all but after years of churn) split with integer operations, the rest with division.
    const page = this.slotPages[ref <= 0x7fffffff ? ref >>> 16 : Math.floor(ref / PAGE)];
    return page === undefined ? 0 : (page[ref <= 0x7fffffff ? ref & 0xffff : ref % PAGE] as number);
  }

  private setSlot(ref: number, slot: number): void {
    const p = Math.floor(ref / PAGE);
    let page = this.slotPages[p];
    if (page === undefined) {
      page = this.slotPages[p] = new Int32Array(PAGE);
      this.pageLive[p] = 0;
    }
    if (slot !== 0) {
      page[ref % PAGE] = slot;
      this.pageLive[p] = (this.pageLive[p] as number) + 1;
      return;
    }
    page[ref % PAGE] = 0;
    const left = (this.pageLive[p] as number) - 1;
    this.pageLive[p] = left;
    if (left === 0) this.slotPages[p] = undefined;
  }

  /** True when `ref` names a live series. */
  exists(ref: number): boolean {
    return ref > 0 && this.slotOf(ref) !== 0;
  }

  /** True when the series has committed samples (queriers only see those). */
  visible(ref: number): boolean {
    const slot = this.slotOf(ref);
    return slot !== 0 && (this.sMaxT[slot] as number) > -Infinity;
  }

  /** The series' labels, undefined when `ref` is not a live series. */
  labelsOf(ref: number): Labels | undefined {
    const slot = this.slotOf(ref);
    return slot === 0 ? undefined : this.slotLabels[slot];
  }

  /** Newest committed timestamp of the series (-Infinity when none). */
  maxTimeOf(ref: number): number {
    const slot = this.slotOf(ref);
    return slot === 0 ? -Infinity : (this.sMaxT[slot] as number);
  }

  /** Oldest timestamp the head still holds for the series (Infinity when none). */
  minTimeOf(ref: number): number {
    const slot = this.slotOf(ref);
    return slot === 0 ? Infinity : (this.sMinT[slot] as number);
  }

  /** The ref of the series with these labels, or 0. */
  lookup(labels: Labels): number {
    const hit = this.byHash.get(labels.hash());
    if (hit === undefined) return 0;
    if (typeof hit === 'number') return (this.labelsOf(hit) as Labels).equals(labels) ? hit : 0;
    for (const r of hit) if ((this.labelsOf(r) as Labels).equals(labels)) return r;
    return 0;
  }

  /** The series' ref, creating the series (with a new ref, or `wantRef` during replay) if needed. */
  getOrCreate(labels: Labels, wantRef = 0): number {
    const known = this.lookup(labels);
    if (known !== 0) return known;
    validateLabels(labels);
    const ref = wantRef > 0 ? wantRef : this.nextRef;
    if (ref >= this.nextRef) this.nextRef = ref + 1;
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      slot = this.nextSlot++;
      if (slot >= this.cap) this.grow(slot + 1);
    }
    this.setSlot(ref, slot);
    this.order.added(slot);
    this.refOfSlot[slot] = ref;
    const flat = labels.flat.map((x) => this.interner.intern(x));
    const interned = Labels.fromSortedFlat(flat);
    this.slotLabels[slot] = interned;
    const h = labels.hash();
    const hit = this.byHash.get(h);
    if (hit === undefined) this.byHash.set(h, ref);
    else if (typeof hit === 'number') this.byHash.set(h, [hit, ref]);
    else hit.push(ref);
    this.postings.add(ref, flat);
    this.flags[slot] = 0;
    this.sMaxT[slot] = -Infinity;
    this.sMinT[slot] = Infinity;
    this.oSlot[slot] = -1;
    this.xN[slot] = 0;
    this.cFirst[slot] = -1;
    this.cLast[slot] = -1;
    this.pTxn[slot] = 0;
    this.pCount[slot] = 0;
    this.invisible++;
    this.stats.headSeries++;
    this.stats.headSeriesCreatedTotal++;
    return ref;
  }

  /** @internal Whether any series exists that has no committed sample yet. */
  get hasInvisible(): boolean {
    return this.invisible > 0;
  }

  /** @internal Last committed value's bits (of the series in `slot`) equal those of `v`. */
  sameAsLast(slot: number, v: number): boolean {
    f64[0] = v;
    return u32[1] === this.xVHi[slot] && u32[0] === this.xVLo[slot];
  }

  /** @internal The value of the newest committed sample of the series in `slot` (its time is sMaxT[slot]). */
  lastValue(slot: number): number {
    u32[1] = this.xVHi[slot] as number;
    u32[0] = this.xVLo[slot] as number;
    return f64[0] as number;
  }

  /** @internal Whether the log has seen the series in `slot`; marks it seen. */
  takeUnlogged(slot: number): boolean {
    const f = this.flags[slot] as number;
    if ((f & FLAG_LOGGED) !== 0) return false;
    this.flags[slot] = f | FLAG_LOGGED;
    return true;
  }

  /** @internal Undoes takeUnlogged after a failed log write. */
  markUnlogged(slot: number): void {
    this.flags[slot] = (this.flags[slot] as number) & ~FLAG_LOGGED;
  }

  /** @internal */
  takeBuffers(): AppendBuffers | undefined {
    return this.bufferPool.pop();
  }

  /** @internal A finished appender's buffers; a few are kept for the next transactions. */
  returnBuffers(b: AppendBuffers): void {
    if (this.bufferPool.length < 8) this.bufferPool.push(b);
  }

  /** @internal Runs `fn` after every earlier commit finished: commits are serialised. */
  serialize(fn: () => Promise<void>): Promise<void> {
    const run = this.commitTail.then(fn);
    this.commitTail = run.catch(() => undefined);
    return run;
  }

  /**
   * @internal Adds a committed sample to the chunks of the series in `slot`. The caller has checked t > sMaxT[slot].
   */
  appendCommitted(slot: number, t: number, v: number): void {
    let handle = this.oSlot[slot] as number;
    if (handle < 0) {
      handle = this.openChunk(slot, t);
    } else {
      const n = this.xN[slot] as number;
      if (n === this.samplesPerChunk >> 2) {
        const start = this.oMinT[slot] as number;
        const max = this.oNextAt[slot] as number;
        const k = idiv(max - start, ((this.sMaxT[slot] as number) - start + 1) * 4);
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
    const st = this.st;
    st.numSamples = this.xN[slot] as number;
    st.t = this.sMaxT[slot] as number;
    st.tDelta = this.xTDelta[slot] as number;
    st.vHi = this.xVHi[slot] as number;
    st.vLo = this.xVLo[slot] as number;
    st.lead = this.xLead[slot] as number;
    st.trail = this.xTrail[slot] as number;
    const buf = this.slabs.buffer(handle);
    const base = this.slabs.offset(handle);
    const end = xorAppend(buf, base, base * 8 + (this.oBitPos[slot] as number), st, t, v);
    this.oBitPos[slot] = end - base * 8;
    this.xN[slot] = st.numSamples;
    this.xTDelta[slot] = st.tDelta;
    this.xVHi[slot] = st.vHi;
    this.xVLo[slot] = st.vLo;
    this.xLead[slot] = st.lead;
    this.xTrail[slot] = st.trail;
    if ((this.sMaxT[slot] as number) === -Infinity) {
      this.invisible--;
      this.sMinT[slot] = t;
    }
    this.sMaxT[slot] = t;
    const s = this.stats;
    if (!(t <= s.headMaxTime)) s.headMaxTime = t;
    if (!(t >= s.headMinTime)) s.headMinTime = t;
  }

  /**
   * WAL replay appends to every series in turn, so moving each open chunk to a bigger slot as it fills scatters the
   * chunks that consecutive samples write to; replay is markedly faster when chunks start in slots that hold a
   * typical whole chunk (and stay in allocation order). `beginReplay` makes new chunks start there; `endReplay`
   * goes back to starting small and moves every open chunk to the smallest slot that fits it, so memory after
   * replay is what normal appends would have left (or less).
   */
  beginReplay(): void {
    this.openClass = classFor(REPLAY_CHUNK_BYTES);
  }

  endReplay(): void {
    this.openClass = 0;
    for (let slot = 1; slot < this.nextSlot; slot++) {
      const handle = this.oSlot[slot] as number;
      if (handle < 0) continue;
      // Just the chunk's bytes: appendCommitted makes room for a sample before appending it.
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
    this.stats.headChunkBytes = this.slabs.allocatedBytes + this.arena.allocatedBytes;
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
    this.stats.headChunkBytes = this.slabs.allocatedBytes + this.arena.allocatedBytes;
    return handle;
  }

  /** Moves the open chunk into the arena as a closed chunk. */
  private cutChunk(slot: number): void {
    const handle = this.oSlot[slot] as number;
    const len = ((this.oBitPos[slot] as number) + 7) >>> 3;
    const ah = this.arena.put(this.slabs.buffer(handle), this.slabs.offset(handle), len);
    this.slabs.release(handle);
    this.oSlot[slot] = -1;
    const id = this.allocChunkId();
    this.ckMinT[id] = this.oMinT[slot] as number;
    this.ckMaxT[id] = this.sMaxT[slot] as number;
    this.ckHandle[id] = ah;
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
      const g = <T extends Float64Array | Int32Array>(a: T): T => {
        const next = new (a.constructor as new (n: number) => T)(n);
        next.set(a);
        return next;
      };
      this.ckMinT = g(this.ckMinT);
      this.ckMaxT = g(this.ckMaxT);
      this.ckHandle = g(this.ckHandle);
      this.ckLen = g(this.ckLen);
      this.ckNext = g(this.ckNext);
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
  snapshotChunks(slot: number, mint: number, maxt: number, out: ChunkSnapshot): void {
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
      const hi = this.sMaxT[slot] as number;
      if (hi >= mint && lo <= maxt) {
        const base = this.slabs.offset(handle);
        const len = ((this.oBitPos[slot] as number) + 7) >>> 3;
        const src = this.slabs.buffer(handle);
        let copy = out.scratch;
        if (copy === undefined) copy = src.slice(base, base + len);
        else {
          if (copy.length < len) copy = out.scratch = new Uint8Array(Math.max(len, copy.length * 2));
          copy.set(src.subarray(base, base + len));
        }
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

  /** Sorted refs of the series that match every matcher (visible or not; callers filter). */
  postingsFor(matchers: readonly Matcher[]): Uint32Array {
    let result: Uint32Array | undefined;
    const negatives: Matcher[] = [];
    for (const m of matchers) {
      if (m.matchesEmpty()) {
        negatives.push(m);
        continue;
      }
      const p = this.postingsForMatcher(m, true);
      result = result === undefined ? p : intersectPostings(result, p);
      if (result.length === 0) return result;
    }
    if (result === undefined) result = this.postings.allRefs();
    for (const m of negatives) result = subtractPostings(result, this.postingsForMatcher(m, false));
    return result;
  }

  /** Union of the postings of the label's values that do (want = true) or do not (false) satisfy `m`. */
  private postingsForMatcher(m: Matcher, want: boolean): Uint32Array {
    if (m.type === '=' && want) return this.postings.get(m.name, m.value);
    if (m.type === '!=' && !want) return this.postings.get(m.name, m.value);
    if (m.setMatches !== undefined && ((m.type === '=~') === want)) {
      return mergePostings(m.setMatches.filter((v) => v !== '').map((v) => this.postings.get(m.name, v)));
    }
    const lists: Uint32Array[] = [];
    let every = true;
    let total = 0;
    for (const v of this.postings.values(m.name)) {
      if (m.matches(v) === want) {
        const p = this.postings.get(m.name, v);
        lists.push(p);
        total += p.length;
      } else every = false;
    }
    // Every value selected and every series has the label (a series has one value per name): all series, no merge.
    if (every && lists.length > 1) {
      const all = this.postings.allRefs();
      if (total === all.length) return all;
    }
    return mergePostings(lists);
  }

  /**
   * Drops everything older than `mint`: closed chunks that end before it, and series whose newest sample is older
   * (unless an open transaction holds samples for them). Samples older than `mint` are refused from now on.
   */
  /** @internal Records the start timestamp of a sample just committed to the series in `slot`. */
  addStartTimestamp(slot: number, t: number, st: number): void {
    let sts = this.startTimestamps.get(slot);
    if (sts === undefined) this.startTimestamps.set(slot, (sts = new StartTimestamps()));
    sts.add(t, st);
  }

  /** @internal The start timestamps of the series in `slot`, or undefined when it has none. */
  startTimestampsOf(slot: number): StartTimestamps | undefined {
    return this.startTimestamps.size === 0 ? undefined : this.startTimestamps.get(slot);
  }

  truncate(mint: number): void {
    if (mint > this.minValidTime) this.minValidTime = mint;
    const deleted: (readonly string[])[] = [];
    let newMin = Infinity;
    for (let slot = 1; slot < this.nextSlot; slot++) {
      const labels = this.slotLabels[slot];
      if (labels === undefined) continue;
      const seriesRef = this.refOfSlot[slot] as number;
      let id = this.cFirst[slot] as number;
      while (id >= 0 && (this.ckMaxT[id] as number) < mint) {
        const next = this.ckNext[id] as number;
        this.freeChunk(id);
        id = next;
      }
      this.cFirst[slot] = id;
      if (id < 0) this.cLast[slot] = -1;
      const maxT = this.sMaxT[slot] as number;
      if (maxT < mint && (this.pCount[slot] as number) === 0) {
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
        if (maxT === -Infinity) this.invisible--;
        this.slotLabels[slot] = undefined;
        this.refOfSlot[slot] = 0;
        this.setSlot(seriesRef, 0);
        this.order.removed(slot);
        this.freeSlots.push(slot);
        this.unhash(labels, seriesRef);
        deleted.push(labels.flat);
        this.stats.headSeries--;
        this.stats.headSeriesRemovedTotal++;
        continue;
      }
      const first = id >= 0 ? (this.ckMinT[id] as number) : (this.oSlot[slot] as number) >= 0 ? (this.oMinT[slot] as number) : Infinity;
      this.sMinT[slot] = first;
      if (maxT > -Infinity && first < newMin) newMin = first;
    }
    for (const [slot, sts] of this.startTimestamps) {
      if (this.slotLabels[slot] === undefined) this.startTimestamps.delete(slot);
      else {
        sts.dropBefore(this.sMinT[slot] as number);
        if (sts.size === 0) this.startTimestamps.delete(slot);
      }
    }
    for (const [ref, list] of this.tombstones) {
      const keep: number[] = [];
      for (let i = 0; i < list.length; i += 2) if ((list[i + 1] as number) >= mint) keep.push(list[i] as number, list[i + 1] as number);
      if (keep.length === 0 || !this.exists(ref)) this.tombstones.delete(ref);
      else this.tombstones.set(ref, keep);
    }
    if (deleted.length > 0) {
      this.postings.delete(deleted, (r) => this.slotOf(r) === 0);
      const used = new Set<string>();
      for (const l of this.slotLabels) if (l !== undefined) for (const x of l.flat) used.add(x);
      this.interner.retain((s) => used.has(s));
    }
    this.stats.headMinTime = newMin === Infinity ? NaN : Math.max(newMin, mint);
    if (this.stats.headSeries === 0) this.stats.headMaxTime = NaN;
    this.stats.headTruncationsTotal++;
    this.stats.headChunkBytes = this.slabs.allocatedBytes + this.arena.allocatedBytes;
  }

  private unhash(labels: Labels, ref: number): void {
    const h = labels.hash();
    const hit = this.byHash.get(h);
    if (hit === ref) this.byHash.delete(h);
    else if (Array.isArray(hit)) {
      const rest = hit.filter((r) => r !== ref);
      if (rest.length === 1) this.byHash.set(h, rest[0] as number);
      else this.byHash.set(h, rest);
    }
  }

  /** Hides the series' samples in [mint, maxt] from queries and compaction. */
  addTombstone(ref: number, mint: number, maxt: number): void {
    if (!this.exists(ref)) return;
    const list = this.tombstones.get(ref);
    if (list === undefined) this.tombstones.set(ref, [mint, maxt]);
    else list.push(mint, maxt);
  }

  /** Every live ref, in no particular order. */
  *refs(): IterableIterator<SeriesRef> {
    for (let slot = 1; slot < this.nextSlot; slot++) if (this.slotLabels[slot] !== undefined) yield this.refOfSlot[slot] as number;
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

function validateLabels(labels: Labels): void {
  const f = labels.flat;
  if (f.length === 0) throw new StorageError('bad_labels', 'empty label set');
  for (let i = 0; i < f.length; i += 2) {
    if (f[i] === '') throw new StorageError('bad_labels', `empty label name in ${labels.toString()}`);
    if (f[i + 1] === '') throw new StorageError('bad_labels', `empty value for label ${f[i]} in ${labels.toString()}`);
    if (i > 0 && f[i] === f[i - 2]) throw new StorageError('bad_labels', `duplicate label name ${f[i]} in ${labels.toString()}`);
  }
}
