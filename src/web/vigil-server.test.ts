import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { FakeClock } from '../model/clock.js';
import { Labels } from '../model/labels.js';
import { NOP_LOGGER } from '../model/logger.js';
import { Head } from '../tsdb/head.js';
import { TsdbStats } from '../tsdb/tsdb-stats.js';
import { ApiError } from './api-error.js';
import { makeRequest } from './http-exchange.js';
import { PromqlQueryService } from './promql-query-service.js';
import { parseServerFlags } from './server-flags.js';
import { VigilServer } from './vigil-server.js';

const T0 = 1_700_000_000_000;
const servers: VigilServer[] = [];
after(() => Promise.all(servers.map((s) => s.stop())));

async function setup(extraFlags: string[] = []): Promise<{ server: VigilServer; get: (url: string, body?: string) => Promise<{ status: number; json: unknown; text: string }> }> {
  const head = new Head();
  const app = head.appender();
  for (let i = 0; i <= 10; i++) {
    app.append(0, Labels.from({ __name__: 'http_requests_total', job: 'api', code: '200' }), T0 + i * 15_000, i * 10);
    app.append(0, Labels.from({ __name__: 'http_requests_total', job: 'api', code: '500' }), T0 + i * 15_000, i);
    app.append(0, Labels.from({ __name__: 'temp', job: 'db', site: 'a<b' }), T0 + i * 15_000, 0.5);
  }
  await app.commit();
  const flags = parseServerFlags(['--web.listen-address=127.0.0.1:0', ...extraFlags]);
  const clock = new FakeClock(T0 + 150_000);
  const queries = new PromqlQueryService({ queryable: head, timeout: flags.queryTimeout, lookbackDelta: flags.queryLookbackDelta, maxSamples: 1000, maxConcurrency: 2 });
  const server = new VigilServer({ flags, logger: NOP_LOGGER, clock, storage: head, queries, hostname: 'test-host' });
  await server.start();
  servers.push(server);
  const get = async (url: string, body?: string) => {
    const req = body === undefined ? makeRequest('GET', url) : makeRequest('POST', url, { body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const res = await server.app.handle(req);
    const text = String(res.body);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text };
  };
  return { server, get };
}

test('instant and range queries answer in Prometheus\'s JSON', async () => {
  const { server, get } = await setup();
  const r = await get(`/api/v1/query?query=${encodeURIComponent('sum by (code) (rate(http_requests_total[1m]))')}&time=${(T0 + 150_000) / 1000}`);
  assert.equal(r.status, 200);
  const data = (r.json as { data: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] } }).data;
  assert.equal(data.resultType, 'vector');
  const byCode = Object.fromEntries(data.result.map((s) => [s.metric.code, s.value]));
  // 10 per 15s and 1 per 15s.
  assert.equal(byCode['200']?.[0], 1700000150);
  assert.ok(Math.abs(Number(byCode['200']?.[1]) - 10 / 15) < 1e-12, String(byCode['200']));
  assert.ok(Math.abs(Number(byCode['500']?.[1]) - 1 / 15) < 1e-12, String(byCode['500']));

  const range = await get('/api/v1/query_range', `query=temp&start=${T0 / 1000}&end=${(T0 + 30_000) / 1000}&step=15s`);
  assert.equal(
    range.text,
    '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"temp","job":"db","site":"a\\u003cb"},"values":[[1700000000,"0.5"],[1700000015,"0.5"],[1700000030,"0.5"]]}]}}',
  );
  const scalar = await get('/api/v1/query?query=1e-7&time=1.5');
  // As Prometheus 2.42 answers (checked against it): scalars carry the time as a JSON float and the value in 'f' form.
  assert.equal(scalar.text, '{"status":"success","data":{"resultType":"scalar","result":[1.5,"0.0000001"]}}');
  await server.stop();
});

