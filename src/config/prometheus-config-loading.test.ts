import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePrometheusConfig } from './prometheus-config-loading.js';
import { ConfigError } from './yaml-decoder.js';

function failsAt(text: string, line: number, column: number, message: string | RegExp): void {
  assert.throws(
    () => parsePrometheusConfig(text, 'dir/prometheus.yml'),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError, String(e));
      assert.deepEqual([e.position.file, e.position.line, e.position.column], ['dir/prometheus.yml', line, column], e.message);
      if (typeof message === 'string') assert.equal(e.detail, message);
      else assert.match(e.detail, message);
      assert.ok(e.message.startsWith(`dir/prometheus.yml:${line}:${column}: `));
      return true;
    },
  );
}

test("an empty file loads with Prometheus's defaults", () => {
  const c = parsePrometheusConfig('');
  assert.equal(c.global.scrapeInterval, 60_000);
  assert.equal(c.global.scrapeTimeout, 10_000);
  assert.equal(c.global.evaluationInterval, 60_000);
  assert.equal(c.scrapeConfigs.length, 0);
  assert.equal(c.alerting.alertmanagers.length, 0);
});

test('scrape config defaults come from Prometheus and from global', () => {
  const c = parsePrometheusConfig('global: {scrape_interval: 5s, sample_limit: 7}\nscrape_configs:\n  - job_name: a\n  - job_name: b\n    scrape_interval: 1m\n    sample_limit: 3\n');
  const [a, b] = c.scrapeConfigs;
  assert.ok(a && b);
  assert.equal(c.global.scrapeTimeout, 5000, 'global timeout defaults to min(10s, interval)');
  assert.deepEqual([a.scrapeInterval, a.scrapeTimeout, a.metricsPath, a.scheme, a.honorTimestamps, a.honorLabels, a.sampleLimit], [5000, 5000, '/metrics', 'http', true, false, 7]);
  assert.deepEqual([b.scrapeInterval, b.scrapeTimeout, b.sampleLimit], [60_000, 5000, 3]);
  assert.equal(a.httpClient.followRedirects, true);
  assert.equal(a.httpClient.enableHttp2, true);
});

test('every scrape option is read', () => {
  const c = parsePrometheusConfig(`scrape_configs:
  - job_name: j
    honor_labels: true
    honor_timestamps: false
    track_timestamps_staleness: true
    scrape_protocols: [PrometheusText0.0.4]
    params: {module: [http_2xx]}
    sample_limit: 1
    label_limit: 2
    label_name_length_limit: 3
    label_value_length_limit: 4
    target_limit: 5
    body_size_limit: 1KB
    bearer_token_file: token
    tls_config: {ca_file: ca.pem}
    proxy_url: http://proxy:3128
    follow_redirects: false
    enable_http2: false
    static_configs: [{targets: ["h:1"], labels: {a: b}}]
    consul_sd_configs: [{services: [web], tags: [v1], node_meta: {rack: r1}}]
    etcd_sd_configs: [{endpoints: ["http://127.0.0.1:2379"], prefix: /services/}]
`, '/etc/vigil/prometheus.yml');
  const j = c.scrapeConfigs[0];
  assert.ok(j);
  assert.deepEqual(
    [j.honorLabels, j.honorTimestamps, j.trackTimestampsStaleness, j.scrapeProtocols, j.params, j.sampleLimit, j.labelLimit, j.labelNameLengthLimit, j.labelValueLengthLimit, j.targetLimit, j.bodySizeLimit],
    [true, false, true, ['PrometheusText0.0.4'], { module: ['http_2xx'] }, 1, 2, 3, 4, 5, 1024],
  );
  assert.deepEqual(j.httpClient.authorization, { type: 'Bearer', credentials: '', credentialsFile: '/etc/vigil/token' });
  assert.equal(j.httpClient.tlsConfig.caFile, '/etc/vigil/ca.pem');
  assert.equal(j.httpClient.proxyUrl, 'http://proxy:3128');
  assert.deepEqual(j.serviceDiscoveryConfigs.map((s) => s.kind), ['static', 'consul', 'etcd']);
  const st = j.serviceDiscoveryConfigs[0];
  assert.ok(st?.kind === 'static');
  assert.equal(st.groups[0]?.targets[0]?.get('__address__'), 'h:1');
  assert.equal(st.groups[0]?.labels.get('a'), 'b');
  const consul = j.serviceDiscoveryConfigs[1];
  assert.ok(consul?.kind === 'consul');
  assert.deepEqual([consul.server, consul.tagSeparator, consul.allowStale, consul.refreshInterval, consul.nodeMeta], ['localhost:8500', ',', true, 30_000, { rack: 'r1' }]);
});

