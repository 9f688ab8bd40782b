#!/usr/bin/env node
// `npm test`: build, lint, check the module dependency direction, then run every test with node:test.
// `npm test -- src/model` (files or folders, .ts paths) builds and runs just those tests, skipping lint.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const only = args.filter((a) => !a.startsWith('--'));
const steps = [];

function run(name, cmd, cmdArgs) {
  const started = Date.now();
  const r = spawnSync(cmd, cmdArgs, { stdio: 'inherit' });
  const ok = r.status === 0;
  steps.push({ name, ok, ms: Date.now() - started });
  return ok;
}

if (!run('build', 'npx', ['tsc', '-p', 'tsconfig.json'])) {
  console.error('build failed: no tests run');
  process.exit(1);
}
if (only.length === 0) {
  run('lint', 'npx', ['eslint', '--max-warnings=0', '.']);
  run('layers', 'node', ['scripts/check-layers.mjs']);
}

function toDist(p) {
  const js = p.replace(/\.ts$/, '.js');
  const d = `dist/${js.replace(/^\.\//, '').replace(/\/$/, '')}`;
  if (!existsSync(d)) throw new Error(`no compiled tests at ${d} (from ${p})`);
  return d;
}
/** Every compiled `*.test.js` below `p` (or `p` itself): only these are tests, whatever other files are called. */
function testFiles(p) {
  if (!statSync(p).isDirectory()) return [p];
  return readdirSync(p, { withFileTypes: true }).flatMap((e) => {
    const q = join(p, e.name);
    return e.isDirectory() ? testFiles(q) : e.name.endsWith('.test.js') ? [q] : [];
  });
}
const roots = only.length > 0 ? only.map(toDist) : ['dist/src', 'dist/test'].filter((d) => existsSync(d));
const targets = roots.flatMap(testFiles).sort();
const testArgs = ['--test', '--test-reporter=spec', '--test-timeout=600000', ...targets];
const testsOk = run('tests', process.execPath, testArgs);

const failed = steps.filter((s) => !s.ok);
console.log(`\nsteps: ${steps.map((s) => `${s.name} ${s.ok ? 'ok' : 'FAILED'} (${(s.ms / 1000).toFixed(1)}s)`).join(', ')}`);
process.exit(failed.length === 0 && testsOk ? 0 : 1);
