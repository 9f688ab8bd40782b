// Consul discovery against an in-test server that implements the Consul HTTP API endpoints Prometheus uses
// (/v1/agent/self, /v1/catalog/services and /v1/health/service/<name> with blocking queries), as documented at
// developer.hashicorp.com/consul/api-docs. No Consul package is available on Debian to test against.

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { DEFAULT_HTTP_CLIENT } from '../../config/http-client-decoding.js';
import type { ConsulSdConfig } from '../../config/prometheus-config.js';
import { FakeClock } from '../../model/clock.js';
import type { TargetGroup } from '../discoverer.js';
import { aggregatedStatus, ConsulDiscoverer } from './consul-discoverer.js';

/** Consul's catalog in miniature: every change bumps the index and releases blocked queries. */
class FakeConsul {
  index = 10;
  services = new Map<string, { tags: string[]; entries: unknown[] }>();
  requests: { path: string; query: URLSearchParams; token: string | undefined }[] = [];
  private waiters: (() => void)[] = [];
  private readonly server = createServer((req, res) => void this.handle(req, res));

  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): void {
    this.server.closeAllConnections();
    this.server.close();
  }

  change(fn: () => void): void {
    fn();
    this.index++;
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    this.requests.push({ path: url.pathname, query: url.searchParams, token: req.headers['x-consul-token'] as string | undefined });
    const wantIndex = Number(url.searchParams.get('index') ?? '0');
    if (wantIndex >= this.index) await new Promise<void>((r) => this.waiters.push(r));
    const send = (body: unknown): void => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-consul-index': String(this.index), 'x-consul-knownleader': 'true' }).end(JSON.stringify(body));
    };
    if (url.pathname === '/v1/agent/self') return send({ Config: { Datacenter: 'dc1', NodeName: 'n1' } });
    if (url.pathname === '/v1/catalog/services') return send(Object.fromEntries([...this.services].map(([n, s]) => [n, s.tags])));
    const m = /^\/v1\/health\/service\/(.+)$/.exec(url.pathname);
    if (m !== null) {
      const svc = this.services.get(decodeURIComponent(m[1] as string));
      const tags = url.searchParams.getAll('tag');
      const entries = (svc?.entries ?? []).filter((e) => tags.every((t) => ((e as { Service: { Tags: string[] } }).Service.Tags ?? []).includes(t)));
      return send(entries);
    }
    res.writeHead(404).end('not found');
  }
}

function entry(node: string, nodeAddr: string, svcAddr: string, port: number, tags: string[], checks: string[]): unknown {
  return {
    Node: { ID: `id-${node}`, Node: node, Address: nodeAddr, Datacenter: 'dc1', TaggedAddresses: { lan: nodeAddr, 'wan.ipv4': '1.2.3.4' }, Meta: { rack: 'r1', 'os-name': 'linux' } },
    Service: { ID: `web-${node}`, Service: 'web', Tags: tags, Address: svcAddr, Port: port, Meta: { version: '1.2' }, Namespace: '', Partition: '' },
    Checks: checks.map((s, i) => ({ Node: node, CheckID: `c${i}`, Name: `check ${i}`, Status: s })),
  };
}

