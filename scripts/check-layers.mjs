#!/usr/bin/env node
// Checks DESIGN's dependency direction: a module under src/ imports only modules of a lower layer (or its own).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** Layer of each top-level folder of src/. A folder may import only folders of a strictly lower layer. */
export const LAYERS = {
  model: 0,
  storage: 1, config: 1,
  tsdb: 2, logs: 2, discovery: 2,
  promql: 3, scrape: 3, pushgateway: 3, remote: 3, kube: 3,
  rules: 4,
  notifier: 5, alertmanager: 5,
  agent: 6,
  web: 7,
  cli: 8,
};
/** Edges forbidden even though the layers allow them (DESIGN: PromQL never sees chunks or files). Tests are exempt. */
const FORBIDDEN = [['promql', 'tsdb']];

const root = resolve(process.argv[2] ?? 'src');
const problems = [];

function walk(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.ts')) checkFile(p);
  }
}

function topFolder(file) {
  return relative(root, file).split(/[\\/]/)[0];
}

function checkFile(file) {
  const from = topFolder(file);
  const isTest = file.endsWith('.test.ts');
  if (!(from in LAYERS)) {
    problems.push(`${relative('.', file)}: folder src/${from} has no layer in scripts/check-layers.mjs`);
    return;
  }
  const text = readFileSync(file, 'utf8');
  const re = /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  let m;
  while ((m = re.exec(text)) !== null) {
    const spec = m[1] ?? m[2];
    if (!spec.startsWith('.')) continue;
    const target = resolve(dirname(file), spec);
    if (!target.startsWith(root)) continue;
    const to = topFolder(target);
    if (to === from) continue;
    const line = text.slice(0, m.index).split('\n').length + (m[0].startsWith('\n') ? 1 : 0);
    const where = `${relative('.', file)}:${line}`;
    if (!(to in LAYERS)) problems.push(`${where}: imports src/${to}, which has no layer`);
    else if (LAYERS[to] >= LAYERS[from]) problems.push(`${where}: ${from} (layer ${LAYERS[from]}) must not import ${to} (layer ${LAYERS[to]})`);
    else if (!isTest && FORBIDDEN.some(([a, b]) => a === from && b === to)) problems.push(`${where}: ${from} must not import ${to}`);
  }
}

walk(root);
if (problems.length > 0) {
  console.error(`dependency direction: ${problems.length} problem(s)\n${problems.join('\n')}`);
  process.exit(1);
}
console.log('dependency direction: ok');
