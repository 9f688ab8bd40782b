import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { test } from 'node:test';
import { DEFAULT_HTTP_CLIENT, DEFAULT_TLS_CONFIG } from '../config/http-client-decoding.js';
import type { HttpClientConfig } from '../config/prometheus-config.js';
import { closeHttpConnections, ProxyError, sendHttp } from './http-transport.js';
import { listen, startTestProxy, TEST_CERT, TEST_KEY, testCertFile } from './test-http-servers.js';

async function text(res: IncomingMessage): Promise<string> {
  let s = '';
  for await (const c of res as AsyncIterable<Buffer>) s += c.toString();
  return s;
}

const signal = new AbortController().signal;

test('through a proxy: absolute form for http, CONNECT tunnels for https, connections kept alive; no_proxy and the environment decide', async () => {
  const plain = await listen(createServer((req, res) => {
    res.writeHead(200).end(`plain ${req.url} host=${req.headers.host}${req.headers.authorization === undefined ? '' : ` auth=${req.headers.authorization}`}`);
  }));
  const secure = await listen(createHttpsServer({ key: TEST_KEY, cert: TEST_CERT }, (req, res) => res.writeHead(200).end(`secure ${req.url}`)));
  const proxy = await startTestProxy();
  const ca = testCertFile();
  const savedEnv = { ...process.env };
  try {
    const client: HttpClientConfig = {
      ...DEFAULT_HTTP_CLIENT, proxyUrl: `http://us%20er:p%40ss@127.0.0.1:${proxy.port}`, proxyConnectHeader: { 'X-Tunnel': ['a', 'b'] },
      tlsConfig: { ...DEFAULT_TLS_CONFIG, caFile: ca.path },
    };
    const get = async (url: string, settings: HttpClientConfig = client): Promise<string> => text(await sendHttp(new URL(url), { headers: {}, signal, settings }));
    const auth = `Basic ${Buffer.from('us er:p@ss').toString('base64')}`;
    proxy.requireAuth = auth;

    assert.equal(await get(`${plain.url}/m?x=1`), `plain /m?x=1 host=127.0.0.1:${plain.port}`);
    assert.equal(await get(`http://t%20u:pw@127.0.0.1:${plain.port}/auth`), `plain /auth host=127.0.0.1:${plain.port} auth=Basic ${Buffer.from('t u:pw').toString('base64')}`);
    assert.equal(await get(`${plain.url}/again`), `plain /again host=127.0.0.1:${plain.port}`);
    assert.equal(await get(`https://127.0.0.1:${secure.port}/s`), 'secure /s');
    assert.equal(await get(`https://127.0.0.1:${secure.port}/t`), 'secure /t');
    assert.deepEqual(proxy.seen.map((r) => r.line), [
      `GET http://127.0.0.1:${plain.port}/m?x=1`, `GET http://127.0.0.1:${plain.port}/auth`, `GET http://127.0.0.1:${plain.port}/again`, `CONNECT 127.0.0.1:${secure.port}`,
    ]);
    assert.deepEqual(proxy.seen.map((r) => r.headers['proxy-authorization']), [auth, auth, auth, auth]);
    assert.deepEqual(proxy.seen.map((r) => r.headers['x-tunnel']), [undefined, undefined, undefined, 'a, b'], 'proxy_connect_header goes with CONNECT only');
    assert.equal(proxy.connections(), 2, 'one kept-alive connection for plain requests, one tunnel for both https requests');

    // A proxy that refuses the tunnel: a clear error.
    await assert.rejects(get(`https://127.0.0.1:${secure.port}/s`, { ...client, proxyUrl: `http://127.0.0.1:${proxy.port}` }),
      (e: unknown) => e instanceof ProxyError && e.message === `proxy 127.0.0.1:${proxy.port} refused CONNECT to 127.0.0.1:${secure.port}: 407 Proxy Authentication Required`);
    await assert.rejects(get(`${plain.url}/`, { ...client, proxyUrl: 'socks5://127.0.0.1:1080' }), /unsupported proxy scheme "socks5"/);

    // no_proxy: listed hosts (and, once no_proxy is set, loopback) are reached directly.
    const seen = proxy.seen.length;
    assert.equal(await get(`${plain.url}/direct`, { ...client, noProxy: 'example.com' }), `plain /direct host=127.0.0.1:${plain.port}`);
    assert.equal(proxy.seen.length, seen);

    // proxy_from_environment: HTTP_PROXY / HTTPS_PROXY, not for localhost.
    proxy.requireAuth = undefined;
    process.env.HTTP_PROXY = `127.0.0.1:${proxy.port}`;
    process.env.https_proxy = `http://127.0.0.1:${proxy.port}`;
    const env = { ...client, proxyUrl: '', proxyFromEnvironment: true };
    // The proxy forwards to 127.0.0.1 whatever host is named; the client only sees a name that is not loopback.
    assert.equal(await get(`http://vigil.invalid:${plain.port}/env`, env), `plain /env host=vigil.invalid:${plain.port}`);
    assert.equal(proxy.seen.at(-1)?.line, `GET http://vigil.invalid:${plain.port}/env`);
    assert.equal(await get(`http://localhost:${plain.port}/local`, env), `plain /local host=localhost:${plain.port}`);
    assert.equal(proxy.seen.at(-1)?.line, `GET http://vigil.invalid:${plain.port}/env`, 'localhost went direct');
  } finally {
    process.env = savedEnv;
    closeHttpConnections();
    for (const s of [plain, secure, proxy]) s.close();
    ca.remove();
  }
});

