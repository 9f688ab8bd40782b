import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Command } from './command.js';
import { UsageError } from './command.js';
import { main } from './main.js';
import { captureIO } from './captured-io.js';
import { ParseError } from '../model/errors.js';

const calls: string[][] = [];
const fake: Command[] = [
  {
    path: ['check', 'metrics'],
    summary: 'lint an exposition',
    help: 'usage: vigil check metrics [--strict]',
    run: async (args) => {
      calls.push(args);
      if (args.includes('--bad')) throw new UsageError('unknown flag --bad');
      if (args.includes('--parse')) throw new ParseError('E_TEST', 'expected a value', { line: 3, column: 7 });
      return 0;
    },
  },
  { path: ['tsdb', 'list'], summary: 'list blocks', help: 'usage: vigil tsdb list DIR', run: async () => 0 },
];

test('dispatches to the command named by the leading words and passes the rest', async () => {
  const io = captureIO();
  assert.equal(await main(['check', 'metrics', '--strict'], io, { commands: fake }), 0);
  assert.deepEqual(calls.at(-1), ['--strict']);
});

test('--help on a command prints its help and exits 0', async () => {
  const io = captureIO();
  assert.equal(await main(['tsdb', 'list', '--help'], io, { commands: fake }), 0);
  assert.match(io.out(), /usage: vigil tsdb list DIR/);
});

test('a group name lists the group', async () => {
  const io = captureIO();
  assert.equal(await main(['check', '--help'], io, { commands: fake }), 0);
  assert.match(io.out(), /check metrics/);
  assert.doesNotMatch(io.out(), /tsdb list/);
});

test('unknown command exits 2 with a message', async () => {
  const io = captureIO();
  assert.equal(await main(['frobnicate'], io, { commands: fake }), 2);
  assert.match(io.err(), /unknown command "frobnicate"/);
});

test('usage errors exit 2 and print help; Vigil errors exit 1 with their position', async () => {
  let io = captureIO();
  assert.equal(await main(['check', 'metrics', '--bad'], io, { commands: fake }), 2);
  assert.match(io.err(), /unknown flag --bad[\s\S]*usage:/);
  io = captureIO();
  assert.equal(await main(['check', 'metrics', '--parse'], io, { commands: fake }), 1);
  assert.match(io.err(), /3:7: expected a value/);
});

test('no arguments prints the overview and exits 2', async () => {
  const io = captureIO();
  assert.equal(await main([], io, { commands: fake }), 2);
  assert.match(io.out(), /Commands:/);
});

test('main removes its SIGINT/SIGTERM listeners when the command returns', async () => {
  const before: [number, number] = [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')];
  let during: number[] = [];
  const probe: Command[] = [
    { path: ['probe'], summary: 'probe', help: 'usage: vigil probe', run: async () => ((during = [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]), 0) },
  ];
  for (let i = 0; i < 12; i++) assert.equal(await main(['probe'], captureIO(), { commands: probe }), 0);
  assert.deepEqual(during, [before[0] + 1, before[1] + 1], 'listening while the command runs');
  assert.deepEqual([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')], before);
});
