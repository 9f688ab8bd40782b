// meta.json of a block: read, validate, and write in the exact shape Prometheus writes (tabs, key order).

import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StorageError } from '../storage/storage-error.js';
import { isUlid } from './ulid.js';

export interface BlockStats {
  numSamples: number;
  numSeries: number;
  numChunks: number;
  numTombstones: number;
}

export interface BlockParent {
  ulid: string;
  minTime: number;
  maxTime: number;
}

export interface BlockCompaction {
  /** 1 for blocks cut from the head or backfilled; a compaction result is max(parent levels) + 1. */
  level: number;
  /** ULIDs of all level-1 ancestors, sorted; a level-1 block lists itself. */
  sources: string[];
  parents?: BlockParent[];
  deletable?: boolean;
  failed?: boolean;
  hints?: string[];
}

/** meta.json. Times are milliseconds; minTime inclusive, maxTime exclusive. */
export interface BlockMeta {
  ulid: string;
  minTime: number;
  maxTime: number;
  stats: BlockStats;
  compaction: BlockCompaction;
  version: 1;
}

/** Reads and validates `<blockDir>/meta.json`; StorageError `corruption` when it is not a valid version-1 meta. */
export function readBlockMeta(blockDir: string): BlockMeta {
  const path = join(blockDir, 'meta.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new StorageError('corruption', `${path}: cannot read block meta: ${(err as Error).message}`, { cause: err });
  }
  return parseBlockMeta(raw, path);
}

function parseBlockMeta(raw: unknown, path: string): BlockMeta {
  const bad = (what: string): never => {
    throw new StorageError('corruption', `${path}: ${what}`);
  };
  if (typeof raw !== 'object' || raw === null) return bad('not a JSON object');
  const o = raw as Record<string, unknown>;
  if (o.version !== 1) bad(`unsupported meta version ${JSON.stringify(o.version)}`);
  if (typeof o.ulid !== 'string' || !isUlid(o.ulid)) bad(`bad ulid ${JSON.stringify(o.ulid)}`);
  if (!Number.isSafeInteger(o.minTime) || !Number.isSafeInteger(o.maxTime)) bad('minTime/maxTime must be integers');
  const st = (typeof o.stats === 'object' && o.stats !== null ? o.stats : {}) as Record<string, unknown>;
  const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  const c = (typeof o.compaction === 'object' && o.compaction !== null ? o.compaction : {}) as Record<string, unknown>;
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const compaction: BlockCompaction = { level: num(c.level) || 1, sources: strings(c.sources) };
  if (Array.isArray(c.parents) && c.parents.length > 0) {
    compaction.parents = c.parents.map((p: Record<string, unknown>) => ({ ulid: String(p.ulid), minTime: num(p.minTime), maxTime: num(p.maxTime) }));
  }
  if (c.deletable === true) compaction.deletable = true;
  if (c.failed === true) compaction.failed = true;
  const hints = strings(c.hints);
  if (hints.length > 0) compaction.hints = hints;
  return {
    ulid: (o.ulid as string).toUpperCase(),
    minTime: o.minTime as number,
    maxTime: o.maxTime as number,
    stats: { numSamples: num(st.numSamples), numSeries: num(st.numSeries), numChunks: num(st.numChunks), numTombstones: num(st.numTombstones) },
    compaction,
    version: 1,
  };
}

/** The meta.json text exactly as Prometheus writes it: tab-indented, fixed key order, zero stats omitted, no final newline. */
export function formatBlockMeta(meta: BlockMeta): string {
  const stats: Record<string, number> = {};
  if (meta.stats.numSamples) stats.numSamples = meta.stats.numSamples;
  if (meta.stats.numSeries) stats.numSeries = meta.stats.numSeries;
  if (meta.stats.numChunks) stats.numChunks = meta.stats.numChunks;
  if (meta.stats.numTombstones) stats.numTombstones = meta.stats.numTombstones;
  const c = meta.compaction;
  const compaction: Record<string, unknown> = { level: c.level, sources: c.sources };
  if (c.deletable) compaction.deletable = true;
  if (c.parents !== undefined && c.parents.length > 0) {
    compaction.parents = c.parents.map((p) => ({ ulid: p.ulid, minTime: p.minTime, maxTime: p.maxTime }));
  }
  if (c.failed) compaction.failed = true;
  if (c.hints !== undefined && c.hints.length > 0) compaction.hints = c.hints;
  return JSON.stringify({ ulid: meta.ulid, minTime: meta.minTime, maxTime: meta.maxTime, stats, compaction, version: 1 }, null, '\t');
}

/** Writes meta.json through `meta.json.tmp` and a rename, so a reader never sees half a file. */
export function writeBlockMeta(blockDir: string, meta: BlockMeta): void {
  const tmp = join(blockDir, 'meta.json.tmp');
  writeFileSync(tmp, formatBlockMeta(meta));
  renameSync(tmp, join(blockDir, 'meta.json'));
}
