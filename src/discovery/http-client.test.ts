import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_HTTP_CLIENT } from '../config/http-client-decoding.js';
import { DiscoveryHttpError, readBody, sendRequest } from './http-client.js';

test('auth settings become headers; redirects follow the config; unsupported settings are refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-http-'));
  writeFileSync(join(dir, 'pw'), 'from-file\n');
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    if (req.url === '/old') res.writeHead(302, { location: '/new' }).end();
    else res.writeHead(200).end(`at ${req.url}`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const signal = new AbortController().signal;
  try {
    const basic = { ...DEFAULT_HTTP_CLIENT, basicAuth: { username: 'u', usernameFile: '', password: '', passwordFile: join(dir, 'pw') } };
    const r1 = await sendRequest(`${base}/old`, { client: basic, signal });
    assert.equal((await readBody(r1)).toString(), 'at /new');
    assert.equal(seen[0]?.authorization, `Basic ${Buffer.from('u:from-file').toString('base64')}`);
    assert.equal(seen[1]?.authorization, seen[0]?.authorization);

    const noFollow = { ...DEFAULT_HTTP_CLIENT, followRedirects: false, httpHeaders: { 'X-Team': { values: ['a', 'b'], secrets: [], files: [] } } };
    const r2 = await sendRequest(`${base}/old`, { client: noFollow, signal });
    await readBody(r2);
    assert.equal(r2.status, 302);
    assert.equal(seen[2]?.['x-team'], 'a, b');

    await assert.rejects(sendRequest(base, { client: { ...DEFAULT_HTTP_CLIENT, proxyUrl: 'http://proxy:3128' }, signal }), (e: unknown) => e instanceof DiscoveryHttpError && /proxy_url is not supported/.test(e.message));
    await assert.rejects(sendRequest(`http://127.0.0.1:1/`, { client: DEFAULT_HTTP_CLIENT, signal }), (e: unknown) => e instanceof DiscoveryHttpError && /ECONNREFUSED/.test(e.message));
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
