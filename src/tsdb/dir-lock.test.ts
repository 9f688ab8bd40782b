// Tests for the data directory lock between Vigil processes.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DirLock } from './dir-lock.js';

const lockModule = fileURLToPath(new URL('./dir-lock.js', import.meta.url));

/** Starts a process that takes the lock on `dir` and then idles; resolves once it holds it. */
async function holdInChild(dir: string): Promise<{ pid: number; kill: () => Promise<void> }> {
  const script = `import(${JSON.stringify(lockModule)}).then((m) => { m.DirLock.acquire(${JSON.stringify(dir)}); console.log('locked'); setInterval(() => {}, 1000); });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
  assert.equal(chunk.toString().trim(), 'locked');
  return {
    pid: child.pid ?? 0,
    kill: async () => {
      child.kill('SIGKILL');
      await once(child, 'exit');
    },
  };
}

test('a directory a running Vigil process holds is refused; after that process is killed it is taken over', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-lock-'));
  try {
    const child = await holdInChild(dir);
    try {
      assert.throws(() => DirLock.acquire(dir), (err: Error) => err.message.includes(`held by Vigil process ${child.pid}`));
    } finally {
      await child.kill();
    }
    assert.ok(existsSync(join(dir, 'lock')), 'a killed process leaves its lock file behind');
    const lock = DirLock.acquire(dir);
    assert.match(readFileSync(join(dir, 'lock'), 'utf8'), new RegExp(`^${process.pid}( \\d+)?\\n$`));
    lock.release();
    assert.equal(existsSync(join(dir, 'lock')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('lock files of gone processes, reused pids and Prometheus (empty) are taken over', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-lock-'));
  try {
    // pid 1 is running, but not with that start time: the pid was reused.
    for (const stale of ['', '2147483646\n', '1 99999999999\n']) {
      writeFileSync(join(dir, 'lock'), stale);
      DirLock.acquire(dir).release();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('release leaves a lock file another process has taken over', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-lock-'));
  try {
    const lock = DirLock.acquire(dir);
    writeFileSync(join(dir, 'lock'), '2147483646\n');
    lock.release();
    assert.equal(readFileSync(join(dir, 'lock'), 'utf8'), '2147483646\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
