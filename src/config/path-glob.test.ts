import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { glob, hasGlob, matchSegment } from './path-glob.js';

test('segments match with * and ? as filepath.Match does within one segment', () => {
  const cases: [string, string, boolean][] = [
    ['*.json', 'a.json', true], ['*.json', '.json', true], ['*.json', 'a.yml', false], ['a*b*c', 'abc', true], ['a*b*c', 'axxbyyc', true],
    ['a*b*c', 'axxbyy', false], ['?.yml', 'a.yml', true], ['?.yml', 'ab.yml', false], ['*', '', true], ['x', 'x', true], ['x', 'y', false],
  ];
  for (const [p, n, want] of cases) assert.equal(matchSegment(p, n), want, `${p} ~ ${n}`);
  assert.ok(hasGlob('a/*.json') && !hasGlob('a/b.json'));
});

test('glob lists existing files, sorted, across globbed directories', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-glob-'));
  try {
    for (const d of ['x1', 'x2', 'y']) mkdirSync(join(dir, d));
    for (const f of ['x1/b.yml', 'x1/a.yml', 'x2/c.yml', 'y/d.yml', 'x1/e.json']) writeFileSync(join(dir, f), '');
    assert.deepEqual(await glob(join(dir, 'x*', '*.yml')), ['x1/a.yml', 'x1/b.yml', 'x2/c.yml'].map((f) => join(dir, f)));
    assert.deepEqual(await glob(join(dir, 'y', 'd.yml')), [join(dir, 'y', 'd.yml')]);
    assert.deepEqual(await glob(join(dir, 'y', 'nope.yml')), []);
    assert.deepEqual(await glob(join(dir, 'missing', '*.yml')), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
