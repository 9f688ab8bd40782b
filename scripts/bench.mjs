#!/usr/bin/env node
// `npm run bench`: runs every compiled benchmark (bench/*.bench.ts) one after another, or those named.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const names = process.argv.slice(2);
const dir = 'dist/bench';
const all = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.bench.js')).sort() : [];
const chosen = names.length === 0 ? all : all.filter((f) => names.some((n) => f.includes(n)));
if (chosen.length === 0) {
  console.error(`no benchmarks found${names.length ? ` matching ${names.join(', ')}` : ''} in ${dir}`);
  process.exit(1);
}
let failed = 0;
for (const f of chosen) {
  console.log(`\n## ${f.replace(/\.bench\.js$/, '')}`);
  const r = spawnSync(process.execPath, ['--expose-gc', `${dir}/${f}`], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
