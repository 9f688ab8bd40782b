// WAL replay with decoding in a worker thread: it reads, checks and decompresses segments and decodes sample records
// into flat arrays while the calling thread appends the previous batch to the head; it appends a share of the series itself.

import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { StorageError } from '../storage/storage-error.js';
import { ByteReader } from './byte-reader.js';
import { readSegment, WalCorruptionError } from './wal-reader.js';
import { checkpointCorrupted, startProgress, walCorrupted, type ReplayOptions, type ReplayPlan, type ReplayResult } from './wal-replay.js';
import type { PackedChunks } from './series-chunks.js';
import { checkRecord, decodeRecord, RECORD_SAMPLES, RECORD_SERIES, type RecordVisitor } from './wal-records.js';
import { ReplayShard, type ShardOptions, type ShardTarget } from './wal-replay-shard.js';
import { segmentName } from './wal-segments.js';

const MARKER = 'vigil-wal-replay';
/** Samples per batch (a batch is handed over once it holds this many, or at the end of a segment). */
const BATCH_SAMPLES = 1 << 15;
/** Bytes of series and other records per batch at most (past one record): the appending thread starts on them early. */
const BATCH_BYTES = 1 << 18;
/**
 * Batches decoded ahead of the appending thread at most. The appending thread is slowest at the start, creating the
 * series a WAL starts with (a batch each): meanwhile this thread goes on decoding and appending its share. On `npm run
 * bench -- tsdb-vs-prometheus`'s WAL, 64 replayed in ~10% less time than 16 (medians of 8 runs).
 */
const MAX_IN_FLIGHT = 64;
/** Slots of the shared control array: batches posted and not yet consumed; set to 1 to make the worker stop. */
const IN_FLIGHT = 0;
const STOP = 1;

/**
 * Per record in a batch: kind (samples, raw, or the start of a segment), samples count or byte length, group
 * (0 checkpoint, 1 WAL), segment, offset.
 */
const OP_FIELDS = 5;
const OP_SAMPLES = 0;
const OP_RAW = 1;
const OP_SEGMENT = 2;

/**
 * What one slot of the batch ring holds: the samples of a batch (with room for the record that makes it full), its
 * raw records, its ops. A batch that outgrows its slot is sent in arrays of its own instead.
 */
const SLOT_SAMPLES = BATCH_SAMPLES + 8192;
const SLOT_BYTES = 2 * BATCH_BYTES;
const SLOT_OPS = 256;
const SLOT_F64S = 3 * SLOT_SAMPLES + SLOT_OPS * OP_FIELDS;

/**
 * The batches in flight live in MAX_IN_FLIGHT slots of one SharedArrayBuffer (about 100 MB of address space, pages
 * used as batches fill them), written by the worker and read by the appending thread. After posting a batch the
 * worker moves on to the next slot only once fewer than MAX_IN_FLIGHT batches are unconsumed: batches are consumed
 * in order, so the oldest, which had that slot, is done. One allocation that large is mapped and unmapped as a whole:
 * arrays posted per batch left tens of MB of freed memory in the process after replay.
 */
function ringBytes(): number {
  return MAX_IN_FLIGHT * (SLOT_F64S * 8 + SLOT_BYTES);
}

/** The arrays of one slot of the ring. */
interface BatchArrays {
  refs: Float64Array;
  ts: Float64Array;
  vs: Float64Array;
  /** Series, tombstone and other records, back to back; decoded on the appending thread. */
  bytes: Uint8Array;
  ops: Float64Array;
}

function slotArrays(ring: SharedArrayBuffer, slot: number): BatchArrays {
  const f = slot * SLOT_F64S * 8;
  return {
    refs: new Float64Array(ring, f, SLOT_SAMPLES),
    ts: new Float64Array(ring, f + SLOT_SAMPLES * 8, SLOT_SAMPLES),
    vs: new Float64Array(ring, f + 2 * SLOT_SAMPLES * 8, SLOT_SAMPLES),
    ops: new Float64Array(ring, f + 3 * SLOT_SAMPLES * 8, SLOT_OPS * OP_FIELDS),
    bytes: new Uint8Array(ring, MAX_IN_FLIGHT * SLOT_F64S * 8 + slot * SLOT_BYTES, SLOT_BYTES),
  };
}

