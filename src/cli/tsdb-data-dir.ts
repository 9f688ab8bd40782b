// Shared by the `vigil tsdb` commands: flag parsing, opening a data directory's blocks, writing large output.

import { existsSync, statSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { StorageError } from '../storage/storage-error.js';
import { openBlocks } from '../tsdb/block-dir.js';
import type { BlockReader } from '../tsdb/block-reader.js';
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
