// etcd_sd (Vigil's extension) against a real etcd: range + watch through the v3 JSON gateway.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DEFAULT_HTTP_CLIENT } from '../../src/config/http-client-decoding.js';
import type { TargetGroup } from '../../src/discovery/discoverer.js';
import { EtcdDiscoverer, groupsOfKey, prefixRangeEnd } from '../../src/discovery/etcd/etcd-discoverer.js';
import { FakeClock } from '../../src/model/clock.js';
import type { RunningProgram } from '../support/programs.js';
import { findProgram, freePort, startProgram, waitForHttp } from '../support/programs.js';

const etcd = findProgram('etcd');
let server: RunningProgram | undefined;
let dir = '';
let endpoint = '';

before(async () => {
  if (etcd.skip !== undefined) return;
  dir = mkdtempSync(join(tmpdir(), 'vigil-etcd-'));
  const [client, peer] = [await freePort(), await freePort()];
  endpoint = `http://127.0.0.1:${client}`;
  server = startProgram(etcd.path, [
    '--data-dir', join(dir, 'data'), '--listen-client-urls', endpoint, '--advertise-client-urls', endpoint,
    '--listen-peer-urls', `http://127.0.0.1:${peer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peer}`,
    '--initial-cluster', `default=http://127.0.0.1:${peer}`, '--log-level', 'error',
  ]);
  await waitForHttp(`${endpoint}/health`, server);
});

after(async () => {
  await server?.stop();
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

const b64 = (s: string): string => Buffer.from(s).toString('base64');
async function etcdCall(path: string, body: unknown): Promise<void> {
  const r = await fetch(`${endpoint}${path}`, { method: 'POST', body: JSON.stringify(body) });
  assert.equal(r.status, 200, await r.text());
}
const put = (key: string, value: string): Promise<void> => etcdCall('/v3/kv/put', { key: b64(key), value: b64(value) });
const del = (key: string): Promise<void> => etcdCall('/v3/kv/deleterange', { key: b64(key) });

async function waitFor(what: string, ok: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const show = (groups: TargetGroup[] | undefined): string[] =>
  (groups ?? []).map((g) => `${g.source} [${g.targets.map((t) => t.get('__address__')).join(',')}] ${g.labels.toString()}`);

test('key values: file_sd lists, one group object, or a bare host:port', () => {
  assert.deepEqual(show(groupsOfKey('/s/a', '[{"targets": ["a:1"], "labels": {"x": "y"}}, {"targets": ["b:1"]}]')), [
    '/s/a:0 [a:1] {__meta_etcd_key="/s/a", x="y"}',
    '/s/a:1 [b:1] {__meta_etcd_key="/s/a"}',
  ]);
  assert.deepEqual(show(groupsOfKey('/s/b', '{"targets": ["c:1"]}')), ['/s/b:0 [c:1] {__meta_etcd_key="/s/b"}']);
  assert.deepEqual(show(groupsOfKey('/s/c', ' host:9100\n')), ['/s/c:0 [host:9100] {__meta_etcd_key="/s/c"}']);
  assert.throws(() => groupsOfKey('/s/d', 'not a target'), /neither target groups nor a host:port/);
  assert.equal(Buffer.from(prefixRangeEnd('/s/'), 'base64').toString(), '/s0');
});

test('targets under a prefix are listed, then followed through the watch', { skip: etcd.skip }, async () => {
  await put('/services/web/1', '{"targets": ["web1:80"], "labels": {"service": "web"}}');
  await put('/services/db/1', 'db1:5432');
  await put('/other/x', 'ignored:1');
  const clock = new FakeClock();
  const errors: Error[] = [];
  const d = new EtcdDiscoverer({ kind: 'etcd', endpoints: [endpoint], prefix: '/services/', refreshInterval: 600_000, httpClient: DEFAULT_HTTP_CLIENT }, { clock, report: (e) => errors.push(e) });
  const emitted: TargetGroup[][] = [];
  const ctl = new AbortController();
  const running = d.run(ctl.signal, (g) => emitted.push(g));
  try {
    await waitFor('first listing', () => emitted.length === 1);
    assert.deepEqual(show(emitted[0]), [
      '/services/db/1:0 [db1:5432] {__meta_etcd_key="/services/db/1"}',
      '/services/web/1:0 [web1:80] {__meta_etcd_key="/services/web/1", service="web"}',
    ]);
    // Give the watch a moment to be established before changing keys.
    await new Promise((r) => setTimeout(r, 200));
    await put('/services/web/2', 'web2:80');
    await waitFor('put event', () => emitted.length === 2);
    assert.deepEqual(show(emitted[1]), ['/services/web/2:0 [web2:80] {__meta_etcd_key="/services/web/2"}']);
    await del('/services/db/1');
    await waitFor('delete event', () => emitted.length === 3);
    assert.deepEqual(show(emitted[2]), ['/services/db/1:0 [] {__meta_etcd_key="/services/db/1"}']);
    await put('/services/web/2', 'not valid');
    await waitFor('bad value reported', () => errors.length === 1);
    assert.equal(emitted.length, 3, 'a bad value keeps the key’s previous targets');

    await put('/services/web/3', 'web3:80');
    await waitFor('put event', () => emitted.length === 4);
    // A refresh re-lists everything and only emits what changed since.
    await clock.advance(600_000);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(emitted.length, 4, 'nothing changed, nothing emitted after the re-list');
    assert.equal(errors.length, 2, 'the re-list reports the bad value again');
    assert.ok(errors.every((e) => e.message.includes('/services/web/2')));
  } finally {
    ctl.abort();
    await running;
  }
});

test('an unreachable endpoint is reported and retried; the next endpoint is tried', { skip: etcd.skip }, async () => {
  const dead = `http://127.0.0.1:${await freePort()}`;
  const clock = new FakeClock();
  const errors: Error[] = [];
  const d = new EtcdDiscoverer({ kind: 'etcd', endpoints: [dead, endpoint], prefix: '/services/web/', refreshInterval: 600_000, httpClient: DEFAULT_HTTP_CLIENT }, { clock, report: (e) => errors.push(e) });
  const emitted: TargetGroup[][] = [];
  const ctl = new AbortController();
  const running = d.run(ctl.signal, (g) => emitted.push(g));
  try {
    await waitFor('error', () => errors.length === 1);
    assert.match(errors[0]?.message ?? '', /ECONNREFUSED/);
    assert.deepEqual(emitted, [[]], 'an empty first state when the first listing fails');
    await clock.advance(500);
    await waitFor('listing from the second endpoint', () => emitted.length === 2);
    assert.ok(show(emitted[1]).some((s) => s.includes('web1:80')));
  } finally {
    ctl.abort();
    await running;
  }
});