/** A batch: in ring slot `slot`, but for the arrays that outgrew it, which come along. */
interface Batch {
  t: 'batch';
  slot: number;
  nOps: number;
  samples?: { refs: Float64Array; ts: Float64Array; vs: Float64Array };
  bytes?: Uint8Array;
  ops?: Float64Array;
}

type Message =
  | Batch
  | { t: 'corrupt'; group: number; dir: string; segment: number; offset: number; reason: string }
  | { t: 'chunks'; packed: PackedChunks; samples: number; dropped: number }
  | { t: 'done'; records: number }
  | { t: 'error'; message: string; code: string };

interface Job {
  marker: typeof MARKER;
  plan: ReplayPlan;
  control: SharedArrayBuffer;
  ring: SharedArrayBuffer;
  /** Given when this thread appends a share of the series itself (see ReplayShard). */
  shard: ShardOptions | undefined;
}

/** Collects decoded records into the ring's next slot; `flush` posts them once the appending thread has room. */
class BatchBuilder {
  private readonly slots: BatchArrays[];
  private slot = 0;
  private refs: Float64Array;
  private ts: Float64Array;
  private vs: Float64Array;
  private n = 0;
  private bytes: Uint8Array;
  private nBytes = 0;
  private ops: Float64Array;
  private nOps = 0;

  constructor(
    private readonly post: (m: Message, transfer: ArrayBuffer[]) => void,
    private readonly control: Int32Array,
    ring: SharedArrayBuffer,
  ) {
    this.slots = Array.from({ length: MAX_IN_FLIGHT }, (_, k) => slotArrays(ring, k));
    ({ refs: this.refs, ts: this.ts, vs: this.vs, bytes: this.bytes, ops: this.ops } = this.slots[0] as BatchArrays);
  }

  get full(): boolean {
    return this.n >= BATCH_SAMPLES || this.nBytes >= BATCH_BYTES;
  }

  private get inSlot(): BatchArrays {
    return this.slots[this.slot] as BatchArrays;
  }

  private op(kind: number, size: number, group: number, segment: number, offset: number): void {
    if ((this.nOps + 1) * OP_FIELDS > this.ops.length) {
      const next = new Float64Array(this.ops.length * 2);
      next.set(this.ops);
      this.ops = next;
    }
    const o = this.nOps++ * OP_FIELDS;
    this.ops[o] = kind;
    this.ops[o + 1] = size;
    this.ops[o + 2] = group;
    this.ops[o + 3] = segment;
    this.ops[o + 4] = offset;
  }

  private room(samples: number): void {
    if (this.n + samples <= this.refs.length) return;
    const cap = Math.max(this.refs.length * 2, this.n + samples);
    const grow = (a: Float64Array): Float64Array => {
      const next = new Float64Array(cap);
      next.set(a.subarray(0, this.n));
      return next;
    };
    this.refs = grow(this.refs);
    this.ts = grow(this.ts);
    this.vs = grow(this.vs);
  }

