// The in-memory head of the TSDB: series by ref and by label hash, postings, XOR chunks cut as Prometheus cuts them.

import { Labels } from '../model/labels.js';
import type { Matcher } from '../model/matcher.js';
import type { Appendable, Appender, SeriesRef } from '../storage/appendable.js';
import type { Queryable, Querier } from '../storage/queryable.js';
import { StartTimestamps } from '../storage/start-timestamps.js';
import { StorageError } from '../storage/storage-error.js';
import { HeadAppender } from './head-appender.js';
import { HeadQuerier } from './head-querier.js';
import { MemPostings } from './mem-postings.js';
import { intersectPostings, mergePostings, subtractPostings } from './postings.js';
import { type ChunkSnapshot, type PackedChunks, SeriesChunks } from './series-chunks.js';
import { SeriesOrder } from './series-order.js';
import { StringInterner } from './string-interner.js';
import { TsdbStats } from './tsdb-stats.js';
import { grownArray } from './grown-array.js';

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

export type { ChunkSnapshot } from './series-chunks.js';

const FLAG_LOGGED = 1;
/** Refs per page of the ref → slot table. */
const PAGE = 65536;

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
  private nextRef = 1;
  private cap = 0;
  /** Samples older than this are refused (they belong to blocks already written). */
  minValidTime = -Infinity;
  private invisible = 0;
  private closed = false;

  // Per-series state, indexed by slot; the chunks and the newest and oldest sample time are in `chunks`.
  private readonly chunks: SeriesChunks;
  private flags = new Uint8Array(0);
  /** @internal Transaction that last touched the series, and its newest pending sample. */
  pTxn = new Int32Array(0);
  /** @internal */
  pT = new Float64Array(0);
  /** @internal */
  pV = new Float64Array(0);
  /** @internal Open transactions holding samples for the series (keeps it from being garbage-collected). */
  pCount = new Int32Array(0);

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

  constructor(options: HeadOptions = {}) {
    this.stats = options.stats ?? new TsdbStats();
    this.chunkRange = options.chunkRange ?? DEFAULT_CHUNK_RANGE;
    this.samplesPerChunk = options.samplesPerChunk ?? 120;
    this.log = options.log;
    this.chunks = new SeriesChunks(this.chunkRange, this.samplesPerChunk, this.stats);
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
    this.chunks.grow(cap);
    this.refOfSlot = grownArray(this.refOfSlot, cap);
    this.flags = grownArray(this.flags, cap);
    this.pTxn = grownArray(this.pTxn, cap);
    this.pT = grownArray(this.pT, cap);
    this.pV = grownArray(this.pV, cap);
    this.pCount = grownArray(this.pCount, cap);
    this.cap = cap;
  }

  /** @internal Newest committed timestamp per slot; -Infinity before the first commit. */
  get sMaxT(): Float64Array {
    return this.chunks.maxT;
  }

  /** @internal Oldest timestamp still in memory per slot. */
  get sMinT(): Float64Array {
    return this.chunks.minT;
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
    return known !== 0 ? known : this.create(labels, wantRef);
  }

  /** @internal Creates the series (with a new ref, or `wantRef`); the caller knows no series has these labels. */
  create(labels: Labels, wantRef = 0): number {
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
    this.chunks.init(slot);
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
    return this.chunks.sameAsLast(slot, v);
  }

  /** @internal The value of the newest committed sample of the series in `slot` (its time is sMaxT[slot]). */
  lastValue(slot: number): number {
    return this.chunks.lastValue(slot);
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
    if ((this.chunks.maxT[slot] as number) === -Infinity) this.invisible--;
    this.chunks.append(slot, t, v);
  }

  /** `appendCommitted` for each of a series' samples in turn (SeriesChunks.appendRun); returns how many were dropped. */
  appendRunCommitted(slot: number, tv: Float64Array, from: number, n: number): number {
    const empty = (this.chunks.maxT[slot] as number) === -Infinity;
    const dropped = this.chunks.appendRun(slot, tv, from, n);
    if (empty && dropped < n) this.invisible--;
    return dropped;
  }

  /** See SeriesChunks.beginReplay: chunks start in slots that hold a typical whole chunk until `endReplay`. */
  beginReplay(): void {
    this.chunks.beginReplay();
  }

  endReplay(): void {
    this.chunks.endReplay(this.nextSlot);
  }

  /** Installs chunks another thread built for series of this head during WAL replay (series without samples here). */
  installReplayed(packed: PackedChunks): void {
    this.chunks.install(
      packed,
      (ref) => this.slotOf(ref),
      () => this.invisible--,
    );
  }

  /**
   * The chunks overlapping [mint, maxt] of the series in `slot`, oldest first; the open chunk is copied so later
   * appends and garbage collection cannot change what the snapshot reads.
   */
  snapshotChunks(slot: number, mint: number, maxt: number, out: ChunkSnapshot): void {
    this.chunks.snapshot(slot, mint, maxt, out);
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
      const chunks = this.chunks;
      chunks.dropBefore(slot, mint);
      const maxT = chunks.maxT[slot] as number;
      if (maxT < mint && (this.pCount[slot] as number) === 0) {
        chunks.dropAll(slot);
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
      const first = chunks.minT[slot] as number;
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
    this.stats.headChunkBytes = this.chunks.allocatedBytes;
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

function validateLabels(labels: Labels): void {
  const f = labels.flat;
  if (f.length === 0) throw new StorageError('bad_labels', 'empty label set');
  for (let i = 0; i < f.length; i += 2) {
    if (f[i] === '') throw new StorageError('bad_labels', `empty label name in ${labels.toString()}`);
    if (f[i + 1] === '') throw new StorageError('bad_labels', `empty value for label ${f[i]} in ${labels.toString()}`);
    if (i > 0 && f[i] === f[i - 2]) throw new StorageError('bad_labels', `duplicate label name ${f[i]} in ${labels.toString()}`);
  }
}
