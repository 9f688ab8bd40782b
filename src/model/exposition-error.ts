// The one error type of the exposition parsers and content negotiation: what was wrong, and where.

import { ParseError } from './errors.js';
import type { Position } from './errors.js';

/**
 * Bad exposition input. Codes:
 * - `bad_exposition`: the text breaks the format's syntax, or (strict mode) one of its rules;
 * - `unsupported_exposition`: the input is in a format Vigil does not read as text (e.g. protobuf).
 */
export class ExpositionError extends ParseError {
  constructor(code: 'bad_exposition' | 'unsupported_exposition', message: string, position: Position) {
    super(code, message, position);
    this.name = 'ExpositionError';
  }
}