  /**
   * Decodes a samples record into the batch, with the checks (and the same errors) of `decodeRecord`. Like it, the
   * samples before a decoding error are kept.
   */
  samples(rec: Uint8Array, group: number, segment: number, offset: number, where: string, shard: ReplayShard | undefined): void {
    const r = new ByteReader(rec, 1, rec.length, where);
    if (r.remaining === 0) return;
    const baseRef = r.be64();
    const baseT = r.be64();
    // Every sample takes at least 10 bytes (two one-byte varints and the value).
    this.room(Math.ceil(r.remaining / 10));
    const start = this.n;
    let n = start;
    const { refs, ts, vs } = this;
    try {
      // While a whole sample surely fits (two varints of at most 10 bytes and the value), one-byte varints (most
      // deltas) are read without the reader's per-byte checks; longer ones and the tail go through the reader.
      const view = new DataView(rec.buffer, rec.byteOffset, rec.byteLength);
      const fastEnd = rec.length - 28;
      let pos = r.pos;
      while (pos <= fastEnd) {
        let b = rec[pos] as number;
        let x: number;
        if (b < 0x80) {
          x = (b & 1) === 1 ? -(b >>> 1) - 1 : b >>> 1;
          pos++;
        } else {
          r.pos = pos;
          x = r.varint();
          pos = r.pos;
        }
        const ref = baseRef + x;
        b = rec[pos] as number;
        if (b < 0x80) {
          x = (b & 1) === 1 ? -(b >>> 1) - 1 : b >>> 1;
          pos++;
        } else {
          r.pos = pos;
          x = r.varint();
          pos = r.pos;
        }
        const t = baseT + x;
        const v = view.getFloat64(pos);
        pos += 8;
        if (shard === undefined || !shard.sample(ref, t, v)) {
          refs[n] = ref;
          ts[n] = t;
          vs[n] = v;
          n++;
        }
      }
      r.pos = pos;
      while (r.remaining > 0) {
        const ref = baseRef + r.varint();
        const t = baseT + r.varint();
        const v = r.f64();
        if (shard === undefined || !shard.sample(ref, t, v)) {
          refs[n] = ref;
          ts[n] = t;
          vs[n] = v;
          n++;
        }
      }
    } finally {
      this.n = n;
      if (n > start) this.op(OP_SAMPLES, n - start, group, segment, offset);
    }
  }

  raw(rec: Uint8Array, group: number, segment: number, offset: number): void {
    if (this.nBytes + rec.length > this.bytes.length) {
      const next = new Uint8Array(Math.max(this.bytes.length * 2, this.nBytes + rec.length));
      next.set(this.bytes.subarray(0, this.nBytes));
      this.bytes = next;
    }
    this.bytes.set(rec, this.nBytes);
    this.nBytes += rec.length;
    this.op(OP_RAW, rec.length, group, segment, offset);
  }

  /** Marks the start of a segment (so that its batch is posted even when the shard takes all its samples). */
  segment(group: number, segment: number): void {
    this.op(OP_SEGMENT, 0, group, segment, 0);
  }

  /**
   * Posts the batch (if not empty), then waits until the ring's next slot is free (fewer than MAX_IN_FLIGHT batches
   * unconsumed: the oldest of them, which had that slot, is done). False: told to stop.
   */
  flush(): boolean {
    if (this.nOps === 0) return Atomics.load(this.control, STOP) === 0;
    Atomics.add(this.control, IN_FLIGHT, 1);
    const own = this.inSlot;
    const b: Batch = { t: 'batch', slot: this.slot, nOps: this.nOps };
    const transfer: ArrayBuffer[] = [];
    if (this.refs !== own.refs) {
      b.samples = { refs: this.refs.subarray(0, this.n), ts: this.ts.subarray(0, this.n), vs: this.vs.subarray(0, this.n) };
      transfer.push(this.refs.buffer as ArrayBuffer, this.ts.buffer as ArrayBuffer, this.vs.buffer as ArrayBuffer);
    }
    if (this.bytes !== own.bytes) {
      b.bytes = this.bytes.subarray(0, this.nBytes);
      transfer.push(this.bytes.buffer as ArrayBuffer);
    }
    if (this.ops !== own.ops) {
      b.ops = this.ops.subarray(0, this.nOps * OP_FIELDS);
      transfer.push(this.ops.buffer as ArrayBuffer);
    }
    this.post(b, transfer);
    for (;;) {
      if (Atomics.load(this.control, STOP) !== 0) return false;
      const inFlight = Atomics.load(this.control, IN_FLIGHT);
      if (inFlight < MAX_IN_FLIGHT) break;
      Atomics.wait(this.control, IN_FLIGHT, inFlight, 1000);
    }
    this.slot = (this.slot + 1) % MAX_IN_FLIGHT;
    ({ refs: this.refs, ts: this.ts, vs: this.vs, bytes: this.bytes, ops: this.ops } = this.inSlot);
    this.n = 0;
    this.nBytes = 0;
    this.nOps = 0;
    return true;
  }
}

