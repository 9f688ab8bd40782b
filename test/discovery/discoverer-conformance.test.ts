// The Discoverer contract, run by every mechanism: a healthy backend gives a first state of well-formed groups;
// an unreachable one is reported through the context, never thrown; `run` ends soon after its signal aborts.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DEFAULT_HTTP_CLIENT } from '../../src/config/http-client-decoding.js';
import type { SdConfig } from '../../src/config/prometheus-config.js';
import { createDiscoverer } from '../../src/discovery/discoverer-factory.js';
import type { TargetGroup } from '../../src/discovery/discoverer.js';
import { FakeClock } from '../../src/model/clock.js';
import { Labels } from '../../src/model/labels.js';
import type { RunningProgram } from '../support/programs.js';
import { findProgram, freePort, startProgram, waitForHttp } from '../support/programs.js';

const etcd = findProgram('etcd');
let dir = '';
let httpServer: Server | undefined;
let httpUrl = '';
let etcdServer: RunningProgram | undefined;
let etcdUrl = '';
let deadPort = 0;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-sd-conformance-'));
  writeFileSync(join(dir, 'targets.json'), '[{"targets": ["f1:1", "f2:1"]}, {"targets": ["f3:1"], "labels": {"a": "b"}}]');
  httpServer = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('[{"targets": ["h1:1"]}]'));
  await new Promise<void>((r) => httpServer?.listen(0, '127.0.0.1', r));
  httpUrl = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}/sd`;
  deadPort = await freePort();
  if (etcd.skip === undefined) {
    const [client, peer] = [await freePort(), await freePort()];
    etcdUrl = `http://127.0.0.1:${client}`;
    etcdServer = startProgram(etcd.path, [
      '--data-dir', join(dir, 'etcd'), '--listen-client-urls', etcdUrl, '--advertise-client-urls', etcdUrl,
      '--listen-peer-urls', `http://127.0.0.1:${peer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peer}`,
      '--initial-cluster', `default=http://127.0.0.1:${peer}`, '--log-level', 'error',
    ]);
    await waitForHttp(`${etcdUrl}/health`, etcdServer);
    const b64 = (s: string): string => Buffer.from(s).toString('base64');
    await fetch(`${etcdUrl}/v3/kv/put`, { method: 'POST', body: JSON.stringify({ key: b64('/c/a'), value: b64('e1:1') }) });
  }
});

after(async () => {
  httpServer?.close();
  await etcdServer?.stop();
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

const consul = (server: string): SdConfig => ({
  kind: 'consul', server, pathPrefix: '', token: '', datacenter: '', namespace: '', partition: '', scheme: 'http', services: [], tags: [], nodeMeta: {},
  filter: '', healthFilter: '', tagSeparator: ',', allowStale: true, refreshInterval: 30_000, httpClient: DEFAULT_HTTP_CLIENT,
});

const healthy: [string, () => SdConfig, string | undefined][] = [
  ['static', () => ({ kind: 'static', groups: [{ source: '0', targets: [Labels.from({ __address__: 's:1' })], labels: Labels.EMPTY }] }), undefined],
  ['file', () => ({ kind: 'file', files: [join(dir, '*.json')], refreshInterval: 60_000 }), undefined],
  ['http', () => ({ kind: 'http', url: httpUrl, refreshInterval: 60_000, httpClient: DEFAULT_HTTP_CLIENT }), undefined],
  ['etcd', () => ({ kind: 'etcd', endpoints: [etcdUrl], prefix: '/c/', refreshInterval: 60_000, httpClient: DEFAULT_HTTP_CLIENT }), etcd.skip],
];

const unreachable: [string, () => SdConfig][] = [
  ['file', () => ({ kind: 'file', files: [join(dir, 'missing-dir', '*.json')], refreshInterval: 60_000 })],
  ['http', () => ({ kind: 'http', url: `http://127.0.0.1:${deadPort}/sd`, refreshInterval: 60_000, httpClient: DEFAULT_HTTP_CLIENT })],
  ['consul', () => consul(`127.0.0.1:${deadPort}`)],
  ['dns', () => ({ kind: 'dns', names: ['_x._tcp.example.test'], type: 'SRV', port: 0, refreshInterval: 30_000 })],
  ['etcd', () => ({ kind: 'etcd', endpoints: [`http://127.0.0.1:${deadPort}`], prefix: '/c/', refreshInterval: 60_000, httpClient: DEFAULT_HTTP_CLIENT })],
];

async function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error(`${what} took over ${ms} ms`)), ms)));
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

for (const [name, cfg, skip] of healthy) {
  test(`${name}: the first state is well-formed groups, and run ends on abort`, { skip }, async () => {
    const errors: Error[] = [];
    const d = createDiscoverer(cfg(), { clock: new FakeClock(), report: (e) => errors.push(e) });
    const ctl = new AbortController();
    let first: TargetGroup[] | undefined;
    let gotFirst: () => void = () => undefined;
    const firstSeen = new Promise<void>((r) => (gotFirst = r));
    const running = d.run(ctl.signal, (g) => {
      first ??= g;
      gotFirst();
    });
    await within(5000, 'first emission', firstSeen);
    assert.ok(first !== undefined && first.length > 0, 'a first state with groups');
    assert.deepEqual(errors, []);
    const sources = first.map((g) => g.source);
    assert.equal(new Set(sources).size, sources.length, 'sources are unique');
    for (const g of first) {
      assert.notEqual(g.source, '');
      for (const t of g.targets) assert.notEqual(t.get('__address__'), '', `target of ${g.source} has an address`);
    }
    ctl.abort();
    await within(2000, 'stopping', running);
  });
}

for (const [name, cfg] of unreachable) {
  test(`${name}: an unreachable backend is reported, not thrown, and run ends on abort`, async () => {
    const errors: Error[] = [];
    const d = createDiscoverer(cfg(), { clock: new FakeClock(), report: (e) => errors.push(e), dnsServers: [`127.0.0.1:${deadPort}`] });
    const ctl = new AbortController();
    const running = d.run(ctl.signal, () => undefined);
    const deadline = Date.now() + 5000;
    while (errors.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.ok(errors.length > 0, 'the failure is reported');
    assert.ok(errors.every((e) => e instanceof Error && e.message !== ''));
    ctl.abort();
    await within(2000, 'stopping', running);
  });
}
