// The data directory's `lock` file: refuses a directory another Prometheus or Vigil process is using.

import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StorageError } from '../storage/storage-error.js';

/**
 * Node has no flock(2), so Vigil cannot hold the lock the way Prometheus does. It refuses a directory whose `lock`
 * file another process holds an flock on (a running Prometheus, seen in /proc/locks) or names a running Vigil
 * process, then writes its own pid and start time into the file and removes it on close. A lock left by a killed
 * Vigil names a process that is gone (or a pid reused by a process started later) and is taken over. Prometheus
 * ignores the file's content and cannot see Vigil's use: never run both on one directory at once.
 */
export class DirLock {
  readonly path: string;
  private readonly mark: string;

  private constructor(path: string, mark: string) {
    this.path = path;
    this.mark = mark;
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
      const vigil = vigilHolder(path);
      if (vigil !== undefined) {
        throw new StorageError('io', `lock DB directory ${dataDir}: ${path} is held by Vigil process ${vigil}`);
      }
    }
    const mark = markOf(process.pid);
    writeFileSync(path, mark);
    // Two processes that started at once both wrote: the last write wins, and the other one sees it here.
    const vigil = vigilHolder(path);
    if (vigil !== undefined) {
      throw new StorageError('io', `lock DB directory ${dataDir}: ${path} is held by Vigil process ${vigil}`);
    }
    return new DirLock(path, mark);
  }

  release(): void {
    if (readText(this.path) === this.mark) rmSync(this.path, { force: true });
  }
}

/** What a Vigil process writes into the lock file: its pid and, where /proc has it, its start time. */
function markOf(pid: number): string {
  const start = startTime(pid);
  return start === undefined ? `${pid}\n` : `${pid} ${start}\n`;
}

/** The pid of another running Vigil process named in the lock file; undefined when none (empty, stale or ours). */
function vigilHolder(path: string): number | undefined {
  const text = readText(path);
  const m = text === undefined ? null : /^(\d+)(?: (\d+))?\n$/.exec(text);
  if (m === null) return undefined;
  const pid = Number(m[1]);
  if (pid === process.pid || !isRunning(pid)) return undefined;
  return m[2] === undefined || startTime(pid) === m[2] ? pid : undefined;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Field 22 of /proc/PID/stat: the process's start time in clock ticks after boot; undefined without /proc. */
function startTime(pid: number): string | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The pid holding an flock on inode `ino`, per /proc/locks; undefined when none or unknown. */
function flockHolder(ino: number): number | undefined {
  const text = readText('/proc/locks');
  if (text === undefined) return undefined;
  for (const line of text.split('\n')) {
    // "1: FLOCK  ADVISORY  WRITE 1234 fe:00:2146696 0 EOF"
    const f = line.trim().split(/\s+/);
    if (f[1] !== 'FLOCK') continue;
    const dev = f[5]?.split(':');
    if (dev !== undefined && Number(dev[2]) === ino) return Number(f[4]);
  }
  return undefined;
}
