// File-name globs as Prometheus uses them for rule_files and file_sd_configs: `*` and `?` within one path segment.

import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** True when the pattern has glob characters. */
export function hasGlob(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

/** Matches one path segment against a pattern of `*` (any run, not `/`) and `?` (any one character). */
export function matchSegment(pattern: string, name: string): boolean {
  let p = 0;
  let n = 0;
  let starP = -1;
  let starN = 0;
  while (n < name.length) {
    const c = pattern[p];
    if (c === '*') {
      starP = p++;
      starN = n;
    } else if (c !== undefined && (c === '?' || c === name[n])) {
      p++;
      n++;
    } else if (starP >= 0) {
      p = starP + 1;
      n = ++starN;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

/**
 * The existing files a pattern names, sorted; a pattern without glob characters yields itself when it exists.
 * Unreadable directories count as empty (as Go's filepath.Glob ignores I/O errors).
 */
export async function glob(pattern: string): Promise<string[]> {
  const absolute = pattern.startsWith('/');
  const segments = pattern.split('/').filter((s, i) => s !== '' || i === 0);
  let paths = [absolute ? '/' : ''];
  for (let i = absolute ? 1 : 0; i < segments.length; i++) {
    const seg = segments[i] as string;
    const next: string[] = [];
    for (const base of paths) {
      if (!hasGlob(seg)) {
        next.push(base === '' ? seg : join(base, seg));
        continue;
      }
      let names: string[] = [];
      try {
        names = await readdir(base === '' ? '.' : base);
      } catch {
        names = [];
      }
      for (const name of names.sort()) if (matchSegment(seg, name)) next.push(base === '' ? name : join(base, name));
    }
    paths = next;
  }
  const existing: string[] = [];
  for (const p of paths) {
    try {
      await stat(p);
      existing.push(p);
    } catch {
      // not there
    }
  }
  return existing;
}
