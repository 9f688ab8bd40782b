import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inactiveSettings } from './inactive-settings.js';
import { parsePrometheusConfig } from './prometheus-config-loading.js';

test('a config with only scraping and discovery has no inactive settings, whatever client settings it uses', () => {
  assert.deepEqual(inactiveSettings(parsePrometheusConfig(`
global: {scrape_interval: 5s}
scrape_configs:
  - job_name: a
    static_configs: [{targets: [a:1]}]
    oauth2: {client_id: c, client_secret: s, token_url: 'http://auth/token'}
    http_sd_configs: [{url: 'http://sd/', proxy_url: 'http://proxy:3128', no_proxy: internal}]
  - job_name: b
    proxy_from_environment: true
    static_configs: [{targets: [b:1]}]
`)), []);
});

test('every section that this version does not act on is named, with what it means', () => {
  const cfg = parsePrometheusConfig(`
global: {query_log_file: q.log}
rule_files: [rules/*.yml]
alerting:
  alertmanagers: [{static_configs: [{targets: ['am:9093']}]}]
remote_write: [{url: 'http://a/w'}, {url: 'http://b/w'}]
remote_read: [{url: 'http://a/r'}]
storage: {tsdb: {out_of_order_time_window: 10m}}
scrape_configs:
  - job_name: a
  - job_name: b
    scrape_failure_log_file: fail.log
`, '/etc/vigil/prometheus.yml');
  const got = inactiveSettings(cfg);
  assert.deepEqual(got.map((s) => s.setting), [
    'rule_files', 'alerting', 'remote_write', 'remote_read', 'global.query_log_file', 'scrape_configs[1].scrape_failure_log_file', 'storage.tsdb.out_of_order_time_window',
  ]);
  assert.match(got[2]?.effect ?? '', /2 remote_write endpoint/);
  assert.match(got[5]?.effect ?? '', /job "b"/);
});