/** The worker: decodes the plan's checkpoint segments, then its WAL segments, posting batches in order. */
function decodePlan(job: Job, post: (m: Message, transfer?: ArrayBuffer[]) => void): void {
  const control = new Int32Array(job.control);
  const b = new BatchBuilder(post, control, job.ring);
  const { plan } = job;
  let shard = job.shard === undefined ? undefined : new ReplayShard(job.shard);
  /** Posts the shard's chunks: at the end, or at once when it stops (the head then appends the rest). */
  const handOver = (s: ReplayShard): boolean => {
    if (!b.flush()) return false;
    const packed = s.pack();
    post({ t: 'chunks', packed, samples: s.samples, dropped: s.dropped }, [packed.refs.buffer, packed.state.buffer, packed.closed.buffer, packed.bytes.buffer, packed.arenaLive.buffer, ...packed.arenas.map((a) => a.buffer)] as ArrayBuffer[]);
    return true;
  };
  let records = 0;
  const groups: [string, number[]][] = [
    [plan.cpDir, plan.cpSegments],
    [plan.walDir, plan.segments],
  ];
  groups: for (let group = 0; group < 2; group++) {
    const [dir, segments] = groups[group] as [string, number[]];
    try {
      for (const s of segments) {
        let stopped = false;
        b.segment(group, s);
        // Joined once per segment: a record takes a few microseconds to decode, a path join about one.
        const path = join(dir, segmentName(s));
        readSegment(dir, s, (rec, offset) => {
          if (stopped) return;
          const where = `${path} record at offset ${offset}`;
          if (rec.length > 0 && rec[0] === RECORD_SAMPLES) b.samples(rec, group, s, offset, where, shard);
          else {
            checkRecord(rec, where);
            b.raw(rec, group, s, offset);
            if (shard !== undefined && rec[0] === RECORD_SERIES) {
              shard.seriesRecord(rec);
              if (!shard.active) {
                const stopping = shard;
                shard = undefined;
                if (!handOver(stopping)) stopped = true;
              }
            }
          }
          records++;
          if (b.full && !b.flush()) stopped = true;
        });
        if (stopped || !b.flush()) return;
      }
    } catch (err) {
      if (!(err instanceof WalCorruptionError)) throw err;
      if (!b.flush()) return;
      post({ t: 'corrupt', group, dir: err.dir, segment: err.segment, offset: err.offset, reason: err.reason });
      // Nothing after a corruption in the WAL is replayed; after one in the checkpoint, the WAL follows.
      if (group === 1) break groups;
    }
  }
  if (shard !== undefined && !handOver(shard)) return;
  post({ t: 'done', records });
}

if (!isMainThread && (workerData as Job | undefined)?.marker === MARKER && parentPort !== null) {
  const port = parentPort;
  try {
    decodePlan(workerData as Job, (m, transfer) => port.postMessage(m, transfer));
  } catch (err) {
    port.postMessage({ t: 'error', message: err instanceof Error ? err.message : String(err), code: (err as { code?: string }).code ?? 'io' });
  }
  // Stay alive until the replaying thread has taken every message and terminates this one.
  port.on('message', () => undefined);
}

/**
 * Replays `plan` like `replayPlan`, with the same results, logs, metrics and repairs, but reading and decoding in a
 * worker thread. Records reach `visit` in WAL order. Rejects with what `visit` throws (the worker is stopped).
 */
