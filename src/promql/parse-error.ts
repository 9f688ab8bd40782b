// PromQL parse errors with Prometheus's wording and position format (`1:5: parse error: unexpected …`).

import { ParseError, type Position } from '../model/errors.js';
import type { PosRange } from './ast.js';
import { utf8Length } from './go-string.js';

/**
 * 1-based line and column of a UTF-16 offset in `query`, with the column counted in UTF-8 bytes as Prometheus does
 * (`1:1` is the first character).
 */
export function positionOf(query: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), query.length);
  for (let i = 0; i < end; i++) {
    if (query.charCodeAt(i) === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: utf8Length(query.slice(lineStart, end)) + 1 };
}

/** A PromQL query that does not parse or type-check. `message` is `<line>:<col>: parse error: <detail>`. */
export class PromQLParseError extends ParseError {
  /** The error text without position, e.g. `unexpected end of input`. */
  readonly detail: string;
  /** Where in the query (UTF-16 offsets). */
  readonly posRange: PosRange;
  readonly query: string;

  constructor(query: string, posRange: PosRange, detail: string) {
    super('promql_parse', `parse error: ${detail}`, positionOf(query, posRange.start));
    this.name = 'PromQLParseError';
    this.detail = detail;
    this.posRange = posRange;
    this.query = query;
  }
}
