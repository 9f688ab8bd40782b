// Compaction off the event loop: the same compaction as compactor.ts, run in a worker thread.
//
// The worker opens the input blocks by directory, writes the new block (published by the usual atomic rename)
// and answers with its ULID; the calling thread then swaps the blocks. Aborting terminates the worker; what it
// left behind is a `<ULID>.tmp-for-creation` directory, which `openBlocks` removes on the next start (or, when
// it had just published, a block overlapping its inputs, which the next compaction merges without duplicates).

import { dirname, join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { StorageError } from '../storage/storage-error.js';
import { deleteBlockDir } from './block-dir.js';
import type { BlockReader } from './block-reader.js';
import { openBlock } from './block-reader.js';
import { planCompaction } from './compaction-planner.js';
import { compactBlocks } from './compactor.js';

interface Job {
  parentDir: string;
  dirs: string[];
}

type Reply = { ok: true; ulid: string | undefined } | { ok: false; code: string; message: string };

/** Compacts the blocks in `dirs` into a new block in `parentDir` on a worker thread; resolves to its ULID. */
export function compactInWorker(parentDir: string, dirs: readonly string[], signal?: AbortSignal): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason);
      return;
    }
    const job: Job = { parentDir, dirs: [...dirs] };
    const worker = new Worker(new URL(import.meta.url), { workerData: job });
    let settled = false;
    const onAbort = (): void => {
      settled = true;
      void worker.terminate();
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (r: Reply) => {
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (r.ok) resolve(r.ulid);
      else reject(new StorageError(r.code === 'corruption' ? 'corruption' : 'io', r.message));
    });
    worker.once('error', (err) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      reject(err);
    });
    worker.once('exit', (code) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      reject(new StorageError('io', `compaction worker exited with code ${code}`));
    });
  });
}

/**
 * `runCompaction` with each compaction in a worker thread: plans, compacts, then (on this thread) closes and
 * deletes the inputs and opens the result. A failed compaction marks its inputs `compaction.failed` and throws.
 * `blocks` is updated in place.
 */
export async function runCompactionInWorker(
  blocks: BlockReader[],
  ranges: readonly number[],
  signal?: AbortSignal,
): Promise<{ created: string[]; deleted: string[] }> {
  const created: string[] = [];
  const deleted: string[] = [];
  for (;;) {
    signal?.throwIfAborted();
    const plan = planCompaction(blocks, ranges);
    if (plan.length === 0) return { created, deleted };
    const chosen = blocks.filter((b) => plan.includes(b.dir));
    const parentDir = dirname((chosen[0] as BlockReader).dir);
    let ulid: string | undefined;
    try {
      ulid = await compactInWorker(parentDir, plan, signal);
    } catch (err) {
      if (!(signal?.aborted === true)) for (const b of chosen) b.markCompactionFailed();
      throw err;
    }
    for (const b of chosen) {
      b.close();
      deleteBlockDir(b.dir);
      blocks.splice(blocks.indexOf(b), 1);
      deleted.push(b.meta.ulid);
    }
    if (ulid !== undefined) {
      created.push(ulid);
      blocks.push(openBlock(join(parentDir, ulid)));
    }
  }
}

if (!isMainThread && parentPort !== null && (workerData as Job | undefined)?.dirs !== undefined) {
  const job = workerData as Job;
  const port = parentPort;
  const opened: BlockReader[] = [];
  try {
    for (const d of job.dirs) opened.push(openBlock(d));
    const ulid = compactBlocks(job.parentDir, opened);
    port.postMessage({ ok: true, ulid } satisfies Reply);
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    port.postMessage({ ok: false, code: err instanceof StorageError ? err.code : 'io', message: e.message } satisfies Reply);
  } finally {
    for (const b of opened) b.close();
  }
}
