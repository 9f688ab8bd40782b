// A Prometheus-format data directory: head + WAL + blocks behind one Appendable and Queryable.

import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { asError } from '../model/errors.js';
import type { Matcher } from '../model/matcher.js';
import type { Appendable, Appender } from '../storage/appendable.js';
import { MergeQuerier } from '../storage/merge-querier.js';
import type { Querier, Queryable } from '../storage/queryable.js';
import { StorageError } from '../storage/storage-error.js';
import { blocksQuerier, openBlocks } from './block-dir.js';
import { BlockReader } from './block-reader.js';
import { BlockWriteWorker } from './block-write-worker.js';
import { exponentialBlockRanges } from './compaction-planner.js';
import { cleanTombstones } from './compactor.js';
import { runCompactionInWorker } from './compaction-worker.js';
import { DirLock } from './dir-lock.js';
import { headBlockInput } from './head-block-source.js';
import { HeadReplayer } from './head-replay.js';
import { DEFAULT_CHUNK_RANGE, Head, type CommitBatch } from './head.js';
import { applyRetention } from './retention.js';
import { stderrLogger, type TsdbLogger } from './tsdb-logger.js';
import { TsdbStats } from './tsdb-stats.js';
import { ByteWriter } from './byte-writer.js';
import { createCheckpoint, deleteCheckpointsBefore, truncateWal } from './wal-checkpoint.js';
import { encodeSamples, encodeSeries, encodeTombstones, type Tombstone } from './wal-records.js';
import { planBytes, planReplay, replayPlan } from './wal-replay.js';
import { WalReplayProgress } from './wal-replay-progress.js';
import type { WalReplayStatus } from './wal-replay-progress.js';
import { replayWalInWorker } from './wal-replay-worker.js';
import { listSegments } from './wal-segments.js';
import { WalWriter } from './wal-writer.js';

const DAY = 24 * 3_600_000;

export interface DbOptions {
  /** Smallest block range and head chunk range (ms). Default 2h, as Prometheus. */
  blockRange?: number;
  /** Blocks ending more than this before the newest block's end are deleted (ms). Default 15d; 0 keeps all. */
  retentionMs?: number;
  /** Most bytes blocks + WAL may take; 0 (default) for no limit. */
  retentionBytes?: number;
  walSegmentSize?: number;
  /** Snappy-compress WAL records (default true, as Prometheus). */
  walCompression?: boolean;
  stats?: TsdbStats;
  logger?: TsdbLogger;
  /**
   * WALs (checkpoint + segments) of at least this many bytes are decoded in a worker thread during replay, while
   * this thread appends to the head; smaller ones on this thread (a thread costs more than it saves). Default 4 MiB.
   */
  walReplayThreadMinBytes?: number;
  /** Where the WAL replay reports its progress; give one to watch a long replay from elsewhere. */
  walReplayProgress?: WalReplayProgress;
}

/**
 * Lifecycle: `Db.open` locks the directory, opens blocks (setting corrupt ones aside), replays the WAL into the
 * head (repairing a torn or corrupt tail), and starts a new WAL segment. Every commit is one WAL write, then memory.
 * `compact()` persists the oldest block range of the head once the head spans 1.5 block ranges, truncates the head
 * and the WAL (checkpoint), compacts blocks and applies retention. `close()` fsyncs the WAL and releases the lock.
 */
export class Db implements Appendable, Queryable {
  readonly dir: string;
  readonly head: Head;
  readonly stats: TsdbStats;
  blocks: BlockReader[];
  private readonly wal: WalWriter;
  private readonly lock: DirLock;
  private readonly logger: TsdbLogger;
  private readonly blockRange: number;
  private readonly retentionMs: number;
  private readonly retentionBytes: number;
  private readonly walCompression: boolean;
  private closed = false;
  private compacting: Promise<void> | undefined;
  private readonly blockWriter = new BlockWriteWorker();
  private walReplay: WalReplayProgress = new WalReplayProgress();
  /** Queriers over blocks not yet closed; block compaction and retention wait for them (a few rounds at most). */
  private blockReaders = 0;
  private deferred = 0;

  private constructor(dir: string, head: Head, blocks: BlockReader[], wal: WalWriter, lock: DirLock, options: DbOptions, stats: TsdbStats, logger: TsdbLogger) {
    this.dir = dir;
    this.head = head;
    this.blocks = blocks;
    this.wal = wal;
    this.lock = lock;
    this.stats = stats;
    this.logger = logger;
    this.blockRange = options.blockRange ?? DEFAULT_CHUNK_RANGE;
    this.retentionMs = options.retentionMs ?? 15 * DAY;
    this.retentionBytes = options.retentionBytes ?? 0;
    this.walCompression = options.walCompression ?? true;
  }

