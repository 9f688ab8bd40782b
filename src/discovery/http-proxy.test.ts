import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_HTTP_CLIENT, DEFAULT_TLS_CONFIG } from '../config/http-client-decoding.js';
import { readBody, sendRequest } from './http-client.js';
import { bypassesProxy, proxyFor } from './http-proxy.js';

test('no_proxy lists match as Go does: *, hosts with subdomains, .suffixes, IPs, CIDRs, ports', () => {
  const cases: [string, string, string, boolean][] = [
    ['*', 'any', '80', true],
    ['example.com', 'example.com', '80', true],
    ['example.com', 'a.example.com', '80', true],
    ['example.com', 'badexample.com', '80', false],
    ['.example.com', 'example.com', '80', false],
    ['.example.com', 'a.example.com', '80', true],
    ['10.0.0.0/8', '10.1.2.3', '80', true],
    ['10.0.0.0/8', '11.1.2.3', '80', false],
    ['127.0.0.1', '127.0.0.1', '9090', true],
    ['host:8080', 'host', '8080', true],
    ['host:8080', 'host', '9090', false],
    [' a.com , b.com ', 'b.com', '80', true],
    ['', 'x', '80', false],
  ];
  for (const [list, host, port, want] of cases) assert.equal(bypassesProxy(list, host, port), want, `${list} / ${host}:${port}`);
  const client = { ...DEFAULT_HTTP_CLIENT, proxyFromEnvironment: true };
  const env = { HTTP_PROXY: 'http://p:3128', https_proxy: 'p2:3129', NO_PROXY: 'internal' };
  assert.equal(proxyFor(new URL('http://x/'), client, env)?.href, 'http://p:3128/');
  assert.equal(proxyFor(new URL('https://x/'), client, env)?.href, 'http://p2:3129/');
  assert.equal(proxyFor(new URL('http://a.internal/'), client, env), undefined);
  assert.equal(proxyFor(new URL('http://x/'), { ...DEFAULT_HTTP_CLIENT, proxyUrl: 'http://q:1', noProxy: 'x' }), undefined);
});

test('requests go through the proxy: absolute-form for http, CONNECT tunnels for https', { skip: spawnSync('sh', ['-c', 'command -v openssl']).status !== 0 ? 'openssl missing' : undefined }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-proxy-'));
  const gen = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1']);
  assert.equal(gen.status, 0, gen.stderr.toString());
  const origin = createServer((req, res) => res.writeHead(200).end(`plain ${req.url}`));
  const secure = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (req, res) => res.writeHead(200).end(`secure ${req.url}`));
  const seen: string[] = [];
  const proxy = createServer((req, res) => {
    seen.push(`${req.method} ${req.url} ${req.headers['proxy-authorization'] ?? ''}`);
    const fwd = request(req.url ?? '', { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    req.pipe(fwd);
  });
  proxy.on('connect', (req, socket, head) => {
    seen.push(`CONNECT ${req.url} ${req.headers['x-tunnel'] ?? ''}`);
    const [host, port] = (req.url ?? '').split(':');
    const up = connect(Number(port), host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    up.on('error', () => socket.destroy());
    socket.on('error', () => up.destroy());
  });
  const listen = (s: { listen: (p: number, h: string, cb: () => void) => unknown; address: () => unknown }): Promise<number> =>
    new Promise((r) => s.listen(0, '127.0.0.1', () => r((s.address() as AddressInfo).port)));
  const [po, ps, pp] = [await listen(origin), await listen(secure), await listen(proxy)];
  const signal = new AbortController().signal;
  try {
    const client = { ...DEFAULT_HTTP_CLIENT, proxyUrl: `http://user:pw@127.0.0.1:${pp}`, proxyConnectHeader: { 'X-Tunnel': ['yes'] } };
    const r1 = await sendRequest(`http://127.0.0.1:${po}/sd?x=1`, { client, signal });
    assert.equal((await readBody(r1)).toString(), 'plain /sd?x=1');
    const tlsClient = { ...client, tlsConfig: { ...DEFAULT_TLS_CONFIG, caFile: join(dir, 'cert.pem') } };
    const r2 = await sendRequest(`https://127.0.0.1:${ps}/v3/kv/range`, { client: tlsClient, signal });
    assert.equal((await readBody(r2)).toString(), 'secure /v3/kv/range');
    assert.deepEqual(seen, [`GET http://127.0.0.1:${po}/sd?x=1 Basic ${Buffer.from('user:pw').toString('base64')}`, `CONNECT 127.0.0.1:${ps} yes`]);
    const r3 = await sendRequest(`http://127.0.0.1:${po}/direct`, { client: { ...client, noProxy: '127.0.0.0/8' }, signal });
    assert.equal((await readBody(r3)).toString(), 'plain /direct');
    assert.equal(seen.length, 2, 'no_proxy hosts are reached directly');
  } finally {
    for (const s of [origin, secure, proxy]) {
      s.closeAllConnections();
      s.close();
    }
    rmSync(dir, { recursive: true, force: true });
  }
});
