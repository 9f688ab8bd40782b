// The data directory's `lock` file: created empty like Prometheus's, and checked against other processes' flocks.

import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StorageError } from '../storage/storage-error.js';

/**
 * Node has no flock(2), so Vigil cannot hold the lock the way Prometheus does. It refuses a directory whose `lock`
 * file another process holds an flock on (a running Prometheus, seen in /proc/locks), creates the empty file, and
 * removes it on close. Prometheus cannot see Vigil's use: never run both on one directory at once.
 */
export class DirLock {
  readonly path: string;

  private constructor(path: string) {
    this.path = path;
  }

  static acquire(dataDir: string): DirLock {
    const path = join(dataDir, 'lock');
    let ino: number | undefined;
    try {
      ino = statSync(path).ino;
    } catch {
      ino = undefined;
    }
    if (ino !== undefined) {
      const holder = flockHolder(ino);
      if (holder !== undefined && holder !== process.pid) {
        throw new StorageError('io', `lock DB directory ${dataDir}: ${path} is locked by process ${holder}`);
      }
    }
    writeFileSync(path, '');
    return new DirLock(path);
  }

  release(): void {
    rmSync(this.path, { force: true });
  }
}

/** The pid holding an flock on inode `ino`, per /proc/locks; undefined when none or unknown. */
function flockHolder(ino: number): number | undefined {
  let text: string;
  try {
    text = readFileSync('/proc/locks', 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    // "1: FLOCK  ADVISORY  WRITE 1234 fe:00:2146696 0 EOF"
    const f = line.trim().split(/\s+/);
    if (f[1] !== 'FLOCK') continue;
    const dev = f[5]?.split(':');
    if (dev !== undefined && Number(dev[2]) === ino) return Number(f[4]);
  }
  return undefined;
}
