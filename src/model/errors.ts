// Typed errors with stable codes: every error Vigil raises on bad input is a VigilError.

/** Where in an input a problem was found. Line and column are 1-based. */
export interface Position {
  file?: string;
  line: number;
  column: number;
}

/** The base of every error Vigil raises on purpose. `code` is stable and documented; `message` is for people. */
export class VigilError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VigilError';
    this.code = code;
  }
}

/** Bad input in a text format (exposition, PromQL, YAML, ...), with the place it was found. */
export class ParseError extends VigilError {
  readonly position: Position;

  constructor(code: string, message: string, position: Position, options?: { cause?: unknown }) {
    super(code, `${formatPosition(position)}: ${message}`, options);
    this.name = 'ParseError';
    this.position = position;
  }
}

/** `file:line:column`, or `line:column` when no file is known. */
export function formatPosition(p: Position): string {
  return p.file === undefined ? `${p.line}:${p.column}` : `${p.file}:${p.line}:${p.column}`;
}

/** `err` when it is an Error, otherwise an Error with its text (for values thrown by code that throws non-Errors). */
export function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