test('bad queries and parameters get bad_data with the position or parameter', async () => {
  const { server, get } = await setup();
  const bad = await get('/api/v1/query?query=sum(rate(x[5m])');
  assert.equal(bad.status, 400);
  assert.deepEqual(bad.json, { status: 'error', errorType: 'bad_data', error: 'invalid parameter "query": 1:16: parse error: unclosed left parenthesis' });
  const step = await get('/api/v1/query_range?query=up&start=10&end=20&step=0');
  assert.equal((step.json as { error: string }).error, 'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer');
  const when = await get('/api/v1/query?query=up&time=tomorrow');
  assert.equal((when.json as { error: string }).error, `invalid parameter "time": Invalid time value for 'time': cannot parse "tomorrow" to a valid timestamp`);
  const order = await get('/api/v1/query_range?query=up&start=20&end=10&step=1');
  assert.equal((order.json as { error: string }).error, 'invalid parameter "end": end timestamp must not be before start time');
  const many = await get('/api/v1/query?query=http_requests_total[10m]&time=1700000150');
  assert.equal(many.status, 200);
  const tooMany = await get('/api/v1/query_range?query=http_requests_total[10m]&start=1700000000&end=1700000150&step=1');
  assert.equal(tooMany.status, 422, tooMany.text);
  await server.stop();
});

test('series, labels and label values read the storage', async () => {
  const { server, get } = await setup();
  const series = await get(`/api/v1/series?match[]=${encodeURIComponent('http_requests_total{code="500"}')}&match[]=temp`);
  assert.deepEqual((series.json as { data: unknown }).data, [
    { __name__: 'http_requests_total', code: '500', job: 'api' },
    { __name__: 'temp', job: 'db', site: 'a<b' },
  ]);
  assert.deepEqual((await get('/api/v1/labels')).json, { status: 'success', data: ['__name__', 'code', 'job', 'site'] });
  assert.deepEqual((await get('/api/v1/label/job/values')).json, { status: 'success', data: ['api', 'db'] });
  assert.deepEqual((await get('/api/v1/label/job/values?match[]=temp')).json, { status: 'success', data: ['db'] });
  assert.deepEqual((await get('/api/v1/label/job/values?limit=1')).json, { status: 'success', data: ['api'], warnings: ['results truncated due to limit'] });
  assert.equal((await get('/api/v1/series')).status, 400);
  assert.deepEqual((await get('/api/v1/series?match[]={job=~".*"}')).json, { status: 'error', errorType: 'bad_data', error: 'invalid parameter "match[]": match[] must contain at least one non-empty matcher' });
  assert.equal((await get('/api/v1/label/bad-name/values')).status, 400);
  await server.stop();
});

test('targets, status and management endpoints', async () => {
  const { server, get } = await setup(['--query.timeout=30s']);
  const targets = (await get('/api/v1/targets')).json as { data: { activeTargets: { scrapePool: string; health: string; labels: unknown; scrapeInterval: string }[]; droppedTargetCounts: unknown } };
  assert.equal(targets.data.activeTargets.length, 1);
  assert.equal(targets.data.activeTargets[0]?.scrapePool, 'vigil');
  assert.equal(targets.data.activeTargets[0]?.health, 'unknown');
  assert.equal(targets.data.activeTargets[0]?.scrapeInterval, '15s');
  assert.deepEqual(targets.data.droppedTargetCounts, { vigil: 0 });
  assert.deepEqual((await get('/api/v1/scrape_pools')).json, { status: 'success', data: { scrapePools: ['vigil'] } });
  const flags = (await get('/api/v1/status/flags')).json as { data: Record<string, string> };
  assert.equal(flags.data['query.timeout'], '30s');
  assert.equal(flags.data['web.enable-lifecycle'], 'false');
  const cfg = (await get('/api/v1/status/config')).json as { data: { yaml: string } };
  assert.match(cfg.data.yaml, /job_name: vigil/);
  const runtime = ((await get('/api/v1/status/runtimeinfo')).json as { data: Record<string, unknown> }).data;
  assert.deepEqual(Object.keys(runtime), [
    'startTime', 'CWD', 'hostname', 'serverTime', 'reloadConfigSuccess', 'lastConfigTime', 'corruptionCount', 'goroutineCount',
    'GOMAXPROCS', 'GOMEMLIMIT', 'GOGC', 'GODEBUG', 'storageRetention',
  ]);
  assert.ok(Number(runtime.goroutineCount) >= 1, 'at least the listening socket');
  const { getHeapStatistics } = await import('node:v8');
  assert.equal(runtime.GOMEMLIMIT, getHeapStatistics().heap_size_limit);
  assert.equal(runtime.corruptionCount, 0);
  assert.equal(runtime.reloadConfigSuccess, true);
  const build = (await get('/api/v1/status/buildinfo')).json as { data: { version: string } };
  assert.equal(build.data.version, '0.1.0');
  const tsdb = (await get('/api/v1/status/tsdb')).json as { data: { headStats: { numSeries: number }; seriesCountByMetricName: unknown } };
  assert.deepEqual(tsdb.data.seriesCountByMetricName, [{ name: 'http_requests_total', value: 2 }, { name: 'temp', value: 1 }]);
  assert.equal((await get('/-/healthy')).status, 200);
  assert.equal((await server.app.handle(makeRequest('POST', '/-/reload'))).status, 403, 'lifecycle API is off by default');
  const metrics = await get('/metrics');
  assert.match(metrics.text, /^prometheus_http_requests_total\{code="200",handler="\/api\/v1\/targets"\} 1$/m);
  assert.match(metrics.text, /^prometheus_config_last_reload_successful 1$/m);
  await server.stop();
});

