// Tests of the PromQL lexer's context rules and token descriptions.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeToken, lex } from './lexer.js';

const types = (q: string): string[] => lex(q).map((t) => (t.type === 'ERROR' ? `ERROR(${t.val})` : t.type));

test('keywords are case-insensitive; inside braces everything is an identifier', () => {
  assert.deepEqual(types('SUM BY offset Inf nan foo:bar'), ['AGGREGATOR', 'BY', 'OFFSET', 'NUMBER', 'NUMBER', 'METRIC_IDENTIFIER', 'EOF']);
  assert.deepEqual(types('{by="x", sum!~"y"}'), ['LEFT_BRACE', 'IDENTIFIER', 'EQL', 'STRING', 'COMMA', 'IDENTIFIER', 'NEQ_REGEX', 'STRING', 'RIGHT_BRACE', 'EOF']);
});

test('fill keywords only before a parenthesis', () => {
  assert.deepEqual(types('fill + fill (0)'), ['IDENTIFIER', 'ADD', 'FILL', 'LEFT_PAREN', 'NUMBER', 'RIGHT_PAREN', 'EOF']);
});

test('brackets hold duration expressions', () => {
  assert.deepEqual(types('x[5m+STEP():min_of(1,2)]'), [
    'IDENTIFIER', 'LEFT_BRACKET', 'DURATION', 'ADD', 'STEP', 'LEFT_PAREN', 'RIGHT_PAREN', 'COLON', 'MIN_OF', 'LEFT_PAREN', 'NUMBER', 'COMMA',
    'NUMBER', 'RIGHT_PAREN', 'RIGHT_BRACKET', 'EOF',
  ]);
  assert.deepEqual(types('x[foo]'), ['IDENTIFIER', 'LEFT_BRACKET', "ERROR(unexpected character in duration expression: 'f')", 'EOF']);
});

test('numbers, durations and comments', () => {
  assert.deepEqual(types('0x1f 1e-3 .5 5. 1h30m 10ms # c'), ['NUMBER', 'NUMBER', 'NUMBER', 'NUMBER', 'DURATION', 'DURATION', 'EOF']);
  assert.deepEqual(types('1a'), ['ERROR(bad number or duration syntax: "1")', 'EOF']);
  assert.deepEqual(types('a </ b >/ c'), ['IDENTIFIER', 'TRIM_UPPER', 'IDENTIFIER', 'TRIM_LOWER', 'IDENTIFIER', 'EOF']);
});

test('token descriptions follow Prometheus', () => {
  const d = (q: string, i = 0): string => describeToken(lex(q)[i] as never);
  assert.equal(d('foo'), 'identifier "foo"');
  assert.equal(d('a:b'), 'metric identifier "a:b"');
  assert.equal(d('+'), '<op:+>');
  assert.equal(d('and'), '<op:and>');
  assert.equal(d('sum'), '<aggr:sum>');
  assert.equal(d('by'), '<by>');
  assert.equal(d('('), '"("');
  assert.equal(d('"a long string here"'), 'string "\\"a long st"...');
  assert.equal(d('42'), 'number "42"');
  assert.equal(d('5m'), 'duration "5m"');
  assert.equal(d(''), 'end of input');
});
