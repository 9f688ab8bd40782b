// In-memory streams for running CLI commands inside tests.

import { PassThrough, Readable } from 'node:stream';
import type { CommandIO } from './command.js';

export interface CapturedIO extends CommandIO {
  /** Everything written to stdout so far. */
  out(): string;
  /** Everything written to stderr so far. */
  err(): string;
}

/** IO whose stdin yields `input` and whose stdout/stderr are captured. */
export function captureIO(input: string | Buffer = '', env: Record<string, string | undefined> = {}): CapturedIO {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const outChunks: Buffer[] = [];
  const errChunks: Buffer[] = [];
  stdout.on('data', (c: Buffer) => outChunks.push(c));
  stderr.on('data', (c: Buffer) => errChunks.push(c));
  return {
    stdin: Readable.from(input.length === 0 ? [] : [typeof input === 'string' ? Buffer.from(input) : input]),
    stdout,
    stderr,
    env,
    out: () => Buffer.concat(outChunks).toString('utf8'),
    err: () => Buffer.concat(errChunks).toString('utf8'),
  };
}