test('an https:// proxy: TLS to the proxy (verified with tls_config), then absolute-form requests or tunnels inside', async () => {
  const plain = await listen(createServer((req, res) => res.writeHead(200).end(`plain ${req.url}`)));
  const secure = await listen(createHttpsServer({ key: TEST_KEY, cert: TEST_CERT }, (req, res) => res.writeHead(200).end(`secure ${req.url}`)));
  const proxy = await startTestProxy({ tls: true });
  const ca = testCertFile();
  try {
    const settings: HttpClientConfig = { ...DEFAULT_HTTP_CLIENT, proxyUrl: `https://127.0.0.1:${proxy.port}`, tlsConfig: { ...DEFAULT_TLS_CONFIG, caFile: ca.path } };
    assert.equal(await text(await sendHttp(new URL(`${plain.url}/a`), { headers: {}, signal, settings })), 'plain /a');
    assert.equal(await text(await sendHttp(new URL(`https://127.0.0.1:${secure.port}/b`), { headers: {}, signal, settings })), 'secure /b');
    // Targets by name: the proxy's certificate is still checked against the proxy's address, not the target's name.
    assert.equal(await text(await sendHttp(new URL(`http://vigil.invalid:${plain.port}/c`), { headers: {}, signal, settings })), 'plain /c');
    assert.equal(await text(await sendHttp(new URL(`https://localhost:${secure.port}/d`), { headers: {}, signal, settings })), 'secure /d');
    assert.deepEqual(proxy.seen.map((r) => r.line), [
      `GET ${plain.url}/a`, `CONNECT 127.0.0.1:${secure.port}`, `GET http://vigil.invalid:${plain.port}/c`, `CONNECT localhost:${secure.port}`,
    ]);
    assert.equal(proxy.connections(), 3, 'plain requests share one connection; each https target has its tunnel');
    closeHttpConnections();
    await assert.rejects(sendHttp(new URL(`${plain.url}/a`), { headers: {}, signal, settings: { ...settings, tlsConfig: DEFAULT_TLS_CONFIG } }), /self-signed certificate/);
  } finally {
    closeHttpConnections();
    for (const s of [plain, secure, proxy]) s.close();
    ca.remove();
  }
});
