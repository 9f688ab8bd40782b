// Writes blocks in a worker thread, so head compaction does not stall scrapes and queries on the main thread.

import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { Labels } from '../model/labels.js';
import { StorageError } from '../storage/storage-error.js';
import type { BlockInput, SeriesData } from './block.js';
import { writeBlock } from './block-writer.js';

/** A BlockInput in a few flat arrays: cheap to post to a worker (the chunk bytes are transferred, not copied). */
interface PackedBlockInput {
  parentDir: string;
  mint: number;
  maxt: number;
  /** Per series: flat label strings. */
  labels: string[][];
  /** Per series: index of its first chunk; one extra entry at the end. */
  firstChunk: Int32Array;
  chunkMint: Float64Array;
  chunkMaxt: Float64Array;
  /** Byte range of each chunk in `bytes`: chunk i is [chunkStart[i], chunkStart[i+1]). */
  chunkStart: Float64Array;
  bytes: Uint8Array;
}

type Reply = { id: number; ulid: string } | { id: number; error: string; code: string };

const MARKER = 'vigil-block-writer';

/** Copies the input's chunk bytes into one buffer (the head's arenas stay on the main thread). */
function pack(parentDir: string, input: BlockInput): PackedBlockInput {
  const series: SeriesData[] = [...input.series];
  let nChunks = 0;
  let nBytes = 0;
  for (const s of series) {
    nChunks += s.chunks.length;
    for (const c of s.chunks) nBytes += c.bytes.length;
  }
  const p: PackedBlockInput = {
    parentDir,
    mint: input.mint,
    maxt: input.maxt,
    labels: series.map((s) => [...s.labels.flat]),
    firstChunk: new Int32Array(series.length + 1),
    chunkMint: new Float64Array(nChunks),
    chunkMaxt: new Float64Array(nChunks),
    chunkStart: new Float64Array(nChunks + 1),
    bytes: new Uint8Array(nBytes),
  };
  let c = 0;
  let off = 0;
  series.forEach((s, i) => {
    p.firstChunk[i] = c;
    for (const ch of s.chunks) {
      p.chunkMint[c] = ch.mint;
      p.chunkMaxt[c] = ch.maxt;
      p.chunkStart[c] = off;
      p.bytes.set(ch.bytes, off);
      off += ch.bytes.length;
      c++;
    }
  });
  p.firstChunk[series.length] = c;
  p.chunkStart[c] = off;
  return p;
}

function unpack(p: PackedBlockInput): BlockInput {
  const series: SeriesData[] = p.labels.map((flat, i) => {
    const chunks = [];
    for (let c = p.firstChunk[i] as number; c < (p.firstChunk[i + 1] as number); c++) {
      chunks.push({ mint: p.chunkMint[c] as number, maxt: p.chunkMaxt[c] as number, bytes: p.bytes.subarray(p.chunkStart[c] as number, p.chunkStart[c + 1] as number) });
    }
    return { labels: Labels.fromSortedFlat(flat), chunks };
  });
  return { mint: p.mint, maxt: p.maxt, series };
}

if (!isMainThread && workerData === MARKER && parentPort !== null) {
  const port = parentPort;
  port.on('message', (msg: { id: number; input: PackedBlockInput }) => {
    let reply: Reply;
    try {
      reply = { id: msg.id, ulid: writeBlock(msg.input.parentDir, unpack(msg.input)) };
    } catch (err) {
      reply = { id: msg.id, error: err instanceof Error ? err.message : String(err), code: (err as { code?: string }).code ?? 'io' };
    }
    port.postMessage(reply);
  });
}

/**
 * One worker thread that writes blocks, one at a time. Falls back to writing on the calling thread when a worker
 * cannot be started. `close()` ends the thread.
 */
export class BlockWriteWorker {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (ulid: string) => void; reject: (err: Error) => void }>();
  private broken = false;

  private start(): Worker | undefined {
    if (this.worker !== undefined || this.broken) return this.worker;
    try {
      const w = new Worker(new URL(import.meta.url), { workerData: MARKER });
      w.unref();
      w.on('message', (r: Reply) => {
        const p = this.pending.get(r.id);
        if (p === undefined) return;
        this.pending.delete(r.id);
        if ('ulid' in r) p.resolve(r.ulid);
        else p.reject(new StorageError(r.code === 'corruption' ? 'corruption' : 'io', r.error));
      });
      w.on('error', (err) => this.fail(err));
      w.on('exit', (code) => {
        if (this.worker === w) this.worker = undefined;
        if (this.pending.size > 0) this.fail(new StorageError('io', `block writer thread exited with code ${code}`));
      });
      this.worker = w;
    } catch {
      this.broken = true;
    }
    return this.worker;
  }

  private fail(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  /** Writes `input` as a block under `parentDir`; resolves to its ULID. */
  write(parentDir: string, input: BlockInput): Promise<string> {
    const packed = pack(parentDir, input);
    const w = this.start();
    if (w === undefined) {
      try {
        return Promise.resolve(writeBlock(parentDir, unpack(packed)));
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
    }
    const id = this.nextId++;
    return new Promise<string>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage({ id, input: packed }, [packed.bytes.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w !== undefined) await w.terminate();
  }
}
