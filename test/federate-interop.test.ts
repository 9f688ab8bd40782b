// Prometheus 2.42 federates from Vigil's /federate and ends up with the same series and latest values.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { systemClock } from '../src/model/clock.js';
import { Labels } from '../src/model/labels.js';
import { NOP_LOGGER } from '../src/model/logger.js';
import { Head } from '../src/tsdb/head.js';
import { parseServerFlags } from '../src/web/server-flags.js';
import { VigilServer } from '../src/web/vigil-server.js';
import { findProgram, freePort, startProgram, waitForHttp } from './support/programs.js';

const prometheus = findProgram('prometheus');

test('a Prometheus scraping /federate stores what Vigil holds', { skip: prometheus.skip ?? false }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-federate-'));
  const head = new Head();
  const now = Date.now();
  const app = head.appender();
  for (let i = 0; i < 5; i++) {
    const t = now - 60_000 + i * 10_000;
    app.append(0, Labels.from({ __name__: 'fed_requests_total', job: 'api', instance: 'a:1', code: '200' }), t, 100 + i);
    app.append(0, Labels.from({ __name__: 'fed_requests_total', job: 'api', instance: 'a:1', code: '500' }), t, 0.25 * i);
    app.append(0, Labels.from({ __name__: 'fed_temperature', job: 'api', room: 'x "y"' }), t, -3.5e-7);
    app.append(0, Labels.from({ __name__: 'other', job: 'db' }), t, 1);
  }
  await app.commit();
  const server = new VigilServer({
    flags: parseServerFlags(['--web.listen-address=127.0.0.1:0']),
    logger: NOP_LOGGER,
    clock: systemClock,
    storage: Object.assign(head, { close: () => undefined }),
  });
  await server.start();
  const promPort = await freePort();
  writeFileSync(join(dir, 'prometheus.yml'), `global: { scrape_interval: 1s }
scrape_configs:
  - job_name: federate
    honor_labels: true
    metrics_path: /federate
    params: { 'match[]': ['{job="api"}'] }
    static_configs: [{ targets: ['127.0.0.1:${server.listenPort}'] }]
`);
  const prom = startProgram(prometheus.path as string, [
    `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'prom')}`, `--web.listen-address=127.0.0.1:${promPort}`,
  ]);
  try {
    const base = `http://127.0.0.1:${promPort}`;
    await waitForHttp(`${base}/-/ready`, prom);
    type Q = { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
    const ask = async (q: string): Promise<Q> => (await (await fetch(`${base}/api/v1/query?query=${encodeURIComponent(q)}`)).json()) as Q;
    const deadline = Date.now() + 30_000;
    while ((await ask('fed_temperature')).data.result.length === 0) {
      if (Date.now() > deadline) throw new Error(`Prometheus did not federate:\n${prom.output()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const got = (await ask('{job="api"}')).data.result.map((s) => [s.metric, s.value[1]]).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
    assert.deepEqual(got, [
      [{ __name__: 'fed_requests_total', code: '200', instance: 'a:1', job: 'api' }, '104'],
      [{ __name__: 'fed_requests_total', code: '500', instance: 'a:1', job: 'api' }, '1'],
      [{ __name__: 'fed_temperature', job: 'api', room: 'x "y"' }, '-3.5e-07'],
    ]);
    assert.equal((await ask('other')).data.result.length, 0, 'only matching series are federated');
  } finally {
    await prom.stop();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
