import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Labels } from './labels.js';
import { matchLabels, Matcher } from './matcher.js';
import { VigilError } from './errors.js';

test('matchers follow Prometheus semantics; a missing label is the empty string', () => {
  assert.ok(new Matcher('=', 'a', 'x').matches('x'));
  assert.ok(new Matcher('!=', 'a', 'x').matches(''));
  assert.ok(new Matcher('=~', 'a', 'fo+').matches('foo'));
  assert.ok(!new Matcher('=~', 'a', 'fo+').matches('xfoo'), 'regexes are fully anchored');
  assert.ok(new Matcher('=~', 'a', '.*').matches('line1\nline2'), 'dot matches newline');
  assert.ok(new Matcher('!~', 'a', 'b|c').matches('a'));
  assert.ok(!new Matcher('!~', 'a', 'b|c').matches('c'));
  assert.ok(new Matcher('=~', 'a', '').matchesEmpty());
  assert.ok(matchLabels([new Matcher('=', 'job', 'x'), new Matcher('=', 'none', '')], Labels.from({ job: 'x' })));
});

test('an invalid regex is a typed error naming the pattern', () => {
  assert.throws(() => new Matcher('=~', 'a', '(unclosed'), (e: unknown) => e instanceof VigilError && e.code === 'bad_regex' && /\(unclosed/.test(e.message));
  assert.throws(() => new Matcher('=~', 'a', '(?=lookahead)'), VigilError, 'lookahead is not RE2');
});

// A backtracking engine would run for hours on these; RE2 answers in linear time, well inside the timeout.
test('a catastrophic-backtracking pattern matches in linear time', { timeout: 10_000 }, () => {
  assert.equal(new Matcher('=~', 'a', '(a+)+b').matches('a'.repeat(5000)), false);
  assert.equal(new Matcher('=~', 'a', '(a|aa)*c').matches('a'.repeat(3000)), false);
});
