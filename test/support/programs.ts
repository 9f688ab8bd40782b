// Starting real programs (promtool, prometheus, exporters) from tests: find them, run them, wait for them, stop them.

import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * The path of a program on PATH (or at an absolute path), or a reason to skip.
 * In CI (CI=true) a missing program fails the test instead: CI installs every program the tests use.
 */
export function findProgram(name: string): { path: string; skip?: undefined } | { path?: undefined; skip: string } {
  const found = name.startsWith('/') ? (existsSync(name) ? name : '') : spawnSync('sh', ['-c', `command -v ${name}`]).stdout.toString().trim();
  if (found !== '') return { path: found };
  if (process.env.CI === 'true') throw new Error(`${name} is not installed; .ci/run must install it`);
  return { skip: `${name} is not installed (run .ci/run's apt-get line)` };
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface RunningProgram {
  readonly process: ChildProcess;
  /** Everything the program printed so far (stdout and stderr), for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts a long-running program; `stop()` sends SIGTERM, then SIGKILL after 5 s. */
export function startProgram(path: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): RunningProgram {
  const child = spawn(path, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    process: child,
    output: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls `url` until it answers 2xx, or fails after `timeoutMs` with what the program printed. */
export async function waitForHttp(url: string, program?: RunningProgram, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (program !== undefined && program.process.exitCode !== null) {
      throw new Error(`program exited with ${program.process.exitCode} before ${url} answered:\n${program.output()}`);
    }
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (r.ok) return;
      last = `HTTP ${r.status}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms (${last})${program ? `:\n${program.output()}` : ''}`);
}

/** Runs a program to completion and returns its exit code and output. */
export function runProgram(path: string, args: string[], input?: string | Buffer): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(path, args, { input, maxBuffer: 256 * 1024 * 1024 });
  return { status: r.status ?? -1, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}