  static async open(dir: string, options: DbOptions = {}, signal?: AbortSignal): Promise<Db> {
    signal?.throwIfAborted();
    const stats = options.stats ?? new TsdbStats();
    const logger = options.logger ?? stderrLogger;
    const progress = options.walReplayProgress ?? new WalReplayProgress();
    mkdirSync(dir, { recursive: true });
    const lock = DirLock.acquire(dir);
    let blocks: BlockReader[] = [];
    try {
      const opened = openBlocks(dir, { log: (line) => logger('error', line) });
      blocks = opened.blocks;
      stats.blocksCorruptedTotal += opened.corrupted.length;
      stats.blocksLoaded = blocks.length;
      const head = new Head({ chunkRange: options.blockRange ?? DEFAULT_CHUNK_RANGE, stats });
      for (const b of blocks) if (b.meta.maxTime > head.minValidTime) head.minValidTime = b.meta.maxTime;
      const walDir = join(dir, 'wal');
      mkdirSync(walDir, { recursive: true });
      const started = Date.now();
      const replayer = new HeadReplayer(head);
      const plan = planReplay(walDir, logger);
      head.beginReplay();
      let replay;
      try {
        replay =
          planBytes(plan) >= (options.walReplayThreadMinBytes ?? 4 * 2 ** 20)
            ? await replayWalInWorker(plan, replayer, { stats, logger, progress }, signal, replayer)
            : replayPlan(plan, replayer, { stats, logger, progress });
        replayer.finish();
      } finally {
        head.endReplay();
      }
      signal?.throwIfAborted();
      logger('info', 'WAL replay completed', {
        records: replay.records,
        samples: replayer.samples,
        dropped_samples: replayer.dropped,
        series: head.numSeries,
        duration_ms: Date.now() - started,
      });
      const wal = new WalWriter(walDir, replay.lastSegment + 1, { segmentSize: options.walSegmentSize, compress: options.walCompression ?? true, stats });
      progress.finish(replay.lastSegment + 1);
      clearHeadChunks(dir, logger);
      const db = new Db(dir, head, blocks, wal, lock, options, stats, logger);
      db.walReplay = progress;
      head.log = (batch) => db.logCommit(batch);
      return db;
    } catch (err) {
      for (const b of blocks) b.close();
      lock.release();
      throw err;
    }
  }

  /** The WAL replay's final figures (Prometheus's /api/v1/status/walreplay). */
  walReplayStatus(): WalReplayStatus {
    return this.walReplay.snapshot();
  }

  private readonly seriesBuf = new ByteWriter(4096);
  private readonly samplesBuf = new ByteWriter(64 * 1024);

  private logCommit(batch: CommitBatch): Promise<void> {
    const recs: Uint8Array[] = [];
    if (batch.seriesRefs.length > 0) {
      encodeSeries(this.seriesBuf.reset(), batch.seriesRefs, batch.seriesLabels);
      recs.push(this.seriesBuf.bytesView());
    }
    encodeSamples(this.samplesBuf.reset(), batch.refs, batch.ts, batch.vs, 0, batch.numSamples);
    recs.push(this.samplesBuf.bytesView());
    this.wal.log(recs);
    return Promise.resolve();
  }

  appender(): Appender {
    if (this.closed) throw new StorageError('closed', 'database is closed');
    return this.head.appender();
  }

  querier(mint: number, maxt: number): Querier {
    if (this.closed) throw new StorageError('closed', 'database is closed');
    const blocks = this.blocks.filter((b) => b.meta.minTime <= maxt && b.meta.maxTime > mint);
    const headQ = this.head.querier(mint, maxt);
    if (blocks.length === 0) return headQ;
    const merged = new MergeQuerier([blocksQuerier(blocks, mint, maxt), headQ]);
    this.blockReaders++;
    let open = true;
    const close = merged.close.bind(merged);
    merged.close = (): void => {
      if (open) {
        open = false;
        this.blockReaders--;
      }
      close();
    };
    return merged;
  }

