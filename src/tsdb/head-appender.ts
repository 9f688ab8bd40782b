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
  private refs = new Uint32Array(64);
  private ts = new Float64Array(64);
  private vs = new Float64Array(64);
  private n = 0;
  /** Series this transaction touched (each once), for the log's series records and GC protection. */
  private touched: number[] = [];
  private done = false;

  constructor(
    private readonly head: Head,
    private readonly txn: number,
  ) {}

  append(ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef {
    if (this.done) throw new StorageError('closed', 'appender already committed or rolled back');
    const head = this.head;
    if (!Number.isFinite(t)) throw new StorageError('out_of_bounds', `timestamp ${t} is not a finite number`);
    if (ref === 0 || !head.exists(ref)) ref = head.getOrCreate(labels);
    if (t < head.minValidTime) {
      head.stats.outOfBoundSamplesTotal++;
      throw new StorageError('out_of_bounds', `sample at ${t} for ${labels.toString()} is older than the head's minimum time ${head.minValidTime}`);
    }
    let lastT: number;
    let lastV: number;
    const mine = head.pTxn[ref] === this.txn;
    if (mine) {
      lastT = head.pT[ref] as number;
      lastV = head.pV[ref] as number;
    } else {
      lastT = head.sMaxT[ref] as number;
      lastV = 0;
    }
    if (t <= lastT) {
      if (t < lastT) {
        head.stats.outOfOrderSamplesTotal++;
        throw new StorageError('out_of_order_sample', `out of order sample at ${t} for ${labels.toString()} (newest is ${lastT})`);
      }
      if (mine ? sameBits(lastV, v) : head.sameAsLast(ref, v)) return ref;
      head.stats.duplicateSamplesTotal++;
      throw new StorageError('duplicate_sample_for_timestamp', `duplicate sample for timestamp ${t} with a different value for ${labels.toString()}`);
    }
    if (!mine) {
      head.pTxn[ref] = this.txn;
      head.pCount[ref] = (head.pCount[ref] as number) + 1;
      this.touched.push(ref);
    }
    head.pT[ref] = t;
    head.pV[ref] = v;
    if (this.n === this.refs.length) this.growBuffers();
    const i = this.n++;
    this.refs[i] = ref;
    this.ts[i] = t;
    this.vs[i] = v;
    return ref;
  }

  private growBuffers(): void {
    const cap = this.refs.length * 2;
    const refs = new Uint32Array(cap);
    refs.set(this.refs);
    const ts = new Float64Array(cap);
    ts.set(this.ts);
    const vs = new Float64Array(cap);
    vs.set(this.vs);
    this.refs = refs;
    this.ts = ts;
    this.vs = vs;
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
      for (let i = 0; i < this.n; i++) {
        const ref = this.refs[i] as number;
        const t = this.ts[i] as number;
        if (t <= (head.sMaxT[ref] as number)) {
          head.stats.outOfOrderSamplesTotal++;
          throw new StorageError('out_of_order_sample', `out of order sample at ${t} for ${head.labels[ref]?.toString() ?? ref}: another commit wrote newer data first`);
        }
        if (t < head.minValidTime) {
          head.stats.outOfBoundSamplesTotal++;
          throw new StorageError('out_of_bounds', `sample at ${t} is older than the head's minimum time ${head.minValidTime}`);
        }
      }
      if (head.log !== undefined) {
        const seriesRefs: number[] = [];
        const seriesLabels: Labels[] = [];
        for (const ref of this.touched) {
          if (head.takeUnlogged(ref)) {
            seriesRefs.push(ref);
            seriesLabels.push(head.labels[ref] as Labels);
          }
        }
        const batch: CommitBatch = { seriesRefs, seriesLabels, numSamples: this.n, refs: this.refs, ts: this.ts, vs: this.vs };
        try {
          await head.log(batch);
        } catch (err) {
          for (const ref of seriesRefs) head.markUnlogged(ref);
          throw err;
        }
      }
      for (let i = 0; i < this.n; i++) head.appendCommitted(this.refs[i] as number, this.ts[i] as number, this.vs[i] as number);
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
    for (const ref of this.touched) {
      head.pCount[ref] = (head.pCount[ref] as number) - 1;
      if (head.pTxn[ref] === this.txn) head.pTxn[ref] = 0;
    }
    this.touched = [];
    this.n = 0;
  }
}