export function replayWalInWorker(plan: ReplayPlan, visit: RecordVisitor, options: ReplayOptions, signal?: AbortSignal, shard?: ShardTarget): Promise<ReplayResult> {
  signal?.throwIfAborted();
  const control = new Int32Array(new SharedArrayBuffer(8));
  const ring = new SharedArrayBuffer(ringBytes());
  const slots = Array.from({ length: MAX_IN_FLIGHT }, (_, k) => slotArrays(ring, k));
  const job: Job = { marker: MARKER, plan, control: control.buffer as SharedArrayBuffer, ring, shard: shard?.shardOptions };
  const worker = new Worker(new URL(import.meta.url), { workerData: job });
  let corruption: string | undefined;
  let last = plan.last;
  let reading = -1;
  startProgress(plan, options);
  return new Promise<ReplayResult>((resolve, reject) => {
    let settled = false;
    const finish = (err: Error | undefined, result?: ReplayResult): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      Atomics.store(control, STOP, 1);
      Atomics.notify(control, IN_FLIGHT);
      worker.removeAllListeners('message');
      void worker.terminate().then(
        () => (err === undefined ? resolve(result as ReplayResult) : reject(err)),
        () => (err === undefined ? resolve(result as ReplayResult) : reject(err)),
      );
    };
    const onAbort = (): void => finish(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('error', (err) => finish(err));
    worker.on('exit', (code) => finish(new StorageError('io', `WAL replay thread exited with code ${code}`)));
    worker.on('message', (m: Message) => {
      if (settled) return;
      try {
        switch (m.t) {
          case 'batch': {
            const inSlot = slots[m.slot] as BatchArrays;
            const b: BatchArrays = { ...inSlot, ...m.samples, bytes: m.bytes ?? inSlot.bytes, ops: m.ops ?? inSlot.ops };
            // A batch holds records of one segment.
            if (m.nOps > 0 && b.ops[2] === 1 && b.ops[3] !== reading) options.progress?.read((reading = b.ops[3] as number));
            applyBatch(b, m.nOps, visit, plan);
            Atomics.sub(control, IN_FLIGHT, 1);
            Atomics.notify(control, IN_FLIGHT);
            return;
          }
          case 'corrupt': {
            const err = new WalCorruptionError(m.dir, m.segment, m.offset, m.reason);
            corruption = err.message;
            if (m.group === 0) checkpointCorrupted(err, options);
            else {
              walCorrupted(err, plan.walDir, options);
              last = m.segment;
            }
            return;
          }
          case 'chunks':
            shard?.installShard(m.packed, m.samples, m.dropped);
            return;
          case 'done':
            finish(undefined, { lastSegment: last, checkpoint: plan.checkpoint, records: m.records, corruption });
            return;
          case 'error':
            finish(new StorageError(m.code === 'corruption' ? 'corruption' : 'io', m.message));
            return;
        }
      } catch (err) {
        finish(err instanceof Error ? err : new Error(String(err)));
      }
    });
  });
}

/** Hands one batch's records (`nOps` of them) to `visit`, in order. */
function applyBatch(b: BatchArrays, nOps: number, visit: RecordVisitor, plan: ReplayPlan): void {
  const { refs, ts, vs, bytes, ops } = b;
  let si = 0;
  let bi = 0;
  for (let k = 0; k < nOps; k++) {
    const o = k * OP_FIELDS;
    const size = ops[o + 1] as number;
    if (ops[o] === OP_SEGMENT) continue;
    if (ops[o] === OP_SAMPLES) {
      const end = si + size;
      if (visit.sampleRun !== undefined) visit.sampleRun(refs, ts, vs, si, end);
      else for (let i = si; i < end; i++) visit.sample(refs[i] as number, ts[i] as number, vs[i] as number);
      si = end;
    } else {
      const dir = ops[o + 2] === 0 ? plan.cpDir : plan.walDir;
      decodeRecord(bytes.subarray(bi, bi + size), visit, `${join(dir, segmentName(ops[o + 3] as number))} record at offset ${ops[o + 4] as number}`);
      bi += size;
    }
  }
}