async function waitFor(what: string, ok: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function config(server: string, extra: Partial<ConsulSdConfig> = {}): ConsulSdConfig {
  return {
    kind: 'consul', server, pathPrefix: '', token: 'secret', datacenter: '', namespace: '', partition: '', scheme: 'http', services: [], tags: [],
    nodeMeta: {}, filter: '', healthFilter: '', tagSeparator: ',', allowStale: true, refreshInterval: 30_000, httpClient: DEFAULT_HTTP_CLIENT, ...extra,
  };
}

test('aggregated health follows Consul: maintenance > critical > warning > passing', () => {
  assert.equal(aggregatedStatus([]), 'passing');
  assert.equal(aggregatedStatus([{ Status: 'passing' }, { Status: 'warning' }]), 'warning');
  assert.equal(aggregatedStatus([{ Status: 'warning' }, { Status: 'critical' }]), 'critical');
  assert.equal(aggregatedStatus([{ Status: 'critical' }, { CheckID: '_service_maintenance:web', Status: 'critical' }]), 'maintenance');
  assert.equal(aggregatedStatus([{ Status: 'bogus' }]), '');
});

test('catalog watch: services with the wanted tags, their instances with __meta_consul_* labels, updates and removals', async () => {
  const consul = new FakeConsul();
  consul.services.set('web', { tags: ['v1', 'v2'], entries: [entry('n1', '10.0.0.1', '', 80, ['v1', 'v2'], ['passing']), entry('n2', '10.0.0.2', '192.168.0.2', 8080, ['v1'], ['passing', 'warning'])] });
  consul.services.set('db', { tags: ['v2'], entries: [entry('n3', '10.0.0.3', '', 5432, ['v2'], [])] });
  const server = await consul.start();
  const clock = new FakeClock();
  const errors: Error[] = [];
  const d = new ConsulDiscoverer(config(server, { tags: ['v1'], nodeMeta: { rack: 'r1' } }), { clock, report: (e) => errors.push(e) });
  const emitted: TargetGroup[][] = [];
  const ctl = new AbortController();
  const running = d.run(ctl.signal, (g) => emitted.push(g));
  try {
    await waitFor('web group', () => emitted.some((e) => e.some((g) => g.source === 'web')));
    const web = emitted.flat().find((g) => g.source === 'web') as TargetGroup;
    assert.deepEqual(web.labels.toObject(), { __meta_consul_service: 'web' });
    assert.deepEqual(web.targets.map((t) => t.toObject()), [
      {
        __address__: '10.0.0.1:80', __meta_consul_address: '10.0.0.1', __meta_consul_dc: 'dc1', __meta_consul_health: 'passing', __meta_consul_metadata_os_name: 'linux',
        __meta_consul_metadata_rack: 'r1', __meta_consul_node: 'n1', __meta_consul_service_id: 'web-n1', __meta_consul_service_metadata_version: '1.2',
        __meta_consul_service_port: '80', __meta_consul_tagged_address_lan: '10.0.0.1', __meta_consul_tagged_address_wan_ipv4: '1.2.3.4', __meta_consul_tags: ',v1,v2,',
      },
      {
        __address__: '192.168.0.2:8080', __meta_consul_address: '10.0.0.2', __meta_consul_dc: 'dc1', __meta_consul_health: 'warning', __meta_consul_metadata_os_name: 'linux',
        __meta_consul_metadata_rack: 'r1', __meta_consul_node: 'n2', __meta_consul_service_address: '192.168.0.2', __meta_consul_service_id: 'web-n2',
        __meta_consul_service_metadata_version: '1.2', __meta_consul_service_port: '8080', __meta_consul_tagged_address_lan: '10.0.0.2',
        __meta_consul_tagged_address_wan_ipv4: '1.2.3.4', __meta_consul_tags: ',v1,',
      },
    ]);
    assert.ok(!emitted.flat().some((g) => g.source === 'db'), 'db lacks tag v1');
    const health = consul.requests.find((r) => r.path === '/v1/health/service/web');
    assert.ok(health);
    assert.deepEqual([health.query.get('dc'), health.query.has('stale'), health.query.getAll('tag'), health.query.getAll('node-meta'), health.token], ['dc1', true, ['v1'], ['rack:r1'], 'secret']);
    assert.ok(!health.query.has('passing'), 'all instances are asked for, health goes into a label');
    assert.equal(consul.requests[0]?.path, '/v1/agent/self', 'datacenter comes from the agent');

    // A change in health: the service loop waits refresh_interval, then its blocking query returns the new state.
    const before = emitted.length;
    await clock.advance(30_000);
    consul.change(() => {
      const web2 = consul.services.get('web');
      if (web2) web2.entries = [entry('n1', '10.0.0.1', '', 80, ['v1', 'v2'], ['critical'])];
    });
    await waitFor('health update', () => emitted.length > before && emitted.at(-1)?.some((g) => g.source === 'web') === true);
    const updated = emitted.at(-1)?.find((g) => g.source === 'web');
    assert.deepEqual(updated?.targets.map((t) => [t.get('__address__'), t.get('__meta_consul_health')]), [['10.0.0.1:80', 'critical']]);
    const blocking = consul.requests.filter((r) => r.path === '/v1/health/service/web').at(-1);
    assert.equal(blocking?.query.get('wait'), '120000ms');

    // The service leaves the catalog: an empty group for it.
    await clock.advance(30_000);
    consul.change(() => consul.services.delete('web'));
    await waitFor('removal', () => emitted.some((e) => e.some((g) => g.source === 'web' && g.targets.length === 0)));
    assert.deepEqual(errors, []);
  } finally {
    ctl.abort();
    consul.stop();
    await running;
  }
});

test('listed services without tags are watched directly, without the catalog', async () => {
  const consul = new FakeConsul();
  consul.services.set('web', { tags: [], entries: [entry('n1', '10.0.0.1', '', 80, [], [])] });
  const server = await consul.start();
  const d = new ConsulDiscoverer(config(server, { services: ['web'], datacenter: 'dc9', token: '', allowStale: false, namespace: 'team-a', partition: 'p1' }), { clock: new FakeClock(), report: () => undefined });
  const emitted: TargetGroup[][] = [];
  const ctl = new AbortController();
  const running = d.run(ctl.signal, (g) => emitted.push(g));
  try {
    await waitFor('web group', () => emitted.some((e) => e.some((g) => g.source === 'web')));
    assert.deepEqual(consul.requests.map((r) => r.path), ['/v1/health/service/web']);
    const q = consul.requests[0]?.query;
    assert.deepEqual([q?.get('dc'), q?.has('stale'), q?.get('ns'), q?.get('partition'), consul.requests[0]?.token], ['dc9', false, 'team-a', 'p1', undefined]);
    assert.equal(emitted.flat().find((g) => g.source === 'web')?.targets[0]?.get('__meta_consul_tags'), ',,');
  } finally {
    ctl.abort();
    consul.stop();
    await running;
  }
});
