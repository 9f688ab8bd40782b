// Runs Prometheus's promqltest scripts (../shared/conformance/promqltest) against the engine: every eval that is
// not skipped by the native-histogram rule must pass, except those listed in src/promql/known-failures.txt.

import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runScript, type EvalOutcome } from '../src/promql/promqltest/script-runner.js';
import { newTestHead } from '../src/cli/test-promql.js';
import { REPO_ROOT, requireShared } from './support/shared-data.js';

const scripts = requireShared('conformance/promqltest');

function knownFailures(): Set<string> {
  const text = readFileSync(join(REPO_ROOT, 'src', 'promql', 'known-failures.txt'), 'utf8');
  return new Set(
    text
      .split('\n')
      .map((l) => l.replace(/#.*/, '').trim())
      .filter((l) => l !== ''),
  );
}

test('promqltest conformance: every non-skipped eval passes (or is a listed known failure)', { skip: scripts.skip }, async () => {
  const dir = scripts.path as string;
  const files = readdirSync(dir).filter((f) => f.endsWith('.test')).sort();
  assert.ok(files.length >= 21, `expected the 21 v3.14 files, found ${files.length}`);
  const outcomes: EvalOutcome[] = [];
  for (const f of files) {
    const text = readFileSync(join(dir, f), 'utf8');
    outcomes.push(...(await runScript(text, f, { newStorage: newTestHead })));
  }
  const known = knownFailures();
  const failed = outcomes.filter((o) => o.status === 'failed');
  const unexpected = failed.filter((o) => !known.has(`${o.file}:${o.line}`));
  const failedKeys = new Set(failed.map((o) => `${o.file}:${o.line}`));
  const nowPassing = [...known].filter((k) => !failedKeys.has(k));
  const count = (s: EvalOutcome['status']): number => outcomes.filter((o) => o.status === s).length;
  console.log(`promqltest (${dir}): ${count('passed')} passed, ${count('failed')} failed (${known.size} known), ${count('skipped')} skipped`);
  assert.deepEqual(
    unexpected.map((o) => `${o.file}:${o.line}: ${o.message ?? ''}`),
    [],
    'evals failing that are not in src/promql/known-failures.txt',
  );
  assert.deepEqual(nowPassing, [], 'known failures that now pass: remove them from src/promql/known-failures.txt');
  assert.ok(count('passed') >= 1100, 'far fewer evals ran than expected');
});
