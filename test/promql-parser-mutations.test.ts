// Property test: mutations of real queries (from Prometheus's test scripts) either parse, and then print to a
// form that parses back to the same canonical text, or fail with a PromQLParseError — never anything else.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { formatQuery } from '../src/promql/format-query.js';
import { ALL_FEATURES, parseExpr } from '../src/promql/parser.js';
import { PromQLParseError } from '../src/promql/parse-error.js';
import { exprToString } from '../src/promql/printer.js';

const DIR = fileURLToPath(new URL('../../test/fixtures/promqltest/v3.14.0/', import.meta.url));
const EVAL = /^eval\S*\s+(?:instant\s+at\s+\S+|range\s+from\s+\S+\s+to\s+\S+\s+step\s+\S+)\s+(.+)$/;
const QUERIES = readdirSync(DIR).flatMap((f) =>
  readFileSync(DIR + f, 'utf8')
    .split('\n')
    .map((l) => EVAL.exec(l.trim())?.[1])
    .filter((q): q is string => q !== undefined),
);
const PIECES = [
  '(', ')', '{', '}', '[', ']', '@', ':', ',', '+', '-', '*', '/', '^', '=', '!=', '=~', '<', '>/', '"', "'", '`', '#', '\n', '\\',
  ' offset ', ' by ', ' without ', ' on(a) ', ' ignoring ', ' group_left ', ' bool ', ' and ', ' or ', 'step()', 'range()',
  ' @ start()', '[5m]', '[5m:]', ' anchored', ' smoothed', ' fill(0) ', 'min_of(1,2)', '1h', '0x1f', '1e3', 'NaN', 'Inf', '"x"',
  'sum', 'rate', 'topk', '{a="b"}', 'é', '日',
];

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), piece: fc.constantFrom(...PIECES) }),
);

function mutate(q: string, ms: readonly { kind: 'delete' | 'insert'; at: number; len?: number; piece?: string }[]): string {
  let s = q;
  for (const m of ms) {
    const at = m.at % (s.length + 1);
    s = m.kind === 'delete' ? s.slice(0, at) + s.slice(at + (m.len ?? 1)) : s.slice(0, at) + (m.piece ?? '') + s.slice(at);
  }
  return s;
}

test('mutated queries parse and round-trip, or fail with a PromQLParseError', () => {
  assert.ok(QUERIES.length > 2000);
  fc.assert(
    fc.property(fc.nat(QUERIES.length - 1), fc.array(mutation, { minLength: 1, maxLength: 3 }), (i, ms) => {
      const q = mutate(QUERIES[i] as string, ms);
      let printed: string;
      try {
        printed = exprToString(parseExpr(q, ALL_FEATURES));
      } catch (e) {
        assert.ok(e instanceof PromQLParseError, `${JSON.stringify(q)}: ${String(e)}`);
        assert.match(e.message, /^\d+:\d+: parse error: ./);
        return;
      }
      assert.equal(exprToString(parseExpr(printed, ALL_FEATURES)), printed, JSON.stringify(q));
      assert.equal(exprToString(parseExpr(formatQuery(printed, ALL_FEATURES), ALL_FEATURES)), printed, JSON.stringify(q));
    }),
    { numRuns: 3000, seed: 20261125 },
  );
});
