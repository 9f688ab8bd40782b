// One head transaction: validates each sample on append, then logs the batch (WAL) and applies it on commit.

import type { Labels } from '../model/labels.js';
import type { Appender, SeriesRef } from '../storage/appendable.js';
import { StorageError } from '../storage/storage-error.js';
import type { CommitBatch, Head } from './head.js';

const f64 = new Float64Array(2);
const u32 = new Uint32Array(f64.buffer);

function sameBits(a: number, b: number): boolean {
  f64[0] = a;
  f64[1] = b;
  return u32[0] === u32[2] && u32[1] === u32[3];
}

/** Samples are buffered in typed arrays (no object per sample) until commit. */
export class HeadAppender implements Appender {
  private refs: Float64Array;
  /** The head slot of each pending sample's series (what applying needs; refs are what the WAL needs). */
  private slots: Int32Array;
  private ts: Float64Array;
  private vs: Float64Array;
  /** Start timestamps of the pending samples (NaN: none); allocated by the first `appendST` with one. */
  private sts: Float64Array | undefined;
  private n = 0;
  /** Slots of the series this transaction touched (each once; `nTouched` of them), for the log's series records and
   * GC protection. A pooled typed array: a JS array grown by a push per series was garbage after every commit. */
  private touched: Int32Array;
  private nTouched = 0;
  private done = false;
  /** Fixed when the transaction starts, as Prometheus's appender does. */
  private readonly minValid: number;

  constructor(
    private readonly head: Head,
    private readonly txn: number,
  ) {
    this.minValid = head.appendableMinValidTime();
    const pooled = head.takeBuffers();
    this.refs = pooled?.refs ?? new Float64Array(64);
    this.slots = pooled?.slots ?? new Int32Array(64);
    this.ts = pooled?.ts ?? new Float64Array(64);
    this.vs = pooled?.vs ?? new Float64Array(64);
    this.touched = pooled?.touched ?? new Int32Array(64);
  }

