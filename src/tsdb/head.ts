// The in-memory head of the TSDB: series by ref and by label hash, postings, XOR chunks cut as Prometheus cuts them.

import { Labels } from '../model/labels.js';
import type { Matcher } from '../model/matcher.js';
import type { Appendable, Appender, SeriesRef } from '../storage/appendable.js';
import type { Queryable, Querier } from '../storage/queryable.js';
import { StorageError } from '../storage/storage-error.js';
import { ChunkArena, classSize, SLAB_CLASSES, SlabAllocator } from './chunk-memory.js';
import { HeadAppender } from './head-appender.js';
import { HeadQuerier } from './head-querier.js';
import { intersect, MemPostings, subtract, union } from './mem-postings.js';
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
  readonly refs: Uint32Array;
  readonly ts: Float64Array;
  readonly vs: Float64Array;
}

/** An appender's sample buffers, recycled across transactions so a scrape's commit allocates nothing. */
export interface AppendBuffers {
  refs: Uint32Array;
  ts: Float64Array;
  vs: Float64Array;
}

/** One closed chunk or the copied open chunk, as a head iterator reads it. */
export interface ChunkSnapshot {
  bufs: Uint8Array[];
  starts: number[];
  ends: number[];
  minTs: number[];
  maxTs: number[];
}

const FLAG_LOGGED = 1;
const FLAG_DELETED = 2;
const NO_WINDOW = 0xff;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** Go's integer division (truncates toward zero), as Prometheus computes chunk boundaries. */
function idiv(a: number, b: number): number {
  return Math.trunc(a / b);
}

/**
 * Contract: series refs are positive and never reused while the process runs (replay keeps the WAL's refs).
 * Appends are validated at `append` against committed data and the transaction's own samples; commits run one
 * at a time (WAL first, then memory). A ref passed to `append` is trusted to belong to the labels it came with.
 */
export class Head implements Appendable, Queryable {
  readonly stats: TsdbStats;
  readonly chunkRange: number;
  readonly samplesPerChunk: number;
  log: ((batch: CommitBatch) => Promise<void>) | undefined;

  /** @internal Labels by ref; undefined for unused or deleted refs. */
  readonly labels: (Labels | undefined)[] = [undefined];
  private readonly byHash = new Map<number, number | number[]>();
  /** @internal */
  readonly postings = new MemPostings();
  private readonly interner = new StringInterner();
  private readonly slabs = new SlabAllocator();
  /** @internal */
  readonly arena = new ChunkArena();
  private nextRef = 1;
  private cap = 0;
  /** Samples older than this are refused (they belong to blocks already written). */
  minValidTime = -Infinity;
  private invisible = 0;
  private closed = false;

