import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from './command.js';
import { parseQueryArgs } from './query-client.js';

const flags = { match: { type: 'string', multiple: true }, start: { type: 'string' } } as const;

test('query command lines: common and own flags, named positionals', () => {
  const a = parseQueryArgs(['-o', 'json', '--match=a', '--match=b', '--start=1', '--header=X-A: 1', 'http://h', 'job'], flags, ['server', 'name']);
  assert.deepEqual(a.positionals, ['http://h', 'job']);
  assert.deepEqual(a.values.match, ['a', 'b']);
  assert.equal(a.values.start, '1');
  assert.equal(a.format, 'json');
  assert.deepEqual(a.headers, { 'X-A': '1' });
  assert.equal(parseQueryArgs(['http://h'], flags, ['server']).format, 'promql');
});

test('query command lines: missing or extra arguments and bad flags are usage errors, worded as promtool words them', () => {
  const usage = (args: string[], required: string[], message: RegExp): void =>
    assert.throws(() => parseQueryArgs(args, flags, required), (e: unknown) => e instanceof UsageError && message.test(e.message));
  usage(['http://h'], ['server', 'expr'], /^required argument <expr> not provided$/);
  usage([], ['server'], /^required argument <server> not provided$/);
  usage(['http://h', 'up', 'more'], ['server', 'expr'], /^unexpected more$/);
  usage(['--nope', 'http://h'], ['server'], /--nope/);
  usage(['-o', 'yaml', 'http://h'], ['server'], /^enum value must be one of promql,json, got 'yaml'$/);
  usage(['--header=broken', 'http://h'], ['server'], /invalid header/);
});
