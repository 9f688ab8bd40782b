import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_HTTP_CLIENT, NO_PROXY } from '../config/http-client-decoding.js';
import { DiscoveryHttpError, readBody, readJsonBody, sendRequest } from './http-client.js';

test('auth settings become headers; redirects follow the config; transport errors are typed', async () => {
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

    await assert.rejects(sendRequest(`http://127.0.0.1:1/`, { client: DEFAULT_HTTP_CLIENT, signal }), (e: unknown) => e instanceof DiscoveryHttpError && /ECONNREFUSED/.test(e.message));
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('oauth2 client credentials: the token is fetched once, sent as a bearer token, and failures are errors', async () => {
  const tokenRequests: { auth: string | undefined; body: string }[] = [];
  let tokenStatus = 200;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.url === '/token') {
        tokenRequests.push({ auth: req.headers.authorization, body });
        if (tokenStatus !== 200) return res.writeHead(tokenStatus).end('{"error": "invalid_client"}');
        return res.writeHead(200, { 'content-type': 'application/json' }).end('{"access_token": "tok-1", "token_type": "bearer", "expires_in": 3600}');
      }
      if (req.headers.authorization !== 'Bearer tok-1') return res.writeHead(401).end();
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const signal = new AbortController().signal;
  const oauth2 = {
    clientId: 'id 1', clientSecret: 's&cret', clientSecretFile: '', scopes: ['read', 'write'], tokenUrl: `${base}/token`,
    endpointParams: { audience: 'vigil' }, tlsConfig: DEFAULT_HTTP_CLIENT.tlsConfig, ...NO_PROXY,
  };
  try {
    for (let i = 0; i < 2; i++) {
      const r = await sendRequest(`${base}/sd`, { client: { ...DEFAULT_HTTP_CLIENT, oauth2 }, signal });
      assert.equal((await readBody(r)).toString(), 'ok');
    }
    assert.equal(tokenRequests.length, 1, 'the token is reused until it expires');
    assert.equal(tokenRequests[0]?.auth, `Basic ${Buffer.from('id+1:s%26cret').toString('base64')}`);
    assert.deepEqual(Object.fromEntries(new URLSearchParams(tokenRequests[0]?.body)), { grant_type: 'client_credentials', scope: 'read write', audience: 'vigil' });
    tokenStatus = 401;
    await assert.rejects(
      sendRequest(`${base}/sd`, { client: { ...DEFAULT_HTTP_CLIENT, oauth2: { ...oauth2 } }, signal }),
      (e: unknown) => e instanceof DiscoveryHttpError && e.message === `GET ${base}/sd: oauth2: "invalid_client"`,
    );
  } finally {
    server.close();
  }
});

test('readJsonBody: the JSON of a 200 response; other statuses and bad JSON are errors of the given type', async () => {
  const server = createServer((req, res) => {
    if (req.url === '/ok') res.writeHead(200).end('{"a":[1]}');
    else if (req.url === '/bad') res.writeHead(200).end('{"a":');
    else res.writeHead(503).end('x'.repeat(300));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const signal = new AbortController().signal;
  class TestError extends Error {}
  const get = async (path: string): Promise<unknown> => readJsonBody(await sendRequest(base + path, { client: DEFAULT_HTTP_CLIENT, signal }), `svc ${path}`, TestError);
  try {
    assert.deepEqual(await get('/ok'), { a: [1] });
    await assert.rejects(get('/bad'), (e: unknown) => e instanceof TestError && e.message === 'svc /bad returned invalid JSON' && e.cause instanceof SyntaxError);
    await assert.rejects(get('/down'), (e: unknown) => e instanceof TestError && e.message === `svc /down returned HTTP status 503: ${'x'.repeat(200)}`);
  } finally {
    server.close();
  }
});
