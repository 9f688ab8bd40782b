import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inactiveSettings } from './inactive-settings.js';
import { parsePrometheusConfig } from './prometheus-config-loading.js';

test('a config with only scraping has no inactive settings', () => {
  assert.deepEqual(inactiveSettings(parsePrometheusConfig('global: {scrape_interval: 5s}\nscrape_configs:\n  - job_name: a\n    static_configs: [{targets: [a:1]}]\n')), []);
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