  // Per-series state, indexed by ref.
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
  /** Size class for the series' next open chunk, learnt from its last closed chunk (0 = smallest). */
  private sizeHint = new Uint8Array(0);
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
    this.sizeHint = f(this.sizeHint);
    this.cFirst = f(this.cFirst, -1);
    this.cLast = f(this.cLast, -1);
    this.pTxn = f(this.pTxn);
    this.pT = f(this.pT);
    this.pV = f(this.pV);
    this.pCount = f(this.pCount);
    this.cap = cap;
  }

  /** True when `ref` names a live series. */
  exists(ref: number): boolean {
    return ref > 0 && ref < this.nextRef && ((this.flags[ref] as number) & FLAG_DELETED) === 0 && this.labels[ref] !== undefined;
  }

  /** True when the series has committed samples (queriers only see those). */
  visible(ref: number): boolean {
    return (this.sMaxT[ref] as number) > -Infinity && ((this.flags[ref] as number) & FLAG_DELETED) === 0;
  }

  /** The ref of the series with these labels, or 0. */
  lookup(labels: Labels): number {
    const hit = this.byHash.get(labels.hash());
    if (hit === undefined) return 0;
    if (typeof hit === 'number') return (this.labels[hit] as Labels).equals(labels) ? hit : 0;
    for (const r of hit) if ((this.labels[r] as Labels).equals(labels)) return r;
    return 0;
  }

  /** The series' ref, creating the series (with a new ref, or `wantRef` during replay) if needed. */
  getOrCreate(labels: Labels, wantRef = 0): number {
    const known = this.lookup(labels);
    if (known !== 0) return known;
    validateLabels(labels);
    const ref = wantRef > 0 ? wantRef : this.nextRef;
    if (ref >= this.nextRef) this.nextRef = ref + 1;
    if (ref >= this.cap) this.grow(ref + 1);
    const flat = labels.flat.map((s) => this.interner.intern(s));
    const interned = Labels.fromSortedFlat(flat);
    this.labels[ref] = interned;
    const h = labels.hash();
    const hit = this.byHash.get(h);
    if (hit === undefined) this.byHash.set(h, ref);
    else if (typeof hit === 'number') this.byHash.set(h, [hit, ref]);
    else hit.push(ref);
    this.postings.add(ref, flat);
    this.flags[ref] = 0;
    this.sMaxT[ref] = -Infinity;
    this.sMinT[ref] = Infinity;
    this.oSlot[ref] = -1;
    this.xN[ref] = 0;
    this.cFirst[ref] = -1;
    this.sizeHint[ref] = 0;
    this.cLast[ref] = -1;
    this.pTxn[ref] = 0;
    this.pCount[ref] = 0;
    this.invisible++;
    this.stats.headSeries++;
    this.stats.headSeriesCreatedTotal++;
    return ref;
  }

  /** @internal Whether any series exists that has no committed sample yet. */
  get hasInvisible(): boolean {
    return this.invisible > 0;
  }

  /** @internal Last committed value's bits equal those of `v`. */
  sameAsLast(ref: number, v: number): boolean {
    f64[0] = v;
    return u32[1] === this.xVHi[ref] && u32[0] === this.xVLo[ref];
  }

  /** @internal Whether the log has seen the series; marks it seen. */
  takeUnlogged(ref: number): boolean {
    const f = this.flags[ref] as number;
    if ((f & FLAG_LOGGED) !== 0) return false;
    this.flags[ref] = f | FLAG_LOGGED;
    return true;
  }

  /** @internal Undoes takeUnlogged after a failed log write. */
  markUnlogged(ref: number): void {
    this.flags[ref] = (this.flags[ref] as number) & ~FLAG_LOGGED;
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
   * @internal Adds a committed sample to the series' chunks. The caller has checked t > sMaxT[ref].
   */
  appendCommitted(ref: number, t: number, v: number): void {
    let handle = this.oSlot[ref] as number;
    if (handle < 0) {
      handle = this.openChunk(ref, t);
    } else {
      const n = this.xN[ref] as number;
      if (n === this.samplesPerChunk >> 2) {
        const start = this.oMinT[ref] as number;
        const max = this.oNextAt[ref] as number;
        const k = idiv(max - start, ((this.sMaxT[ref] as number) - start + 1) * 4);
        if (k > 1) this.oNextAt[ref] = start + idiv(max - start, k);
      }
      if (t >= (this.oNextAt[ref] as number) || n >= this.samplesPerChunk * 2 || n >= XOR_MAX_SAMPLES) {
        this.cutChunk(ref);
        handle = this.openChunk(ref, t);
      } else if (((this.oBitPos[ref] as number) >>> 3) + XOR_MAX_SAMPLE_BYTES + 1 > classSize(SlabAllocator.classOf(handle))) {
        const cls = SlabAllocator.classOf(handle);
        if (cls + 1 < SLAB_CLASSES) {
          // Grow straight to the size the whole chunk will probably need, judging by the bytes per sample so far.
          const used = ((this.oBitPos[ref] as number) + 7) >>> 3;
          const projected = Math.ceil((used / (this.xN[ref] as number)) * this.samplesPerChunk * 1.05) + XOR_MAX_SAMPLE_BYTES + 1;
          handle = this.moveOpenChunk(ref, Math.max(cls + 1, classFor(projected)));
        } else {
          this.cutChunk(ref);
          handle = this.openChunk(ref, t);
        }
      }
    }
    const st = this.st;
    st.numSamples = this.xN[ref] as number;
    st.t = this.sMaxT[ref] as number;
    st.tDelta = this.xTDelta[ref] as number;
    st.vHi = this.xVHi[ref] as number;
    st.vLo = this.xVLo[ref] as number;
    st.lead = this.xLead[ref] as number;
    st.trail = this.xTrail[ref] as number;
    const buf = this.slabs.buffer(handle);
    const base = this.slabs.offset(handle);
    const end = xorAppend(buf, base, base * 8 + (this.oBitPos[ref] as number), st, t, v);
    this.oBitPos[ref] = end - base * 8;
    this.xN[ref] = st.numSamples;
    this.xTDelta[ref] = st.tDelta;
    this.xVHi[ref] = st.vHi;
    this.xVLo[ref] = st.vLo;
    this.xLead[ref] = st.lead;
    this.xTrail[ref] = st.trail;
    if ((this.sMaxT[ref] as number) === -Infinity) {
      this.invisible--;
      this.sMinT[ref] = t;
    }
    this.sMaxT[ref] = t;
    const s = this.stats;
    if (!(t <= s.headMaxTime)) s.headMaxTime = t;
    if (!(t >= s.headMinTime)) s.headMinTime = t;
  }

  private openChunk(ref: number, t: number): number {
    const handle = this.slabs.alloc(this.sizeHint[ref] as number);
    this.oSlot[ref] = handle;
    this.oBitPos[ref] = XOR_HEADER_BYTES * 8;
    this.oMinT[ref] = t;
    this.oNextAt[ref] = idiv(t, this.chunkRange) * this.chunkRange + this.chunkRange;
    this.xN[ref] = 0;
    this.xTDelta[ref] = 0;
    this.xVHi[ref] = 0;
    this.xVLo[ref] = 0;
    this.xLead[ref] = NO_WINDOW;
    this.xTrail[ref] = 0;
    this.stats.headChunks++;
    this.stats.headChunksCreatedTotal++;
    this.stats.headChunkBytes = this.slabs.allocatedBytes + this.arena.allocatedBytes;
    return handle;
  }

  private moveOpenChunk(ref: number, cls: number): number {
    const old = this.oSlot[ref] as number;
    const handle = this.slabs.alloc(cls);
    const len = ((this.oBitPos[ref] as number) + 7) >>> 3;
    const from = this.slabs.offset(old);
    this.slabs.buffer(handle).set(this.slabs.buffer(old).subarray(from, from + len), this.slabs.offset(handle));
    this.slabs.release(old);
    this.oSlot[ref] = handle;
    this.stats.headChunkBytes = this.slabs.allocatedBytes + this.arena.allocatedBytes;
    return handle;
  }

  /** Moves the open chunk into the arena as a closed chunk. */
  private cutChunk(ref: number): void {
    const handle = this.oSlot[ref] as number;
    const len = ((this.oBitPos[ref] as number) + 7) >>> 3;
    const ah = this.arena.put(this.slabs.buffer(handle), this.slabs.offset(handle), len);
    this.sizeHint[ref] = classFor(len + XOR_MAX_SAMPLE_BYTES + 1);
    this.slabs.release(handle);
    this.oSlot[ref] = -1;
    const id = this.allocChunkId();
    this.ckMinT[id] = this.oMinT[ref] as number;
    this.ckMaxT[id] = this.sMaxT[ref] as number;
    this.ckHandle[id] = ah;
    this.ckLen[id] = len;
    this.ckNext[id] = -1;
    const last = this.cLast[ref] as number;
    if (last < 0) this.cFirst[ref] = id;
    else this.ckNext[last] = id;
    this.cLast[ref] = id;
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
   * The series' chunks overlapping [mint, maxt], oldest first; the open chunk is copied so later appends and
   * garbage collection cannot change what the snapshot reads.
   */
  snapshotChunks(ref: number, mint: number, maxt: number, out: ChunkSnapshot): void {
    for (let id = this.cFirst[ref] as number; id >= 0; id = this.ckNext[id] as number) {
      const lo = this.ckMinT[id] as number;
      const hi = this.ckMaxT[id] as number;
      if (hi < mint || lo > maxt) continue;
      const h = this.ckHandle[id] as number;
      const start = this.arena.offset(h);
      out.bufs.push(this.arena.buffer(h));
      out.starts.push(start);
      out.ends.push(start + (this.ckLen[id] as number));
      out.minTs.push(lo);
      out.maxTs.push(hi);
    }
    const handle = this.oSlot[ref] as number;
    if (handle >= 0 && (this.xN[ref] as number) > 0) {
      const lo = this.oMinT[ref] as number;
      const hi = this.sMaxT[ref] as number;
      if (hi >= mint && lo <= maxt) {
        const base = this.slabs.offset(handle);
        const len = ((this.oBitPos[ref] as number) + 7) >>> 3;
        out.bufs.push(this.slabs.buffer(handle).slice(base, base + len));
        out.starts.push(0);
        out.ends.push(len);
        out.minTs.push(lo);
        out.maxTs.push(hi);
      }
    }
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
      result = result === undefined ? p : intersect(result, p);
      if (result.length === 0) return result;
    }
    if (result === undefined) result = this.postings.allRefs();
    for (const m of negatives) result = subtract(result, this.postingsForMatcher(m, false));
    return result;
  }

  /** Union of the postings of the label's values that do (want = true) or do not (false) satisfy `m`. */
  private postingsForMatcher(m: Matcher, want: boolean): Uint32Array {
    if (m.type === '=' && want) return this.postings.get(m.name, m.value);
    if (m.type === '!=' && !want) return this.postings.get(m.name, m.value);
    if (m.setMatches !== undefined && ((m.type === '=~') === want)) {
      return union(m.setMatches.filter((v) => v !== '').map((v) => this.postings.get(m.name, v)));
    }
    const lists: Uint32Array[] = [];
    for (const v of this.postings.values(m.name)) if (m.matches(v) === want) lists.push(this.postings.get(m.name, v));
    return union(lists);
  }

  /**
   * Drops everything older than `mint`: closed chunks that end before it, and series whose newest sample is older
   * (unless an open transaction holds samples for them). Samples older than `mint` are refused from now on.
   */
  truncate(mint: number): void {
    if (mint > this.minValidTime) this.minValidTime = mint;
    const deleted: (readonly string[])[] = [];
    let newMin = Infinity;
    for (let ref = 1; ref < this.nextRef; ref++) {
      const labels = this.labels[ref];
      if (labels === undefined) continue;
      let id = this.cFirst[ref] as number;
      while (id >= 0 && (this.ckMaxT[id] as number) < mint) {
        const next = this.ckNext[id] as number;
        this.freeChunk(id);
        id = next;
      }
      this.cFirst[ref] = id;
      if (id < 0) this.cLast[ref] = -1;
      const maxT = this.sMaxT[ref] as number;
      if (maxT < mint && (this.pCount[ref] as number) === 0) {
        const open = this.oSlot[ref] as number;
        if (open >= 0) {
          this.slabs.release(open);
          this.oSlot[ref] = -1;
          this.stats.headChunks--;
          this.stats.headChunksRemovedTotal++;
        }
        for (let c = this.cFirst[ref] as number; c >= 0; ) {
          const next = this.ckNext[c] as number;
          this.freeChunk(c);
          c = next;
        }
        this.cFirst[ref] = this.cLast[ref] = -1;
        if (maxT === -Infinity) this.invisible--;
        this.flags[ref] = (this.flags[ref] as number) | FLAG_DELETED;
        this.labels[ref] = undefined;
        this.unhash(labels, ref);
        deleted.push(labels.flat);
        this.stats.headSeries--;
        this.stats.headSeriesRemovedTotal++;
        continue;
      }
      const first = id >= 0 ? (this.ckMinT[id] as number) : (this.oSlot[ref] as number) >= 0 ? (this.oMinT[ref] as number) : Infinity;
      this.sMinT[ref] = first;
      if (maxT > -Infinity && first < newMin) newMin = first;
    }
    for (const [ref, list] of this.tombstones) {
      const keep: number[] = [];
      for (let i = 0; i < list.length; i += 2) if ((list[i + 1] as number) >= mint) keep.push(list[i] as number, list[i + 1] as number);
      if (keep.length === 0 || !this.exists(ref)) this.tombstones.delete(ref);
      else this.tombstones.set(ref, keep);
    }
    if (deleted.length > 0) {
      this.postings.delete(deleted, (r) => ((this.flags[r] as number) & FLAG_DELETED) !== 0);
      const used = new Set<string>();
      for (const l of this.labels) if (l !== undefined) for (const s of l.flat) used.add(s);
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

  /** Every live ref, ascending. */
  *refs(): IterableIterator<SeriesRef> {
    for (let ref = 1; ref < this.nextRef; ref++) if (this.labels[ref] !== undefined) yield ref;
  }
}

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
