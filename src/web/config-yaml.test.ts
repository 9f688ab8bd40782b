import assert from 'node:assert/strict';
import { test } from 'node:test';
import { maskedConfigYaml } from './config-yaml.js';

test('secrets are shown as <secret>, everything else as written', () => {
  const out = maskedConfigYaml(`scrape_configs:
  - job_name: a
    basic_auth: { username: u, password: hunter2 }
    authorization:
      credentials: tok
    static_configs: [{ targets: ['x:1'] }]
`);
  assert.doesNotMatch(out, /hunter2|tok\b/);
  assert.match(out, /password: <secret>/);
  assert.match(out, /credentials: <secret>/);
  assert.match(out, /username: u/);
  assert.match(out, /job_name: a/);
});
