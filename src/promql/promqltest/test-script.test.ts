// Tests of the promqltest script reader.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ScriptError, parseScript, type EvalCommand } from './test-script.js';

test('reads load, clear and eval blocks with their expectations', () => {
  const cmds = parseScript(
    `load 5m
  up{job="a"} 0+1x3
# a comment ends nothing here but is skipped

eval instant at 10m up
  expect warn msg: PromQL warning: something
  expect no_info
  up{job="a"} 2

eval range from 0 to 10m step 5m up
  expect info regex: not be a counter
  up{job="a"} 0 1 2

eval_fail instant at 0 foo(
  expected_fail_message 1:5: parse error: unclosed left parenthesis

eval instant at 1m foo[1m]
  expect range vector from 0 to 1m step 30s
  expect ordered

clear
`,
    'x.test',
  );
  assert.deepEqual(cmds.map((c) => c.kind), ['load', 'eval', 'eval', 'eval', 'eval', 'clear']);
  const load = cmds[0];
  assert.ok(load?.kind === 'load' && load.interval === 300_000 && load.lines.length === 1);
  const inst = cmds[1] as EvalCommand;
  assert.equal(inst.at, 600_000);
  assert.equal(inst.query, 'up');
  assert.deepEqual(inst.annotations, [{ kind: 'warn', msg: 'PromQL warning: something' }]);
  assert.ok(inst.noInfo && !inst.noWarn);
  assert.deepEqual(inst.expected.map((e) => e.line), [8]);
  const range = cmds[2] as EvalCommand;
  assert.ok(!range.instant && range.start === 0 && range.end === 600_000 && range.step === 300_000);
  assert.ok(range.annotations[0]?.regex?.matches('PromQL info: metric might not be a counter, name …'), 'regex: is an unanchored search');
  const fail = cmds[3] as EvalCommand;
  assert.equal(fail.fail?.msg, '1:5: parse error: unclosed left parenthesis');
  const rv = cmds[4] as EvalCommand;
  assert.deepEqual(rv.rangeVector, { from: 0, to: 60_000, step: 30_000 });
  assert.ok(rv.ordered);
});

test('bad scripts are typed errors with file and line', () => {
  assert.throws(() => parseScript('load 5m\n  x 1\n\nbogus command\n', 'f.test'), (e: unknown) => e instanceof ScriptError && e.position.line === 4 && /bogus/.test(e.message));
  assert.throws(() => parseScript('eval instant at 5x up\n', 'f.test'), (e: unknown) => e instanceof ScriptError && e.position.line === 1);
  assert.throws(() => parseScript('eval range from 10m to 5m step 1m up\n', 'f.test'), ScriptError);
});

test('ignore and resume are commands of their own', () => {
  const cmds = parseScript('ignore\neval instant at 0 x\n\nresume\n', 'f.test');
  assert.deepEqual(cmds.map((c) => c.kind), ['ignore', 'eval', 'resume']);
});
