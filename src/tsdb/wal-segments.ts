// WAL directory layout: 8-digit segment names, checkpoint.NNNNNNNN directories, page and header sizes.

import { readdirSync } from 'node:fs';

export const WAL_PAGE_SIZE = 32 * 1024;
export const WAL_FRAGMENT_HEADER = 7;
export const DEFAULT_SEGMENT_SIZE = 128 * 1024 * 1024;

export const FRAGMENT_PADDING = 0;
export const FRAGMENT_FULL = 1;
export const FRAGMENT_FIRST = 2;
export const FRAGMENT_MIDDLE = 3;
export const FRAGMENT_LAST = 4;
export const FLAG_SNAPPY = 0x08;
export const FLAG_ZSTD = 0x10;

export function segmentName(n: number): string {
  return String(n).padStart(8, '0');
}

export function checkpointName(n: number): string {
  return `checkpoint.${segmentName(n)}`;
}

/** Segment numbers in `dir` (names that are all digits), ascending. */
export function listSegments(dir: string): number[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => a - b);
}

/** Checkpoint numbers in `dir` (finished ones, not `.tmp`), ascending. */
export function listCheckpoints(dir: string): number[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .map((n) => /^checkpoint\.(\d+)$/.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}
