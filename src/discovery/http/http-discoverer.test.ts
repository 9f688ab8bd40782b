import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { DEFAULT_HTTP_CLIENT } from '../../config/http-client-decoding.js';
import { FakeClock } from '../../model/clock.js';
import type { TargetGroup } from '../discoverer.js';
import { HttpDiscoverer } from './http-discoverer.js';

async function waitFor(what: string, ok: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('http_sd follows the HTTP SD contract: header, 200 + JSON only, __meta_url, last good state kept', async () => {
  let reply: { status: number; type: string; body: string | Buffer } = { status: 200, type: 'application/json; charset=utf-8', body: '[{"targets": ["a:1", "b:1"], "labels": {"env": "x"}}, {"targets": ["c:1"]}]' };
  const seen: { refresh: string | undefined; auth: string | undefined }[] = [];
  const server = createServer((req, res) => {
    seen.push({ refresh: req.headers['x-prometheus-refresh-interval-seconds'] as string | undefined, auth: req.headers.authorization });
    res.writeHead(reply.status, { 'content-type': reply.type }).end(reply.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sd`;
  const clock = new FakeClock();
  const errors: Error[] = [];
  const d = new HttpDiscoverer(
    { kind: 'http', url, refreshInterval: 30_000, httpClient: { ...DEFAULT_HTTP_CLIENT, authorization: { type: 'Bearer', credentials: 'tok', credentialsFile: '' } } },
    { clock, report: (e) => errors.push(e) },
  );
  const emitted: TargetGroup[][] = [];
  const ctl = new AbortController();
  const running = d.run(ctl.signal, (g) => emitted.push(g));
  try {
    await waitFor('first emission', () => emitted.length === 1);
    assert.deepEqual(seen[0], { refresh: '30', auth: 'Bearer tok' });
    assert.deepEqual(emitted[0]?.map((g) => [g.source, g.targets.map((t) => t.get('__address__')), g.labels.toObject()]), [
      [`${url}:0`, ['a:1', 'b:1'], { __meta_url: url, env: 'x' }],
      [`${url}:1`, ['c:1'], { __meta_url: url }],
    ]);

    const bad = [
      { status: 500, type: 'application/json', body: '[]', want: /HTTP status 500/ },
      { status: 200, type: 'text/plain', body: '[]', want: /unsupported content type "text\/plain"/ },
      { status: 200, type: 'application/json', body: '[{"targets": "x"', want: /bad target groups/ },
      { status: 200, type: 'application/json', body: Buffer.from([0x5b, 0xff, 0x5d]), want: /not valid UTF-8/ },
    ];
    for (const [i, b] of bad.entries()) {
      reply = b;
      await clock.advance(30_000);
      await waitFor('error', () => errors.length === i + 1);
      assert.match(errors[i]?.message ?? '', b.want);
    }
    assert.equal(emitted.length, 1, 'failed refreshes keep the last good state');

    reply = { status: 200, type: 'application/json', body: '[{"targets": ["c:1"]}]' };
    await clock.advance(30_000);
    await waitFor('update', () => emitted.length === 2);
    assert.deepEqual(emitted[1]?.map((g) => [g.source, g.targets.length]), [[`${url}:0`, 1], [`${url}:1`, 0]]);
  } finally {
    ctl.abort();
    await running;
    server.close();
  }
});
