// Tests of the re-marshalled configuration: Prometheus's defaults, key order, quoting and hidden secrets.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { parsePrometheusConfig } from './prometheus-config-loading.js';
import { byteSize, prometheusConfigYaml } from './prometheus-config-yaml.js';

test('an empty file shows the global defaults only', () => {
  assert.equal(prometheusConfigYaml(parsePrometheusConfig('')), 'global:\n  scrape_interval: 1m\n  scrape_timeout: 10s\n  evaluation_interval: 1m\n');
});

test('a scrape config gets its defaults, Prometheus\'s key order, and secrets as <secret>', () => {
  const cfg = parsePrometheusConfig(`
scrape_configs:
  - job_name: j
    static_configs: [{targets: ['h:1']}]
    relabel_configs: [{source_labels: [a, b], target_label: c}]
    basic_auth: {username: u, password: hunter2}
`, '/etc/vigil/prometheus.yml');
  assert.equal(
    prometheusConfigYaml(cfg),
    `global:
  scrape_interval: 1m
  scrape_timeout: 10s
  evaluation_interval: 1m
scrape_configs:
- job_name: j
  honor_timestamps: true
  scrape_interval: 1m
  scrape_timeout: 10s
  metrics_path: /metrics
  scheme: http
  basic_auth:
    username: u
    password: <secret>
  follow_redirects: true
  enable_http2: true
  relabel_configs:
  - source_labels: [a, b]
    separator: ;
    regex: (.*)
    target_label: c
    replacement: $1
    action: replace
  static_configs:
  - targets:
    - h:1
`,
  );
});

test('settings newer than Prometheus 2.42 show only when set, and the output reads back to the same values', () => {
  const text = `
global: {scrape_protocols: [PrometheusText0.0.4], sample_limit: 5, keep_dropped_targets: 3}
scrape_configs:
  - job_name: e
    enable_compression: false
    http_headers: {X-Token: {secrets: [abc]}, X-Plain: {values: [v]}}
    etcd_sd_configs: [{endpoints: ['http://etcd:2379'], prefix: /t/}]
    file_sd_configs: [{files: [a.json]}]
remote_write:
  - url: http://rw/write
    queue_config: {retry_on_http_429: true}
`;
  const out = prometheusConfigYaml(parsePrometheusConfig(text));
  assert.doesNotMatch(out, /abc/);
  const back = parse(out) as Record<string, unknown>;
  assert.deepEqual((back.global as Record<string, unknown>).scrape_protocols, ['PrometheusText0.0.4']);
  assert.equal((back.global as Record<string, unknown>).sample_limit, 5);
  const job = (back.scrape_configs as Record<string, unknown>[])[0] as Record<string, unknown>;
  assert.equal(job.enable_compression, false);
  assert.equal(job.sample_limit, 5, 'the global limit is the job\'s');
  assert.deepEqual(job.http_headers, { 'X-Plain': { values: ['v'] }, 'X-Token': { secrets: ['<secret>'] } });
  assert.deepEqual(Object.keys(job).slice(-2), ['etcd_sd_configs', 'file_sd_configs'], 'discovery last, by key name');
  const rw = (back.remote_write as Record<string, unknown>[])[0] as Record<string, Record<string, unknown>>;
  assert.equal(rw.queue_config?.retry_on_http_429, true);
  // Re-marshalling is stable: the output loads to a config that prints the same.
  assert.equal(prometheusConfigYaml(parsePrometheusConfig(out)), out);
});

test('byte sizes print as Go\'s units.Base2Bytes', () => {
  assert.equal(byteSize(10 * 2 ** 20), '10MiB');
  assert.equal(byteSize(1536), '1KiB512B');
  assert.equal(byteSize(7), '7B');
});

test('long values break past column 80 as yaml.v2 breaks them, and read back unchanged', () => {
  const long = 'words '.repeat(20).trim();
  const names = Array.from({ length: 8 }, (_, i) => `__meta_kubernetes_pod_label_${i}`);
  const cfg = parsePrometheusConfig(`
global: {external_labels: {a: "${long}", b: "'${long}'", c: "x${'y'.repeat(100)}"}}
scrape_configs:
  - job_name: j
    relabel_configs: [{source_labels: [${names.join(', ')}], target_label: t}]
`);
  const out = prometheusConfigYaml(cfg);
  const lines = out.split('\n');
  assert.ok(lines.includes(`    a: ${long.slice(0, long.indexOf(' ', 81 - 7))}`), out);
  assert.ok(lines.some((l) => l.startsWith('      __meta_kubernetes_pod_label_')), 'the flow list continues two past its key');
  assert.ok(lines.includes(`    c: x${'y'.repeat(100)}`), 'no space, no break');
  const back = parse(out) as { global: { external_labels: Record<string, string> }; scrape_configs: { relabel_configs: { source_labels: string[] }[] }[] };
  assert.deepEqual(back.global.external_labels, { a: long, b: `'${long}'`, c: `x${'y'.repeat(100)}` });
  assert.deepEqual(back.scrape_configs[0]?.relabel_configs[0]?.source_labels, names);
});