test('errors carry file, line and column of the offending node', () => {
  failsAt('scrape_configs:\n  - job_name: a\n    foo: 1\n', 3, 5, 'field foo not found in type scrape config');
  failsAt('global:\n  scrape_interval: 1x\n', 2, 20, 'not a valid duration string: "1x"');
  failsAt('scrape_configs:\n  - job_name: a\n  - job_name: a\n', 3, 5, 'found multiple scrape configs with job name "a"');
  failsAt('scrape_configs:\n  - job_name: a\n    scrape_interval: 5s\n    scrape_timeout: 6s\n', 4, 5, 'scrape timeout greater than scrape interval for scrape config with job name "a"');
  failsAt('scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - action: Hashmod\n        target_label: x\n', 4, 9, 'relabel configuration for hashmod requires non-zero modulus');
  failsAt('scrape_configs:\n  - job_name: a\n    kubernetes_sd_configs: [{role: pod}]\n', 3, 5, /^kubernetes_sd_configs is not supported by Vigil/);
  failsAt('scrape_configs:\n  - job_name: a\n    honor_labels: maybe\n', 3, 19, 'cannot unmarshal !!str `maybe` into bool');
  failsAt('a: [\n', 2, 1, /^yaml: Flow sequence/);
  failsAt('scrape_configs:\n  - job_name: a\n    dns_sd_configs: [{names: [x], type: TXT}]\n', 3, 41, 'invalid DNS-SD records type TXT');
  failsAt('otlp: {}\n', 1, 1, /^otlp is not supported by Vigil/);
  failsAt('scrape_configs:\n  - job_name: a\n    etcd_sd_configs: [{endpoints: ["http://x:2379"]}]\n', 3, 23, 'etcd SD configuration requires a key prefix');
});

test('sections of later issues are accepted into the config object with defaults', () => {
  const c = parsePrometheusConfig(`rule_files: [a.yml]
alerting:
  alertmanagers: [{static_configs: [{targets: ["am:9093"]}]}]
remote_write: [{url: "http://w/", name: w}]
remote_read: [{url: "http://r/"}]
storage: {tsdb: {out_of_order_time_window: 1h}}
tracing: {endpoint: "x:4317"}
`, 'conf/p.yml');
  assert.deepEqual(c.ruleFiles, ['conf/a.yml']);
  assert.equal(c.alerting.alertmanagers[0]?.timeout, 10_000);
  assert.equal(c.remoteWriteConfigs[0]?.queueConfig.capacity, 10_000);
  assert.equal(c.remoteWriteConfigs[0]?.remoteTimeout, 30_000);
  assert.equal(c.remoteReadConfigs[0]?.filterExternalLabels, true);
  assert.equal(c.storage.tsdb.outOfOrderTimeWindow, 3_600_000);
  assert.equal(c.tracing.clientType, 'grpc');
});

test('scrape_config_files are merged by loadPrometheusConfig, with unique job names across files', async () => {
  const { mkdtempSync, writeFileSync, rmSync, mkdirSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { loadPrometheusConfig } = await import('./prometheus-config-loading.js');
  const dir = mkdtempSync(join(tmpdir(), 'vigil-config-'));
  try {
    mkdirSync(join(dir, 'jobs'));
    writeFileSync(join(dir, 'p.yml'), 'global: {scrape_interval: 7s}\nscrape_config_files: ["jobs/*.yml"]\nscrape_configs: [{job_name: main}]\n');
    writeFileSync(join(dir, 'jobs', 'a.yml'), 'scrape_configs: [{job_name: a}, {job_name: b, metrics_path: /b}]\n');
    const c = await loadPrometheusConfig(join(dir, 'p.yml'));
    assert.deepEqual(c.scrapeConfigs.map((s) => [s.jobName, s.scrapeInterval, s.metricsPath]), [['main', 7000, '/metrics'], ['a', 7000, '/metrics'], ['b', 7000, '/b']]);
    writeFileSync(join(dir, 'jobs', 'b.yml'), '\nscrape_configs: [{job_name: main}]\n');
    await assert.rejects(loadPrometheusConfig(join(dir, 'p.yml')), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.deepEqual([e.position.file, e.position.line], [join(dir, 'jobs', 'b.yml'), 2]);
      assert.equal(e.detail, 'found multiple scrape configs with job name "main"');
      return true;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('proxy settings of clients and of oauth2 token requests are read and checked as Prometheus checks them', () => {
  const cfg = parsePrometheusConfig(`
scrape_configs:
  - job_name: a
    proxy_url: http://proxy:3128
    no_proxy: internal,10.0.0.0/8
    proxy_connect_header: {X-Team: [a, b]}
    oauth2:
      client_id: c
      client_secret: s
      token_url: https://auth/token
      proxy_from_environment: true
      proxy_connect_header: {X-Auth-Proxy: [y]}
`);
  const c = cfg.scrapeConfigs[0]?.httpClient;
  assert.deepEqual([c?.proxyUrl, c?.noProxy, c?.proxyFromEnvironment, c?.proxyConnectHeader], ['http://proxy:3128', 'internal,10.0.0.0/8', false, { 'X-Team': ['a', 'b'] }]);
  const o = c?.oauth2;
  assert.deepEqual([o?.proxyUrl, o?.noProxy, o?.proxyFromEnvironment, o?.proxyConnectHeader], ['', '', true, { 'X-Auth-Proxy': ['y'] }]);
  const job = 'scrape_configs:\n  - job_name: a\n';
  failsAt(`${job}    proxy_from_environment: true\n    no_proxy: x\n`, 4, 5, 'if proxy_from_environment is configured, no_proxy must not be configured');
  failsAt(`${job}    proxy_connect_header: {X: [y]}\n`, 3, 5, 'if proxy_connect_header is configured, proxy_url or proxy_from_environment must also be configured');
  failsAt(`${job}    oauth2: {client_id: c, token_url: 'http://t/', no_proxy: x}\n`, 3, 52, 'if no_proxy is configured, proxy_url must also be configured');
});
