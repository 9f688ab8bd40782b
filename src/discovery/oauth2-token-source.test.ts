import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_TLS_CONFIG, NO_PROXY } from '../config/http-client-decoding.js';
import type { OAuth2 } from '../config/prometheus-config.js';
import { FakeClock } from '../model/clock.js';
import { OAuth2Error, OAuth2TokenSource } from './oauth2-token-source.js';
import { closeHttpConnections } from './http-transport.js';
import { listen, startTestProxy, startTokenEndpoint } from './test-http-servers.js';
import { waitFor } from './test-wait.js';

function oauth2(tokenUrl: string, extra: Partial<OAuth2> = {}): OAuth2 {
  return { clientId: 'id 1', clientSecret: 's&cret', clientSecretFile: '', scopes: [], tokenUrl, endpointParams: {}, tlsConfig: DEFAULT_TLS_CONFIG, ...NO_PROXY, ...extra };
}

const signal = new AbortController().signal;

test('a token is fetched once, reused until 10s before expires_in, then fetched again', async () => {
  const ep = await startTokenEndpoint();
  try {
    ep.answers = [[200, { access_token: 'a', token_type: 'bearer', expires_in: 60 }], [200, { access_token: 'b', token_type: 'mac', expires_in: '60' }]];
    const clock = new FakeClock(1_000_000);
    const src = new OAuth2TokenSource(oauth2(`${ep.url}/token`, { scopes: ['read', 'write'], endpointParams: { audience: 'vigil' } }), clock);
    assert.deepEqual(await src.token(signal), { type: 'Bearer', value: 'a', refreshAt: 1_050_000 });
    await clock.advance(49_999);
    assert.equal((await src.token(signal)).value, 'a');
    assert.equal(ep.requests.length, 1);
    await clock.advance(1);
    assert.deepEqual(await src.token(signal), { type: 'MAC', value: 'b', refreshAt: 1_100_000 });
    assert.equal(ep.requests.length, 2);
    // Client id and secret as basic auth, escaped as Go's url.QueryEscape; the rest as a form.
    assert.equal(ep.requests[0]?.authorization, `Basic ${Buffer.from('id+1:s%26cret').toString('base64')}`);
    assert.deepEqual(ep.requests[0]?.form, { grant_type: 'client_credentials', scope: 'read write', audience: 'vigil' });
  } finally {
    ep.close();
  }
});

test('an endpoint that refuses basic auth gets the credentials as form fields, from then on', async () => {
  const ep = await startTokenEndpoint();
  try {
    ep.wantParams = true;
    ep.answers = [[200, { access_token: 'p', expires_in: 20 }]];
    const clock = new FakeClock(0);
    const src = new OAuth2TokenSource(oauth2(`${ep.url}/token`), clock);
    assert.equal((await src.token(signal)).value, 'p');
    assert.equal(ep.requests.length, 2);
    assert.deepEqual(ep.requests[1]?.form, { grant_type: 'client_credentials', client_id: 'id 1', client_secret: 's&cret' });
    await clock.advance(10_000);
    assert.equal((await src.token(signal)).value, 'p');
    assert.equal(ep.requests.length, 3, 'the second fetch goes straight to form fields');
    assert.equal(ep.requests[2]?.authorization, undefined);
  } finally {
    ep.close();
  }
});

test('failures read as Go words them; concurrent callers share one fetch; a changed secret file drops the token', async () => {
  const ep = await startTokenEndpoint();
  const dir = mkdtempSync(join(tmpdir(), 'vigil-oauth2-'));
  try {
    const fails = async (o: OAuth2, want: string): Promise<void> => {
      await assert.rejects(new OAuth2TokenSource(o).token(signal), (e: unknown) => e instanceof OAuth2Error && e.message === want);
    };
    ep.answers = [[401, 'no way']];
    await fails(oauth2(`${ep.url}/token-401`), 'oauth2: cannot fetch token: 401 Unauthorized\nResponse: no way');
    ep.answers = [[400, { error: 'invalid_scope', error_description: 'bad scope' }]];
    await fails(oauth2(`${ep.url}/token-400`), 'oauth2: "invalid_scope" "bad scope"');
    ep.answers = [[200, { token_type: 'bearer' }]];
    await fails(oauth2(`${ep.url}/token-empty`), 'oauth2: server response missing access_token');
    await fails(oauth2(`${ep.url}/token`, { scopes: ['a'], endpointParams: { scope: 'b' } }), 'oauth2: cannot overwrite parameter "scope"');
    await fails(oauth2('http://127.0.0.1:1/token'), 'oauth2: cannot fetch token: Post "http://127.0.0.1:1/token": connect ECONNREFUSED 127.0.0.1:1');
    const before = ep.requests.length;

    ep.answers = [[200, { access_token: 'x' }]];
    writeFileSync(join(dir, 'secret'), 'one\n');
    const src = new OAuth2TokenSource(oauth2(`${ep.url}/token-file`, { clientSecret: '', clientSecretFile: join(dir, 'secret') }));
    const both = await Promise.all([src.token(signal), src.token(signal)]);
    assert.deepEqual(both.map((t) => t.value), ['x', 'x']);
    assert.equal(ep.requests.length, before + 1, 'one fetch for both callers');
    assert.equal(ep.requests.at(-1)?.authorization, `Basic ${Buffer.from('id+1:one').toString('base64')}`);
    await src.token(signal);
    assert.equal(ep.requests.length, before + 1, 'no expires_in: the token does not expire');
    writeFileSync(join(dir, 'secret'), 'two\n');
    await src.token(signal);
    assert.equal(ep.requests.length, before + 2);
    assert.equal(ep.requests.at(-1)?.authorization, `Basic ${Buffer.from('id+1:two').toString('base64')}`);

    const aborted = AbortSignal.abort(new Error('scrape cancelled'));
    await assert.rejects(new OAuth2TokenSource(oauth2(`${ep.url}/token-x`)).token(aborted), /scrape cancelled/);
  } finally {
    ep.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a caller that aborts stops waiting at once; the shared fetch is cancelled when the last caller aborts', async () => {
  let requests = 0;
  let closed = 0;
  const hang = await listen(createServer((req) => {
    requests++;
    req.socket.once('close', () => closed++);
  }));
  try {
    const src = new OAuth2TokenSource(oauth2(`${hang.url}/token`));
    const [a, b] = [new AbortController(), new AbortController()];
    const [pa, pb] = [src.token(a.signal), src.token(b.signal)];
    await waitFor('the token request', () => requests === 1);
    a.abort(new Error('a gone'));
    await assert.rejects(pa, /a gone/);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(closed, 0, 'the other caller still waits for the same fetch');
    b.abort(new Error('b gone'));
    await assert.rejects(pb, /b gone/);
    await waitFor('the request to be cancelled', () => closed === 1);
    assert.equal(requests, 1, 'no second attempt after a cancel');
  } finally {
    hang.close();
  }
});

test("token requests use the oauth2 block's own proxy settings", async () => {
  const ep = await startTokenEndpoint();
  const proxy = await startTestProxy();
  try {
    const src = new OAuth2TokenSource(oauth2(`${ep.url}/token`, { proxyUrl: `http://127.0.0.1:${proxy.port}` }));
    assert.equal((await src.token(signal)).value, 'tok');
    assert.deepEqual(proxy.seen.map((r) => r.line), [`POST ${ep.url}/token`]);
  } finally {
    closeHttpConnections();
    ep.close();
    proxy.close();
  }
});
