// The shape every CLI command has, and the streams it is handed (so tests run commands in process).

import type { Readable, Writable } from 'node:stream';

export interface CommandIO {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  /** Environment variables; tests pass their own. */
  env: Record<string, string | undefined>;
}

export interface Command {
  /** The words after `vigil` that select this command, e.g. `['check', 'metrics']`. */
  readonly path: readonly string[];
  /** One line for the command list. */
  readonly summary: string;
  /** Full help text for `vigil <path> --help`: usage line, then flags. */
  readonly help: string;
  /** Runs the command with the arguments after its path; resolves to the process exit code. */
  run(args: string[], io: CommandIO, signal: AbortSignal): Promise<number>;
}

/** A wrong flag or argument: printed with the command's help, exit code 2 (as flag parsers do). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