test('POST /-/reload applies a new configuration, keeps unchanged jobs running, and refuses a bad one', async () => {
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'vigil-reload-'));
  const file = join(dir, 'prometheus.yml');
  const job = (name: string, port: number) => `  - job_name: ${name}\n    static_configs: [{ targets: ['127.0.0.1:${port}'] }]\n`;
  writeFileSync(file, `scrape_configs:\n${job('a', 1)}`);
  const { server, get } = await setup([`--config.file=${file}`, '--web.enable-lifecycle']);
  const loopA = server.scrape.scrapePools()[0]?.activeLoops()[0];
  assert.ok(loopA !== undefined);

  writeFileSync(file, `scrape_configs:\n${job('a', 1)}${job('b', 2)}`);
  const ok = await server.app.handle(makeRequest('POST', '/-/reload'));
  assert.equal(ok.status, 200);
  assert.deepEqual(server.scrape.scrapePools().map((p) => p.jobName), ['a', 'b']);
  assert.equal(server.scrape.scrapePools()[0]?.activeLoops()[0], loopA, 'job a kept its loop');

  writeFileSync(file, `scrape_configs:\n  - job_name: [oops\n`);
  const bad = await server.app.handle(makeRequest('POST', '/-/reload'));
  assert.equal(bad.status, 500);
  assert.match(String(bad.body), /^failed to reload config: /);
  assert.deepEqual(server.scrape.scrapePools().map((p) => p.jobName), ['a', 'b'], 'the running configuration stays');
  assert.match((await get('/metrics')).text, /^prometheus_config_last_reload_successful 0$/m);
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('/federate returns the newest sample of each matching series with its timestamp', async () => {
  const { server, get } = await setup();
  const r = await get(`/federate?match[]=temp&match[]=${encodeURIComponent('http_requests_total{code="500"}')}`);
  assert.equal(r.status, 200);
  assert.equal(
    r.text,
    '# TYPE http_requests_total untyped\nhttp_requests_total{code="500",instance="",job="api"} 10 1700000150000\n' +
      '# TYPE temp untyped\ntemp{instance="",job="db",site="a<b"} 0.5 1700000150000\n',
  );
  assert.equal((await get('/federate')).status, 400);
  await server.stop();
});

test('per-query timeout and lookback_delta', async () => {
  const { get } = await setup();
  const at = (T0 + 150_000 + 6 * 60_000) / 1000;
  assert.deepEqual((await get(`/api/v1/query?query=temp&time=${at}`)).json, { status: 'success', data: { resultType: 'vector', result: [] } });
  const wide = (await get(`/api/v1/query?query=temp&time=${at}&lookback_delta=10m`)).json as { data: { result: unknown[] } };
  assert.equal(wide.data.result.length, 1);
});

