// Shared by the `vigil tsdb` commands: flag parsing, opening a data directory's blocks, writing large output.

import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { StorageError } from '../storage/storage-error.js';
import { openBlocks } from '../tsdb/block-dir.js';
import type { BlockReader } from '../tsdb/block-reader.js';
import { Head } from '../tsdb/head.js';
import { HeadReplayer } from '../tsdb/head-replay.js';
import { readSegment } from '../tsdb/wal-reader.js';
import { decodeRecord } from '../tsdb/wal-records.js';
import { checkpointName, listCheckpoints, listSegments, segmentName } from '../tsdb/wal-segments.js';
import { UsageError } from './command.js';

/** node:util parseArgs with unknown flags and missing values reported as usage errors. */
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T): ReturnType<typeof parseArgs<{ options: T; allowPositionals: true; args: string[] }>> {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/**
 * The blocks of `dir`, sorted by minTime. Corrupt blocks are reported on stderr and left out; `corrupt` counts
 * them so the command can exit 1 after serving the rest. A missing directory is an error, as in promtool.
 */
export function openDataDir(dir: string, stderr: Writable, options: { verifyChunks?: boolean } = {}): { blocks: BlockReader[]; corrupt: number } {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new StorageError('io', `opening the db dir: stat ${dir}: no such file or directory`);
  const { blocks, corrupted } = openBlocks(dir, { cleanup: false, verifyChunks: options.verifyChunks === true });
  for (const c of corrupted) stderr.write(`block ${c.dir} set aside: ${c.error.message}\n`);
  return { blocks, corrupt: corrupted.length };
}

/**
 * The in-memory head of `dir` rebuilt from its WAL (newest checkpoint, then the segments after it), without
 * changing anything on disk: a corrupt record ends the read with a message on stderr instead of a repair.
 * Samples at or before `minValidTime` (the newest block's end) are dropped, as on a server start.
 * Undefined when there is no WAL.
 */
export function readHeadReadOnly(dir: string, minValidTime: number, stderr: Writable): Head | undefined {
  const walDir = join(dir, 'wal');
  if (!existsSync(walDir)) return undefined;
  const head = new Head({});
  head.minValidTime = minValidTime;
  const replayer = new HeadReplayer(head);
  const replay = (d: string, s: number): void =>
    readSegment(d, s, (rec, offset) => decodeRecord(rec, replayer, `${join(d, segmentName(s))} record at offset ${offset}`));
  try {
    const cp = listCheckpoints(walDir).pop();
    if (cp !== undefined) for (const s of listSegments(join(walDir, checkpointName(cp)))) replay(join(walDir, checkpointName(cp)), s);
    let prev: number | undefined;
    for (const s of listSegments(walDir)) {
      if (cp !== undefined && s <= cp) continue;
      if (prev !== undefined && s !== prev + 1) break;
      replay(walDir, s);
      prev = s;
    }
  } catch (err) {
    if (!(err instanceof StorageError)) throw err;
    stderr.write(`reading the WAL stopped early: ${err.message}\n`);
  }
  replayer.finish();
  return head;
}

/** Buffers text and writes it to `out` in large pieces, waiting when the stream asks for it. */
export class OutputBuffer {
  private readonly out: Writable;
  private parts: string[] = [];
  private size = 0;

  constructor(out: Writable) {
    this.out = out;
  }

  /** Adds text; flushes (and waits for drain when needed) every 64 KiB. */
  async add(s: string): Promise<void> {
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= 65536) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.size === 0) return;
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (!this.out.write(text)) await new Promise<void>((resolve) => this.out.once('drain', () => resolve()));
  }
}
