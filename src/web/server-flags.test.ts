import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FlagError, parseServerFlags } from './server-flags.js';

test('defaults are Prometheus\'s', () => {
  const f = parseServerFlags([]);
  assert.equal(f.configFile, '');
  assert.equal(f.listenHost, '0.0.0.0');
  assert.equal(f.listenPort, 9090);
  assert.equal(f.retentionTime, 15 * 24 * 3600 * 1000);
  assert.equal(f.queryTimeout, 120_000);
  assert.equal(f.queryLookbackDelta, 300_000);
  assert.equal(f.queryMaxSamples, 50_000_000);
  assert.equal(f.enableLifecycle, false);
  assert.equal(f.asText['query.timeout'], '2m');
});

test('flags take --name=value, --name value and --no-<bool>', () => {
  const f = parseServerFlags([
    '--config.file=p.yml', '--web.listen-address', ':9999', '--web.enable-lifecycle', '--no-web.enable-admin-api',
    '--storage.tsdb.retention.size=1GB', '--log.format=json', '--log.level=debug', '--query.lookback-delta=1m',
  ]);
  assert.equal(f.configFile, 'p.yml');
  assert.equal(f.listenPort, 9999);
  assert.equal(f.enableLifecycle, true);
  assert.equal(f.enableAdminApi, false);
  assert.equal(f.retentionSize, 2 ** 30);
  assert.equal(f.retentionTime, 0, 'no time default once a size is set');
  assert.equal(f.logFormat, 'json');
  assert.equal(f.queryLookbackDelta, 60_000);
  assert.equal(f.asText['web.enable-lifecycle'], 'true');
});

test('bad values are FlagErrors naming the flag', () => {
  assert.throws(() => parseServerFlags(['--query.timeout=soon']), (e: unknown) => e instanceof FlagError && /--query.timeout/.test(e.message));
  assert.throws(() => parseServerFlags(['--log.level=loud']), /unrecognized log level "loud"/);
  assert.throws(() => parseServerFlags(['--web.listen-address=nowhere']), /--web.listen-address/);
  assert.throws(() => parseServerFlags(['--bogus']), FlagError);
});

test('--web.external-url must be an absolute URL; its path becomes the route prefix', async () => {
  const { routePrefix } = await import('./vigil-server.js');
  assert.equal(routePrefix(parseServerFlags(['--web.external-url=http://example.com/prometheus/']).externalUrl), '/prometheus');
  assert.equal(routePrefix(parseServerFlags(['--web.external-url=http://example.com']).externalUrl), '');
  assert.throws(() => parseServerFlags(['--web.external-url=example.com/x']), /--web.external-url/);
});
