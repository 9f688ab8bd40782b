// `vigil query instant|range|series|labels` print exactly what `promtool query ...` prints against the same server.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { captureIO } from '../src/cli/captured-io.js';
import { main } from '../src/cli/main.js';
import { FakeClock } from '../src/model/clock.js';
import { Labels } from '../src/model/labels.js';
import { NOP_LOGGER } from '../src/model/logger.js';
import { Head } from '../src/tsdb/head.js';
import { PromqlQueryService } from '../src/web/promql-query-service.js';
import { parseServerFlags } from '../src/web/server-flags.js';
import { VigilServer } from '../src/web/vigil-server.js';
import { findProgram } from './support/programs.js';

const promtool = findProgram('promtool');
const T0 = 1_700_000_000_000;

function runAsync(path: string, args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(path, args);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
  });
}

describe('vigil query against promtool query', { skip: promtool.skip ?? false }, () => {
  let server: VigilServer;
  let url = '';

  before(async () => {
    const head = new Head();
    const app = head.appender();
    for (let i = 0; i <= 20; i++) {
      const t = T0 + i * 15_000;
      app.append(0, Labels.from({ __name__: 'req_total', job: 'api', code: '200', note: 'a<b & "q"' }), t, i * 1.5);
      app.append(0, Labels.from({ __name__: 'req_total', job: 'api', code: '500', note: 'ü' }), t, i * 1e-7);
      app.append(0, Labels.from({ __name__: 'big', job: 'db' }), t, 1.5e21 + i * 1e20);
    }
    await app.commit();
    const flags = parseServerFlags(['--web.listen-address=127.0.0.1:0']);
    const queries = new PromqlQueryService({ queryable: head, timeout: 60_000, lookbackDelta: 300_000, maxSamples: 1e6, maxConcurrency: 4 });
    server = new VigilServer({ flags, logger: NOP_LOGGER, clock: new FakeClock(T0 + 300_000), storage: head, queries });
    await server.start();
    url = `http://127.0.0.1:${server.listenPort}`;
  });
  after(() => server.stop());

  const at = String((T0 + 300_000) / 1000);
  const cases: string[][] = [
    ['instant', `--time=${at}`, 'URL', 'req_total'],
    ['instant', `--time=${at}`, 'URL', 'big'],
    ['instant', '-o', 'json', `--time=${at}`, 'URL', 'req_total'],
    ['instant', `--time=${at}`, 'URL', 'sum(req_total) / 7'],
    ['instant', `--time=${at}`, 'URL', 'scalar(sum(req_total{code="500"}))'],
    ['instant', '-o', 'json', `--time=${at}`, 'URL', 'scalar(sum(big))'],
    ['instant', `--time=${at}`, 'URL', 'nothing_here'],
    ['instant', `--time=${at}`, 'URL', 'sum(rate(req_total[1m]'],
    ['range', `--start=${T0 / 1000}`, `--end=${(T0 + 60_000) / 1000}`, '--step=15s', 'URL', 'req_total'],
    ['range', '-o', 'json', `--start=${T0 / 1000}`, `--end=${(T0 + 60_000) / 1000}`, '--step=15s', 'URL', 'rate(req_total[1m])'],
    ['range', `--start=${T0 / 1000}`, `--end=${(T0 + 120_000) / 1000}`, 'URL', 'big / 3'],
    ['series', '--match=req_total', 'URL'],
    ['series', '-o', 'json', '--match=req_total', '--match=big', 'URL'],
    ['labels', 'URL', 'code'],
    ['labels', '-o', 'json', '--match=big', 'URL', 'job'],
  ];

  for (const c of cases) {
    test(c.join(' '), async () => {
      const args = c.map((a) => (a === 'URL' ? url : a));
      const want = await runAsync(promtool.path as string, ['query', ...args]);
      const io = captureIO();
      const code = await main(['query', ...args], io);
      assert.equal(io.out(), want.stdout);
      assert.equal(io.err(), want.stderr);
      assert.equal(code, want.status);
    });
  }
});
