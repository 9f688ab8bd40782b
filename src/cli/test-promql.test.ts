// Tests of `vigil test promql`: counts, exit codes, skips and usage errors.

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { captureIO } from './captured-io.js';
import { main } from './main.js';

const SCRIPT = `load 1m
  http_requests_total{job="a"} 0+10x10
  hist{job="a"} {{schema:0 count:1 sum:1}}x10

eval instant at 5m http_requests_total
  http_requests_total{job="a"} 50

eval range from 0 to 2m step 1m sum(http_requests_total)
  {} 0 10 20

# wrong on purpose
eval instant at 5m http_requests_total
  http_requests_total{job="a"} 51

eval instant at 5m hist
  hist{job="a"} {{schema:0 count:1 sum:1}}

eval instant at 5m rate(hist[5m])

eval instant at 0 foo +
  expect fail

ignore

eval instant at 0 this_would_fail
  {} 1

resume
`;

test('vigil test promql prints per-file and total counts and exits 1 on a failure', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-promqltest-'));
  try {
    const file = join(dir, 'sample.test');
    await writeFile(file, SCRIPT);
    const io = captureIO();
    const code = await main(['test', 'promql', file], io);
    assert.equal(code, 1);
    const out = io.out();
    assert.match(out, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: 3 passed, 1 failed, 3 skipped`));
    assert.match(out, /total: 3 passed, 1 failed, 3 skipped/);
    assert.match(out, /FAIL .*sample\.test:12: .*expected 51, got 50/);

    await writeFile(file, SCRIPT.replace('} 51', '} 50'));
    const io2 = captureIO();
    assert.equal(await main(['test', 'promql', file], io2), 0);
    assert.match(io2.out(), /total: 4 passed, 0 failed, 3 skipped/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('vigil test promql without files is a usage error', async () => {
  const io = captureIO();
  assert.equal(await main(['test', 'promql'], io), 2);
  assert.match(io.err(), /no test files given/);
});
