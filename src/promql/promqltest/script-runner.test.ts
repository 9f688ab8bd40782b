// Tests of the promqltest runner itself: how load blocks with @st lines are read.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runScript } from './script-runner.js';

const script = (load: string): string => `load 1m\n${load}\n\neval instant at 2m round(increase(c_total[1m1ms]))\n    {} 1\n`;

test('@st lines give the start timestamps of the series line after them', async () => {
  // Without STs the increase of 1 1 is 0; with delta STs the second point counts from zero.
  const out = await runScript(script('    c_total@st _ -30s -1m\n    c_total _ 1 1'), 'st.test');
  assert.deepEqual(out.map((o) => o.status), ['passed']);
  const plain = await runScript(script('    c_total _ 1 1'), 'plain.test');
  assert.deepEqual(plain.map((o) => o.status), ['failed']);
});

test('a malformed @st line fails the load with the line it is on', async () => {
  for (const load of ['    c_total@st _ -1m\n    c_total _ 1 1', '    c_total@st _ -1m -1m\n    other _ 1 1', '    c_total _ 1 1\n    c_total@st _ -1m -1m']) {
    const out = await runScript(script(load), 'bad.test');
    assert.equal(out[0]?.status, 'failed', load);
    assert.match(out[0]?.message ?? '', /load at line \d+ failed: line \d+: /, load);
  }
});
