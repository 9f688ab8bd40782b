import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { captureIO } from './captured-io.js';
import { main } from './main.js';

test('check config: success, failure with position, usage errors exit 1 as promtool does', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-check-'));
  try {
    const good = join(dir, 'good.yml');
    const bad = join(dir, 'bad.yml');
    writeFileSync(good, 'scrape_configs:\n  - job_name: a\n    static_configs: [{targets: ["h:1"]}]\n');
    writeFileSync(bad, 'scrape_configs:\n  - job_name: a\n    scrape_interval: 5q\n');
    let io = captureIO();
    assert.equal(await main(['check', 'config', good], io), 0);
    assert.equal(io.out(), `Checking ${good}\n SUCCESS: ${good} is valid prometheus config file syntax\n\n`);
    io = captureIO();
    assert.equal(await main(['check', 'config', good, bad], io), 1);
    assert.equal(io.err(), `  FAILED: parsing YAML file ${bad}: ${bad}:3:22: not a valid duration string: "5q"\n`);
    for (const args of [[], ['--bogus', good], [join(dir, 'missing.yml')]]) {
      io = captureIO();
      assert.equal(await main(['check', 'config', ...args], io), 1, args.join(' '));
      assert.match(io.err(), /^vigil check config: .*, try --help\n$/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
