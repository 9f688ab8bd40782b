// dns_sd against a real DNS server: dnsmasq serving SRV, A, AAAA and MX records on a high port of 127.0.0.1.

import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { DnsSdConfig } from '../../src/config/prometheus-config.js';
import { DnsDiscoverer } from '../../src/discovery/dns/dns-discoverer.js';
import type { TargetGroup } from '../../src/discovery/discoverer.js';
import { FakeClock } from '../../src/model/clock.js';
import type { RunningProgram } from '../support/programs.js';
import { findProgram, freePort, startProgram } from '../support/programs.js';

const dnsmasq = findProgram('/usr/sbin/dnsmasq');
let server: RunningProgram | undefined;
let dir = '';
let servers: string[] = [];

/** Resolves once something answers DNS queries on the port. */
async function waitForDns(port: number, program: RunningProgram): Promise<void> {
  const { Resolver } = await import('node:dns/promises');
  const r = new Resolver({ timeout: 200, tries: 1 });
  r.setServers([`127.0.0.1:${port}`]);
  for (let i = 0; i < 100; i++) {
    try {
      await r.resolve4('host1.example.test');
      return;
    } catch {
      if (program.process.exitCode !== null) throw new Error(`dnsmasq exited:\n${program.output()}`);
      await new Promise((res) => setTimeout(res, 50));
    }
  }
  throw new Error(`dnsmasq did not answer:\n${program.output()}`);
}

before(async () => {
  if (dnsmasq.skip !== undefined) return;
  dir = mkdtempSync(join(tmpdir(), 'vigil-dns-'));
  writeFileSync(join(dir, 'hosts'), '10.0.1.1 web.example.test\n');
  const port = await freePort();
  // freePort checks TCP; make sure UDP is free as well.
  await new Promise<void>((res, rej) => {
    const s = createSocket('udp4');
    s.once('error', rej);
    s.bind(port, '127.0.0.1', () => s.close(() => res()));
  });
  servers = [`127.0.0.1:${port}`];
  server = startProgram(dnsmasq.path, [
    '--keep-in-foreground', `--port=${port}`, '--listen-address=127.0.0.1', '--bind-interfaces', '--no-resolv', '--no-hosts',
    '--conf-file=/dev/null', '--pid-file=', `--user=${userInfo().username}`, '--log-facility=-', '--local=/example.test/',
    `--hostsdir=${dir}`,
    '--srv-host=_web._tcp.example.test,host1.example.test,9100,0,0',
    '--srv-host=_web._tcp.example.test,host2.example.test,9200,1,0',
    '--host-record=host1.example.test,10.0.0.1,fd00::1',
    '--host-record=host2.example.test,10.0.0.2',
    '--mx-host=example.test,mail.example.test,10',
  ]);
  await waitForDns(port, server);
});

after(async () => {
  await server?.stop();
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

async function firstGroups(cfg: Omit<DnsSdConfig, 'kind' | 'refreshInterval'>): Promise<{ groups: TargetGroup[]; errors: Error[] }> {
  const errors: Error[] = [];
  const d = new DnsDiscoverer({ kind: 'dns', refreshInterval: 30_000, ...cfg }, { clock: new FakeClock(), report: (e) => errors.push(e), dnsServers: servers });
  const ctl = new AbortController();
  let groups: TargetGroup[] = [];
  const got = new Promise<void>((res) => {
    void d.run(ctl.signal, (g) => {
      groups = g;
      res();
    });
  });
  await Promise.race([got, new Promise((res) => setTimeout(res, 5000))]);
  ctl.abort();
  return { groups, errors };
}

const targets = (groups: TargetGroup[]): Record<string, string>[] => groups.flatMap((g) => g.targets.map((t) => t.toObject()));

test('SRV records: one target per record with the dns meta labels', { skip: dnsmasq.skip }, async () => {
  const { groups, errors } = await firstGroups({ names: ['_web._tcp.example.test'], type: 'SRV', port: 0 });
  assert.deepEqual(errors, []);
  assert.equal(groups[0]?.source, '_web._tcp.example.test');
  assert.deepEqual(targets(groups).sort((a, b) => (a.__address__ as string).localeCompare(b.__address__ as string)), [
    { __address__: 'host1.example.test:9100', __meta_dns_name: '_web._tcp.example.test', __meta_dns_srv_record_port: '9100', __meta_dns_srv_record_target: 'host1.example.test.' },
    { __address__: 'host2.example.test:9200', __meta_dns_name: '_web._tcp.example.test', __meta_dns_srv_record_port: '9200', __meta_dns_srv_record_target: 'host2.example.test.' },
  ]);
});

test('A, AAAA and MX records use the configured port; IPv6 addresses are bracketed', { skip: dnsmasq.skip }, async () => {
  const a = await firstGroups({ names: ['host1.example.test', 'host2.example.test'], type: 'A', port: 80 });
  assert.deepEqual(targets(a.groups).map((t) => t.__address__), ['10.0.0.1:80', '10.0.0.2:80']);
  assert.deepEqual(a.groups.map((g) => g.source), ['host1.example.test', 'host2.example.test']);
  const aaaa = await firstGroups({ names: ['host1.example.test'], type: 'AAAA', port: 9100 });
  assert.deepEqual(targets(aaaa.groups), [{ __address__: '[fd00::1]:9100', __meta_dns_name: 'host1.example.test' }]);
  const mx = await firstGroups({ names: ['example.test'], type: 'MX', port: 25 });
  assert.deepEqual(targets(mx.groups), [{ __address__: 'mail.example.test:25', __meta_dns_name: 'example.test', __meta_dns_mx_record_target: 'mail.example.test.' }]);
});

test('a name without records gives an empty group, not an error', { skip: dnsmasq.skip }, async () => {
  const { groups, errors } = await firstGroups({ names: ['nothing.example.test'], type: 'A', port: 80 });
  assert.deepEqual(errors, []);
  assert.deepEqual(groups.map((g) => [g.source, g.targets.length]), [['nothing.example.test', 0]]);
});

test('records that change are picked up at the next refresh', { skip: dnsmasq.skip }, async () => {
  const clock = new FakeClock();
  const emitted: TargetGroup[][] = [];
  const d = new DnsDiscoverer({ kind: 'dns', names: ['web.example.test'], type: 'A', port: 8080, refreshInterval: 30_000 }, { clock, report: () => undefined, dnsServers: servers });
  const ctl = new AbortController();
  const running = d.run(ctl.signal, (g) => emitted.push(g));
  try {
    const until = async (n: number): Promise<void> => {
      const end = Date.now() + 5000;
      while (emitted.length < n && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    };
    await until(1);
    assert.deepEqual(targets(emitted[0] ?? []).map((t) => t.__address__), ['10.0.1.1:8080']);
    writeFileSync(join(dir, 'hosts'), '10.0.1.1 web.example.test\n10.0.1.2 web.example.test\n');
    // dnsmasq notices the hosts directory change through inotify; poll until it answers with both.
    const end = Date.now() + 5000;
    while (emitted.length < 2 && Date.now() < end) {
      await clock.advance(30_000);
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.deepEqual(targets(emitted[1] ?? []).map((t) => t.__address__).sort(), ['10.0.1.1:8080', '10.0.1.2:8080']);
  } finally {
    ctl.abort();
    await running;
  }
});
