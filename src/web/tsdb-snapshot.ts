// Snapshots of a data directory (POST /api/v1/admin/tsdb/snapshot): hard links of every block, plus the head as a block.

import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../tsdb/db.js';
import { headBlockInput } from '../tsdb/head-block-source.js';
import { writeBlock } from '../tsdb/block-writer.js';

/**
 * Creates `<data dir>/snapshots/<UTC time>-<16 hex digits>` (Prometheus's naming) holding every block as hard links
 * (blocks are immutable) and, unless `skipHead`, the head's samples written as one more block. Returns the name.
 */
export function snapshotDb(db: Db, skipHead: boolean, now: number): string {
  const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const name = `${stamp}-${randomBytes(8).toString('hex')}`;
  const dir = join(db.dir, 'snapshots', name);
  mkdirSync(dir, { recursive: true });
  for (const b of db.blocks) linkTree(b.dir, join(dir, b.dir.split(/[\\/]/).pop() as string));
  if (!skipHead) {
    const mint = db.head.minTime();
    const maxt = db.head.maxTime();
    if (Number.isFinite(mint) && Number.isFinite(maxt)) writeBlock(dir, headBlockInput(db.head, mint, maxt + 1));
  }
  return name;
}

function linkTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const e of readdirSync(from)) {
    const src = join(from, e);
    if (statSync(src).isDirectory()) linkTree(src, join(to, e));
    else linkSync(src, join(to, e));
  }
}
