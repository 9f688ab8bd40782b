// Tests of `vigil promql format`.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { captureIO } from './captured-io.js';
import { main } from './main.js';
import { promqlFormatCommand } from './promql-format.js';

const commands = [promqlFormatCommand];

test('prints the canonical form of the query argument', async () => {
  const io = captureIO();
  assert.equal(await main(['promql', 'format', 'sum(rate(foo{b="1",a="2"}[5m])) by (job)'], io, { commands }), 0);
  assert.equal(io.out(), 'sum by (job) (rate(foo{a="2",b="1"}[5m]))\n');
});

test('reads the query from stdin', async () => {
  const io = captureIO('foo  +  bar\n');
  assert.equal(await main(['promql', 'format'], io, { commands }), 0);
  assert.equal(io.out(), 'foo + bar\n');
});

test('experimental syntax needs --experimental', async () => {
  const off = captureIO();
  assert.equal(await main(['promql', 'format', 'limitk(1, foo)'], off, { commands }), 1);
  assert.match(off.err(), /limitk\(\) is experimental/);
  const on = captureIO();
  assert.equal(await main(['promql', 'format', '--experimental', 'limitk(1, foo)'], on, { commands }), 0);
  assert.equal(on.out(), 'limitk(1, foo)\n');
});

test('a parse error is reported with its position, exit code 1', async () => {
  const io = captureIO();
  assert.equal(await main(['promql', 'format', 'foo bar'], io, { commands }), 1);
  assert.equal(io.err(), 'vigil promql format: 1:5: parse error: unexpected identifier "bar"\n');
});
