// /api/v1/status/walreplay against Prometheus 2.42: after each restart on the same data directory both report the
// same first, last and current WAL segment.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { findProgram, freePort, startProgram, waitForHttp } from './support/programs.js';

const prometheus = findProgram('prometheus');

describe('walreplay reports the WAL segments as Prometheus 2.42 does', { skip: prometheus.skip ?? false }, () => {
  let dir = '';

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-walreplay-'));
    writeFileSync(join(dir, 'empty.yml'), 'global: {}\n');
  });
  after(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  /** Starts the server on its data directory, reads walreplay, stops it. */
  async function statusAfterStart(program: 'prometheus' | 'vigil'): Promise<string> {
    const port = await freePort();
    const args = [`--config.file=${join(dir, 'empty.yml')}`, `--storage.tsdb.path=${join(dir, program)}`, `--web.listen-address=127.0.0.1:${port}`];
    const p = program === 'prometheus' ? startProgram(prometheus.path as string, args) : startProgram(process.execPath, ['bin/vigil', 'server', ...args]);
    try {
      await waitForHttp(`http://127.0.0.1:${port}/-/ready`, p);
      return await (await fetch(`http://127.0.0.1:${port}/api/v1/status/walreplay`)).text();
    } finally {
      await p.stop();
    }
  }

  test('a fresh directory, then two restarts', async () => {
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      const [p, v] = await Promise.all([statusAfterStart('prometheus'), statusAfterStart('vigil')]);
      assert.equal(v, p, `start ${i + 1}`);
      seen.push(v);
    }
    assert.equal(seen[2], '{"status":"success","data":{"min":0,"max":2,"current":2}}');
  });
});