  /**
   * Deletes the samples of matching series in [mint, maxt] (inclusive), as Prometheus's admin API does: a WAL
   * tombstone record and in-memory tombstones for the head, tombstone files for the blocks. Returns the number of
   * series affected.
   */
  delete(matchers: readonly Matcher[], mint: number, maxt: number): number {
    if (this.closed) throw new StorageError('closed', 'database is closed');
    const head = this.head;
    const stones: Tombstone[] = [];
    const refs = head.postingsFor(matchers);
    for (let i = 0; i < refs.length; i++) {
      const ref = refs[i] as number;
      if (!head.visible(ref) || head.maxTimeOf(ref) < mint || head.minTimeOf(ref) > maxt) continue;
      stones.push({ ref, mint, maxt });
    }
    if (stones.length > 0) {
      const w = new ByteWriter(16 * stones.length + 8);
      encodeTombstones(w, stones);
      this.wal.log([w.bytesView()]);
      for (const s of stones) head.addTombstone(s.ref, s.mint, s.maxt);
    }
    let n = stones.length;
    for (const b of this.blocks) if (b.meta.minTime <= maxt && b.meta.maxTime > mint) n += b.delete(matchers, mint, maxt);
    return n;
  }

  /**
   * Prometheus's clean_tombstones: rewrites every block that has tombstones without the samples they delete, then
   * drops the old block. Runs in turn with compaction (the same single slot), and waits for queriers that are
   * reading blocks; refuses with `StorageError('io')` when they have not finished after `waitMs`. Head tombstones
   * stay until the head is compacted, as in Prometheus. Resolves to the number of blocks rewritten.
   */
  cleanTombstones(waitMs = 30_000): Promise<number> {
    if (this.closed) return Promise.reject(new StorageError('closed', 'database is closed'));
    const previous = this.compacting ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.rewriteTombstonedBlocks(waitMs));
    const slot = run.then(() => undefined, () => undefined).finally(() => {
      if (this.compacting === slot) this.compacting = undefined;
    });
    this.compacting = slot;
    return run;
  }

  private async rewriteTombstonedBlocks(waitMs: number): Promise<number> {
    const deadline = Date.now() + waitMs;
    while (this.blockReaders > 0) {
      if (Date.now() > deadline) throw new StorageError('io', `clean tombstones: ${this.blockReaders} queriers still read blocks after ${waitMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    let rewritten = 0;
    for (const block of this.blocks.filter((b) => b.tombstones.count() > 0)) {
      if (this.closed) break;
      const created = cleanTombstones(block);
      this.blocks = this.blocks.filter((b) => b !== block);
      if (created !== undefined) this.blocks.push(new BlockReader(join(this.dir, created)));
      this.logger('info', 'tombstones cleaned', { block: block.meta.ulid, replaced_by: created ?? '(nothing left)' });
      rewritten++;
    }
    this.blocks.sort((a, b) => a.meta.minTime - b.meta.minTime);
    this.stats.blocksLoaded = this.blocks.length;
    return rewritten;
  }

  /** True when the head spans more than 1.5 block ranges, so its oldest range can become a block. */
  headCompactable(): boolean {
    const min = this.head.minTime();
    const max = this.head.maxTime();
    return !Number.isNaN(min) && max - min > (this.blockRange / 2) * 3;
  }

  /**
   * Head → blocks while compactable (each block written in a worker thread), then WAL checkpoint/truncation, block
   * compaction and retention. Appends and queries go on meanwhile: the ranges being written are already outside
   * the head's appendable window. A second call while one runs waits for it.
   */
  compact(signal?: AbortSignal): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.compacting !== undefined) return this.compacting;
    const run = this.compactAll(signal).finally(() => {
      this.compacting = undefined;
    });
    this.compacting = run;
    return run;
  }

  private async compactAll(signal?: AbortSignal): Promise<void> {
    try {
      let truncated = false;
      while (this.headCompactable() && !this.closed) {
        signal?.throwIfAborted();
        const mint = this.head.minTime();
        const maxt = Math.trunc(mint / this.blockRange) * this.blockRange + this.blockRange;
        await this.compactHeadRange(mint, maxt);
        truncated = true;
      }
      if (this.closed) return;
      if (truncated) this.truncateWal(this.head.minValidTime);
      // Deleting blocks under an open querier would break its reads: wait, but not forever (a leaked querier).
      if (this.blockReaders > 0 && this.deferred < 5) {
        this.deferred++;
        this.logger('debug', 'block compaction and retention deferred: queriers are reading blocks', { readers: this.blockReaders });
        return;
      }
      this.deferred = 0;
      const ranges = exponentialBlockRanges(this.blockRange, 10, 3).filter((r) => r === this.blockRange || this.retentionMs === 0 || r <= Math.min(31 * DAY, this.retentionMs / 10));
      const r = await runCompactionInWorker(this.blocks, ranges, signal);
      if (r.created.length > 0) this.logger('info', 'compacted blocks', { created: r.created.join(','), deleted: r.deleted.length });
      const gone = applyRetention(this.blocks, { retentionMs: this.retentionMs, maxBytes: this.retentionBytes, extraBytes: this.retentionBytes > 0 ? walBytes(join(this.dir, 'wal')) : 0 });
      for (const [ulid, why] of gone) this.logger('info', 'deleting block beyond retention', { block: ulid, reason: why });
      this.stats.retentionBlocksDeletedTotal += gone.size;
      this.stats.blocksLoaded = this.blocks.length;
    } catch (err) {
      this.stats.compactionsFailedTotal++;
      throw asError(err);
    }
  }

  private async compactHeadRange(mint: number, maxt: number): Promise<void> {
    const started = Date.now();
    const ulid = await this.blockWriter.write(this.dir, headBlockInput(this.head, mint, maxt));
    if (this.closed) return;
    this.blocks.push(new BlockReader(join(this.dir, ulid)));
    this.blocks.sort((a, b) => a.meta.minTime - b.meta.minTime);
    this.stats.compactionsTotal++;
    this.head.truncate(maxt);
    this.logger('info', 'head compacted into a block', { block: ulid, mint, maxt, duration_ms: Date.now() - started });
  }

  /** Prometheus's WAL truncation: new segment, checkpoint the older two thirds, delete what the checkpoint covers. */
  private truncateWal(mint: number): void {
    const walDir = join(this.dir, 'wal');
    const segs = listSegments(walDir);
    this.wal.nextSegment();
    if (segs.length === 0) return;
    const first = segs[0] as number;
    // Never the newest segment; the older two thirds hold mostly samples the blocks now have.
    const last = first + Math.trunc((((segs[segs.length - 1] as number) - 1 - first) * 2) / 3);
    if (last <= first) return;
    try {
      const cp = createCheckpoint(walDir, first, last, { keep: (ref) => this.head.exists(ref), mint, compress: this.walCompression });
      this.stats.checkpointCreationsTotal++;
      truncateWal(walDir, last + 1);
      this.stats.walTruncationsTotal++;
      this.stats.checkpointDeletionsTotal += deleteCheckpointsBefore(walDir, last);
      this.logger('info', 'WAL checkpoint complete', { first, last, series: cp.series, samples: cp.samples });
    } catch (err) {
      this.stats.checkpointCreationsFailedTotal++;
      this.logger('error', 'WAL checkpoint failed; the WAL keeps its segments', { err: (err as Error).message });
    }
  }

  /** Runs `compact()` every `intervalMs` until `signal` aborts (Prometheus checks every minute). */
  runBackground(signal: AbortSignal, intervalMs = 60_000): void {
    const timer = setInterval(() => {
      this.compact(signal).catch((err: unknown) => this.logger('error', 'compaction failed', { err: String(err) }));
    }, intervalMs);
    timer.unref();
    signal.addEventListener('abort', () => clearInterval(timer), { once: true });
  }

  /** Stops accepting work, fsyncs and closes the WAL, closes blocks and removes the lock file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.compacting?.catch(() => undefined);
    await this.blockWriter.close();
    this.head.close();
    try {
      this.wal.close();
    } finally {
      for (const b of this.blocks) b.close();
      this.lock.release();
    }
  }
}

/** Prometheus's memory-mapped head chunks duplicate what the WAL holds; Vigil replays the WAL and drops them. */
function clearHeadChunks(dir: string, logger: TsdbLogger): void {
  const cdir = join(dir, 'chunks_head');
  if (existsSync(cdir)) {
    const files = readdirSync(cdir);
    if (files.length > 0) {
      for (const f of files) rmSync(join(cdir, f), { recursive: true, force: true });
      logger('info', 'removed head chunk files (their samples were replayed from the WAL)', { files: files.length });
    }
  } else {
    mkdirSync(cdir, { recursive: true });
  }
}

function walBytes(walDir: string): number {
  let n = 0;
  for (const s of listSegments(walDir)) n += statSync(join(walDir, String(s).padStart(8, '0'))).size;
  return n;
}