test('a query over its timeout parameter answers errorType timeout', async () => {
  const head = new Head();
  const app = head.appender();
  app.append(0, Labels.from({ __name__: 'slow', job: 'x' }), T0, 1);
  await app.commit();
  // A storage that takes 30 ms per select: the query below needs several, the timeout allows 10 ms.
  const slow = {
    querier(mint: number, maxt: number) {
      const q = head.querier(mint, maxt);
      return {
        select: (...args: Parameters<typeof q.select>) => {
          const end = Date.now() + 30;
          while (Date.now() < end);
          return q.select(...args);
        },
        labelNames: (...args: Parameters<typeof q.labelNames>) => q.labelNames(...args),
        labelValues: (...args: Parameters<typeof q.labelValues>) => q.labelValues(...args),
        close: () => q.close(),
      };
    },
  };
  const queries = new PromqlQueryService({ queryable: slow, timeout: 60_000, lookbackDelta: 300_000, maxSamples: 1000, maxConcurrency: 2 });
  const r = queries.instant('slow + slow + slow + slow + slow + slow', T0, { timeout: 10, signal: new AbortController().signal });
  await assert.rejects(r, (e: unknown) => e instanceof ApiError && e.errorType === 'timeout' && e.status === 503);
});

test('stats=all adds data.stats; query_exemplars validates and answers empty', async () => {
  const { get } = await setup();
  const r = await get(`/api/v1/query?query=temp&time=${(T0 + 150_000) / 1000}&stats=all`);
  const data = (r.json as { data: { stats: { timings: Record<string, number>; samples: Record<string, number> } } }).data;
  assert.deepEqual(Object.keys(data.stats.timings), ['evalTotalTime', 'resultSortTime', 'queryPreparationTime', 'innerEvalTime', 'execQueueTime', 'execTotalTime']);
  assert.deepEqual(data.stats.samples, { totalQueryableSamples: 1, peakSamples: 1 });
  const plain = await get(`/api/v1/query?query=temp&time=${(T0 + 150_000) / 1000}`);
  assert.equal((plain.json as { data: { stats?: unknown } }).data.stats, undefined);

  assert.deepEqual(await get('/api/v1/query_exemplars?query=temp'), { status: 200, json: { status: 'success', data: [] }, text: '{"status":"success","data":[]}' });
  assert.equal((await get('/api/v1/query_exemplars?query=time()')).status, 204);
  const bad = await get('/api/v1/query_exemplars', 'query=temp{');
  assert.equal(bad.status, 400);
  assert.match(bad.text, /"error":"1:6: parse error: unexpected end of input inside braces"/);
  assert.match((await get('/api/v1/query_exemplars?query=temp&start=2&end=1')).text, /end timestamp must not be before start timestamp/);
});

test('limit truncates series, label names and values with Prometheus\'s warning; 0 means no limit', async () => {
  const { get } = await setup();
  const all = '/api/v1/series?match[]=http_requests_total&match[]=temp';
  assert.deepEqual((await get(`${all}&limit=2`)).json, {
    status: 'success',
    data: [{ __name__: 'http_requests_total', code: '200', job: 'api' }, { __name__: 'http_requests_total', code: '500', job: 'api' }],
    warnings: ['results truncated due to limit'],
  });
  assert.equal(((await get(`${all}&limit=3`)).json as { data: unknown[]; warnings?: unknown }).warnings, undefined, 'exactly the limit is not truncated');
  assert.equal(((await get(`${all}&limit=0`)).json as { data: unknown[] }).data.length, 3);
  assert.deepEqual((await get('/api/v1/labels?limit=2')).json, { status: 'success', data: ['__name__', 'code'], warnings: ['results truncated due to limit'] });
  assert.deepEqual((await get('/api/v1/labels?limit=x')).json, { status: 'error', errorType: 'bad_data', error: 'strconv.Atoi: parsing "x": invalid syntax' });
  assert.equal((await get('/api/v1/label/job/values?limit=-1')).status, 400);
});

test('runtimeinfo counts the WAL corruptions the TSDB repaired', async () => {
  const stats = new TsdbStats();
  stats.walCorruptionsTotal = 2;
  const head = new Head();
  const server = new VigilServer({ flags: parseServerFlags([]), logger: NOP_LOGGER, clock: new FakeClock(T0), storage: head, tsdbStats: stats, hostname: 'h' });
  const res = await server.app.handle(makeRequest('GET', '/api/v1/status/runtimeinfo'));
  assert.equal((JSON.parse(String(res.body)) as { data: { corruptionCount: number } }).data.corruptionCount, 2);
});
