// Runs Prometheus's promqltest scripts (../shared/conformance/promqltest) against the engine: every eval that is
// not skipped by the native-histogram rule must pass, except those listed in src/promql/known-failures.txt.

import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runScript, type EvalOutcome } from '../src/promql/promqltest/script-runner.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * `../shared/conformance` beside the repository (as CI lays it out); VIGIL_CONFORMANCE_DIR overrides. Falls back
 * to the copy of the same v3.14.0 scripts in test/fixtures.
 */
function conformanceDir(): string | undefined {
  const candidates = [
    process.env['VIGIL_CONFORMANCE_DIR'],
    join(repoRoot, '..', 'shared', 'conformance'),
    join(repoRoot, '..', '..', 'shared', 'conformance'),
  ];
  const shared = candidates.find((c): c is string => c !== undefined && existsSync(join(c, 'promqltest')));
  if (shared !== undefined) return join(shared, 'promqltest');
  const fixtures = join(repoRoot, 'test', 'fixtures', 'promqltest', 'v3.14.0');
  return existsSync(fixtures) ? fixtures : undefined;
}

function knownFailures(): Set<string> {
  const text = readFileSync(join(repoRoot, 'src', 'promql', 'known-failures.txt'), 'utf8');
  return new Set(
    text
      .split('\n')
      .map((l) => l.replace(/#.*/, '').trim())
      .filter((l) => l !== ''),
  );
}

const dir = conformanceDir();

test('promqltest conformance: every non-skipped eval passes (or is a listed known failure)', { skip: dir === undefined && process.env['CI'] !== 'true' ? 'no ../shared/conformance here' : false }, async () => {
  assert.ok(dir !== undefined, 'conformance data ../shared/conformance/promqltest is missing');
  const files = readdirSync(dir).filter((f) => f.endsWith('.test')).sort();
  assert.ok(files.length >= 21, `expected the 21 v3.14 files, found ${files.length}`);
  const outcomes: EvalOutcome[] = [];
  for (const f of files) {
    const text = readFileSync(join(dir, f), 'utf8');
    outcomes.push(...(await runScript(text, f)));
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