  append(ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef {
    if (this.done) throw new StorageError('closed', 'appender already committed or rolled back');
    const head = this.head;
    if (!Number.isFinite(t)) throw new StorageError('out_of_bounds', `timestamp ${t} is not a finite number`);
    let slot = ref === 0 ? 0 : head.slotOf(ref);
    if (slot === 0) {
      ref = head.getOrCreate(labels);
      slot = head.slotOf(ref);
    }
    if (t < this.minValid) {
      head.stats.outOfBoundSamplesTotal++;
      throw new StorageError('out_of_bounds', `sample at ${t} for ${labels.toString()} is older than the head accepts (${this.minValid})`);
    }
    let lastT: number;
    let lastV: number;
    const mine = head.pTxn[slot] === this.txn;
    if (mine) {
      lastT = head.pT[slot] as number;
      lastV = head.pV[slot] as number;
    } else {
      lastT = head.sMaxT[slot] as number;
      lastV = 0;
    }
    if (t <= lastT) {
      if (t < lastT) {
        head.stats.outOfOrderSamplesTotal++;
        throw new StorageError('out_of_order_sample', `out of order sample at ${t} for ${labels.toString()} (newest is ${lastT})`);
      }
      if (mine ? sameBits(lastV, v) : head.sameAsLast(slot, v)) return ref;
      head.stats.duplicateSamplesTotal++;
      throw new StorageError('duplicate_sample_for_timestamp', `duplicate sample for timestamp ${t} with a different value for ${labels.toString()}`);
    }
    if (!mine) {
      head.pTxn[slot] = this.txn;
      head.pCount[slot] = (head.pCount[slot] as number) + 1;
      if (this.nTouched === this.touched.length) {
        const grown = new Int32Array(this.touched.length * 2);
        grown.set(this.touched);
        this.touched = grown;
      }
      this.touched[this.nTouched++] = slot;
    }
    head.pT[slot] = t;
    head.pV[slot] = v;
    if (this.n === this.refs.length) this.growBuffers();
    const i = this.n++;
    this.refs[i] = ref;
    this.slots[i] = slot;
    this.ts[i] = t;
    this.vs[i] = v;
    if (this.sts !== undefined) this.sts[i] = NaN;
    return ref;
  }

  appendST(ref: SeriesRef, labels: Labels, t: number, st: number, v: number): SeriesRef {
    const i = this.n;
    ref = this.append(ref, labels, t, v);
    if (this.n > i && Number.isFinite(st)) {
      if (this.sts === undefined) this.sts = new Float64Array(this.refs.length).fill(NaN);
      this.sts[i] = st;
    }
    return ref;
  }

  private growBuffers(): void {
    const cap = this.refs.length * 2;
    const refs = new Float64Array(cap);
    refs.set(this.refs);
    const slots = new Int32Array(cap);
    slots.set(this.slots);
    this.slots = slots;
    const ts = new Float64Array(cap);
    ts.set(this.ts);
    const vs = new Float64Array(cap);
    vs.set(this.vs);
    this.refs = refs;
    this.ts = ts;
    this.vs = vs;
    if (this.sts !== undefined) {
      const sts = new Float64Array(cap).fill(NaN);
      sts.set(this.sts);
      this.sts = sts;
    }
  }

  labelsOf(ref: SeriesRef): Labels | undefined {
    return this.head.labelsOf(ref);
  }

  commit(): Promise<void> {
    if (this.done) return Promise.reject(new StorageError('closed', 'appender already committed or rolled back'));
    this.done = true;
    if (this.n === 0) {
      this.release();
      return Promise.resolve();
    }
    return this.head.serialize(() => this.apply());
  }

  private async apply(): Promise<void> {
    const head = this.head;
    try {
      // A commit that finished after our appends may have made some of them stale: refuse the whole batch.
      const bad = firstStale(head, this.slots, this.ts, this.n);
      if (bad >= 0) {
        const ref = this.refs[bad] as number;
        const t = this.ts[bad] as number;
        if (t < head.minValidTime) {
          head.stats.outOfBoundSamplesTotal++;
          throw new StorageError('out_of_bounds', `sample at ${t} is older than the head's minimum time ${head.minValidTime}`);
        }
        head.stats.outOfOrderSamplesTotal++;
        throw new StorageError('out_of_order_sample', `out of order sample at ${t} for ${head.labelsOf(ref)?.toString() ?? ref}: another commit wrote newer data first`);
      }
      if (head.log !== undefined) {
        const seriesRefs: number[] = [];
        const seriesLabels: Labels[] = [];
        const unlogged: number[] = [];
        for (let i = 0; i < this.nTouched; i++) {
          const slot = this.touched[i] as number;
          if (head.takeUnlogged(slot)) {
            unlogged.push(slot);
            seriesRefs.push(head.refOfSlot[slot] as number);
            seriesLabels.push(head.slotLabels[slot] as Labels);
          }
        }
        const batch: CommitBatch = { seriesRefs, seriesLabels, numSamples: this.n, refs: this.refs, ts: this.ts, vs: this.vs };
        try {
          await head.log(batch);
        } catch (err) {
          for (const slot of unlogged) head.markUnlogged(slot);
          throw err;
        }
      }
      applyAll(head, this.slots, this.ts, this.vs, this.n);
      if (this.sts !== undefined) applyStartTimestamps(head, this.slots, this.ts, this.sts, this.n);
      head.stats.headSamplesAppendedTotal += this.n;
    } finally {
      this.release();
    }
  }

  rollback(): void {
    if (this.done) return;
    this.done = true;
    this.release();
  }

  private release(): void {
    const head = this.head;
    untouch(head, this.touched, this.nTouched, this.txn);
    this.nTouched = 0;
    this.n = 0;
    this.sts = undefined;
    head.returnBuffers({ refs: this.refs, slots: this.slots, ts: this.ts, vs: this.vs, touched: this.touched });
  }
}

// The per-sample loops live in small functions of their own, so V8 optimises them once instead of
// on-stack-replacing (and then discarding) the code of the bigger commit function on every commit.

/** Index of the first sample not newer than its series' committed data or older than the head allows, or -1. */
function firstStale(head: Head, slots: Int32Array, ts: Float64Array, n: number): number {
  const maxT = head.sMaxT;
  const minValid = head.minValidTime;
  for (let i = 0; i < n; i++) {
    const t = ts[i] as number;
    if (t <= (maxT[slots[i] as number] as number) || t < minValid) return i;
  }
  return -1;
}

function applyAll(head: Head, slots: Int32Array, ts: Float64Array, vs: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) head.appendCommitted(slots[i] as number, ts[i] as number, vs[i] as number);
}

function applyStartTimestamps(head: Head, slots: Int32Array, ts: Float64Array, sts: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const st = sts[i] as number;
    if (st === st) head.addStartTimestamp(slots[i] as number, ts[i] as number, st);
  }
}

function untouch(head: Head, touched: Int32Array, n: number, txn: number): void {
  const count = head.pCount;
  const owner = head.pTxn;
  for (let i = 0; i < n; i++) {
    const slot = touched[i] as number;
    count[slot] = (count[slot] as number) - 1;
    if (owner[slot] === txn) owner[slot] = 0;
  }
}
