import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_HTTP_CLIENT } from '../config/http-client-decoding.js';
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
    ['10.0.0.1', '10.0.0.1', '9090', true],
    ['10.0.0.1:80', '10.0.0.1', '9090', false],
    ['[2001:db8::1]:80', '2001:db8::1', '80', true],
    ['2001:db8::/32', '2001:db8::5', '80', true],
    ['2001:db8::/32', '2001:db9::5', '80', false],
    ['*.example.com', 'a.example.com', '80', true],
    ['*.example.com', 'example.com', '80', false],
    ['', 'localhost', '80', true],
    ['', '127.0.0.2', '80', true],
    ['', '[::1]', '80', true],
    ['host:8080', 'host', '8080', true],
    ['host:8080', 'host', '9090', false],
    [' a.com , b.com ', 'b.com', '80', true],
    ['', 'x', '80', false],
  ];
  for (const [list, host, port, want] of cases) assert.equal(bypassesProxy(list, host, port), want, `${list} / ${host}:${port}`);
});

test('proxy_from_environment reads the variables as Go does; proxy_url alone proxies even localhost', () => {
  const client = { ...DEFAULT_HTTP_CLIENT, proxyFromEnvironment: true };
  const env = { HTTP_PROXY: 'http://p:3128', HTTPS_PROXY: '', https_proxy: 'p2:3129', no_proxy: 'internal' };
  assert.equal(proxyFor(new URL('http://x/'), client, env)?.href, 'http://p:3128/');
  assert.equal(proxyFor(new URL('https://x/'), client, env)?.href, 'http://p2:3129/', 'an empty upper-case variable falls back to lower case');
  assert.equal(proxyFor(new URL('http://a.internal/'), client, env), undefined);
  assert.equal(proxyFor(new URL('http://localhost:9090/'), client, env), undefined, 'localhost is never proxied from the environment');
  assert.equal(proxyFor(new URL('http://x/'), client, { ...env, REQUEST_METHOD: 'GET' }), undefined, 'HTTP_PROXY is ignored under CGI');
  assert.equal(proxyFor(new URL('http://x/'), client, {}), undefined);

  const fixed = { ...DEFAULT_HTTP_CLIENT, proxyUrl: 'http://q:1' };
  assert.equal(proxyFor(new URL('http://127.0.0.1:9090/'), fixed, {})?.href, 'http://q:1/');
  assert.equal(proxyFor(new URL('https://localhost/'), fixed, {})?.href, 'http://q:1/');
  assert.equal(proxyFor(new URL('http://127.0.0.1:9090/'), { ...fixed, noProxy: 'elsewhere' }, {}), undefined, 'with no_proxy, loopback is direct');
  assert.equal(proxyFor(new URL('http://x/'), { ...fixed, noProxy: 'x' }, {}), undefined);
  assert.equal(proxyFor(new URL('http://y/'), { ...fixed, noProxy: 'x' }, {})?.href, 'http://q:1/');
});
