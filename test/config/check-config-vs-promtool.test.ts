// `vigil check config` against the real `promtool check config`: same exit codes, same stdout, FAILED lines alike.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { main } from '../../src/cli/main.js';
import { captureIO } from '../../src/cli/captured-io.js';
import { findProgram, runProgram } from '../support/programs.js';

const promtool = findProgram('promtool');
let dir = '';

/** name → file content. Only options promtool 2.42 knows too, so both programs judge the same document. */
const files: Record<string, string> = {
  'good.yml': `global:
  scrape_interval: 15s
  evaluation_interval: 30s
  external_labels: {region: eu, __name__: x}
rule_files: ["rules.yml", "missing-*.rules"]
scrape_configs:
  - job_name: node
    honor_timestamps: false
    scrape_interval: 5s
    params: {module: [a, b]}
    basic_auth: {username: u, password: p}
    tls_config: {insecure_skip_verify: true, min_version: TLS12}
    follow_redirects: false
    enable_http2: false
    static_configs:
      - targets: ["a:9100", "b:9100"]
        labels: {env: prod}
    file_sd_configs: [{files: ["sd/*.json", "sd/t.yml"], refresh_interval: 1m}]
    dns_sd_configs: [{names: [_x._tcp.example.org]}, {names: [example.org], type: A, port: 9100}]
    http_sd_configs: [{url: "http://127.0.0.1:1/sd"}]
    relabel_configs:
      - {source_labels: [__address__], target_label: __param_target}
      - {action: hashmod, source_labels: [__address__], modulus: 4, target_label: __tmp_hash}
      - {action: keep, source_labels: [__tmp_hash], regex: "0|1"}
      - {action: labelmap, regex: "__meta_(.+)"}
      - {action: labeldrop, regex: "tmp.*"}
    metric_relabel_configs:
      - {action: drop, source_labels: [__name__], regex: "go_.*"}
  - job_name: other
    authorization: {type: Bearer, credentials: x}
    sample_limit: 100
    label_limit: 10
    label_name_length_limit: 20
    label_value_length_limit: 30
    target_limit: 5
    body_size_limit: 10MB
    metrics_path: /m
    scheme: https
alerting:
  alert_relabel_configs: [{action: labeldrop, regex: replica}]
  alertmanagers:
    - static_configs: [{targets: ["am:9093"]}]
      timeout: 5s
remote_write:
  - url: http://rw.example/api/v1/write
    queue_config: {capacity: 100, max_shards: 2}
    write_relabel_configs: [{action: drop, source_labels: [__name__], regex: "x"}]
remote_read: [{url: "http://rr.example/api/v1/read", read_recent: true}]
storage: {tsdb: {out_of_order_time_window: 10m}}
tracing: {endpoint: "localhost:4317", client_type: grpc}
`,
  'rules.yml': `groups:
  - name: g
    rules:
      - record: job:up:sum
        expr: sum by (job) (up)
      - alert: Down
        expr: up == 0
        for: 5m
        labels: {severity: page}
        annotations: {summary: down}
`,
  'sd/t.yml': '- targets: ["c:1"]\n  labels: {a: b}\n',
  'sd/u.json': '[{"targets": ["d:1"], "labels": {"x": "y"}}]\n',
  'empty.yml': '',
  'unknown-field.yml': 'scrape_configs:\n  - job_name: a\n    foo: 1\n',
  'unknown-top.yml': 'foo: 1\n',
  'dup-job.yml': 'scrape_configs:\n  - job_name: a\n  - job_name: a\n',
  'timeout.yml': 'scrape_configs:\n  - job_name: a\n    scrape_interval: 5s\n    scrape_timeout: 10s\n',
  'global-timeout.yml': 'global:\n  scrape_interval: 5s\n  scrape_timeout: 10s\n',
  'bad-duration.yml': 'global:\n  scrape_interval: 5x\n',
  'syntax.yml': 'scrape_configs:\n  - job_name: a\n   bad: [\n',
  'dup-key.yml': 'global:\n  scrape_interval: 5s\n  scrape_interval: 6s\n',
  'bad-type.yml': 'scrape_configs:\n  - job_name: a\n    sample_limit: abc\n',
  'no-job.yml': 'scrape_configs:\n  - metrics_path: /x\n',
  'null-job.yml': 'scrape_configs:\n  -\n',
  'bad-label.yml': 'global:\n  external_labels:\n    "a-b": x\n',
  'bad-host.yml': 'scrape_configs:\n  - job_name: a\n    static_configs: [{targets: ["http://x:1/"]}]\n',
  'hashmod.yml': 'scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - {action: hashmod, target_label: x}\n',
  'bad-action.yml': 'scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - {action: foo}\n',
  'bad-regex.yml': 'scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - {regex: "(", target_label: x}\n',
  'two-auth.yml': 'scrape_configs:\n  - job_name: a\n    basic_auth: {username: a}\n    authorization: {credentials: x}\n',
  'dns-port.yml': 'scrape_configs:\n  - job_name: a\n    dns_sd_configs: [{names: [x], type: A}]\n',
  'file-sd-name.yml': 'scrape_configs:\n  - job_name: a\n    file_sd_configs: [{files: [x.txt]}]\n',
  'http-sd-scheme.yml': 'scrape_configs:\n  - job_name: a\n    http_sd_configs: [{url: "ftp://x"}]\n',
  'missing-rule.yml': 'rule_files: ["nope.yml"]\n',
  'not-a-list.yml': 'scrape_configs: 5\n',
  'rw-unknown.yml': 'remote_write:\n  - url: http://x/\n    foo: 1\n',
  'bad-rules.yml': 'rule_files: [rules-bad.yml, rules.yml]\n',
  'rules-bad.yml': 'groups:\n  - name: g\n    rules:\n      - record: a-b\n        expr: up\n        for: 1m\n  - name: g\n    rules: []\n',
  'rw-no-url.yml': 'remote_write:\n  - name: x\n',
  'rr-no-url.yml': 'remote_read:\n  - name: x\n',
  'rw-dup-name.yml': 'remote_write:\n  - {url: "http://a/", name: x}\n  - {url: "http://b/", name: x}\n',
  'am-unknown.yml': 'alerting:\n  alertmanagers:\n    - foo: 1\n',
  'labeldrop-source.yml': 'scrape_configs:\n  - job_name: a\n    relabel_configs: [{action: labeldrop, regex: x, source_labels: [a]}]\n',
  'keepequal-regex.yml': 'scrape_configs:\n  - job_name: a\n    relabel_configs: [{action: keepequal, source_labels: [a], target_label: b, regex: x}]\n',
  'lowercase-replacement.yml': 'scrape_configs:\n  - job_name: a\n    relabel_configs: [{action: lowercase, source_labels: [a], target_label: b, replacement: x}]\n',
  'bearer-both.yml': 'scrape_configs:\n  - job_name: a\n    bearer_token: x\n    bearer_token_file: y\n',
  'oauth2-no-id.yml': 'scrape_configs:\n  - job_name: a\n    oauth2: {client_secret: x}\n',
  'http-sd-no-url.yml': 'scrape_configs:\n  - job_name: a\n    http_sd_configs: [{refresh_interval: 1m}]\n',
  'file-sd-none.yml': 'scrape_configs:\n  - job_name: a\n    file_sd_configs: [{refresh_interval: 1m}]\n',
  'dns-no-names.yml': 'scrape_configs:\n  - job_name: a\n    dns_sd_configs: [{type: SRV}]\n',
  'dns-type.yml': 'scrape_configs:\n  - job_name: a\n    dns_sd_configs: [{names: [x], type: TXT}]\n',
  'source-label.yml': 'scrape_configs:\n  - job_name: a\n    relabel_configs: [{source_labels: ["a-b"], target_label: x}]\n',
  'target-template.yml': 'scrape_configs:\n  - job_name: a\n    relabel_configs: [{source_labels: [a], target_label: "${1}foo"}]\n',
  'labelmap-replacement.yml': 'scrape_configs:\n  - job_name: a\n    relabel_configs: [{action: labelmap, regex: "(.*)", replacement: "a-$1"}]\n',
  'static-label.yml': 'scrape_configs:\n  - job_name: a\n    static_configs: [{targets: [a], labels: {"a b": x}}]\n',
  'int-job.yml': 'scrape_configs:\n  - job_name: 5\n',
  'quoted-bool.yml': 'scrape_configs:\n  - job_name: a\n    honor_labels: "true"\n',
  'yes-bool.yml': 'scrape_configs:\n  - job_name: a\n    honor_labels: yes\n',
  'zero-interval.yml': 'global:\n  scrape_interval: 0s\n',
  'bad-size.yml': 'scrape_configs:\n  - job_name: a\n    body_size_limit: 10XB\n',
  'size-mib.yml': 'scrape_configs:\n  - job_name: a\n    body_size_limit: 10MiB\n',
  'tls-version.yml': 'scrape_configs:\n  - job_name: a\n    tls_config: {min_version: TLS99}\n',
  'auth-basic.yml': 'scrape_configs:\n  - job_name: a\n    authorization: {type: Basic, credentials: x}\n',
  'tracing-type.yml': 'tracing:\n  client_type: foo\n',
  'storage-unknown.yml': 'storage:\n  tsdb:\n    retention: 1d\n',
  'empty-label-value.yml': 'global:\n  external_labels:\n    a: ""\n',
  'eval-interval.yml': 'global:\n  evaluation_interval: 1x\n',
  'dotted-rules.yml': 'rule_files: ["./rules.yml", "sd/../rules.yml"]\n',
  'two-documents.yml': 'global: {}\n---\nfoo: [\n',
  'sd-bad.yml': 'scrape_configs:\n  - job_name: a\n    file_sd_configs: [{files: ["sd-bad/*.json"]}]\n',
  'sd-bad/x.json': '[{"targets": ["a:1"], "bad": 1}]\n',
  'sd-missing.yml': 'scrape_configs:\n  - job_name: a\n    file_sd_configs: [{files: ["nowhere/x.json"]}]\n',
};

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-check-config-'));
  for (const [name, text] of Object.entries(files)) {
    const p = join(dir, name);
    const slash = p.lastIndexOf('/');
    mkdirSync(p.slice(0, slash), { recursive: true });
    writeFileSync(p, text);
  }
});
after(() => rmSync(dir, { recursive: true, force: true }));

const configs = Object.keys(files).filter((n) => !n.startsWith('rules') && !n.startsWith('sd'));
configs.push('sd-bad.yml', 'sd-missing.yml');

for (const name of configs) {
  test(`check config ${name}: same exit code and stdout as promtool`, { skip: promtool.skip }, async () => {
    const args = ['check', 'config', join(dir, name)];
    const want = runProgram(promtool.path as string, args);
    const io = captureIO();
    const code = await main(args, io);
    assert.equal(code, want.status, `exit code; promtool said:\n${want.stdout}${want.stderr}\nvigil said:\n${io.out()}${io.err()}`);
    assert.equal(io.out(), want.stdout, `stdout; promtool stderr:\n${want.stderr}\nvigil stderr:\n${io.err()}`);
    const failedLines = (s: string): number => s.split('\n').filter((l) => l.startsWith('  FAILED:')).length;
    assert.equal(failedLines(io.err()), failedLines(want.stderr), `FAILED lines; promtool:\n${want.stderr}\nvigil:\n${io.err()}`);
  });
}

test('several files in one call: one bad file fails the run, every file is checked', { skip: promtool.skip }, async () => {
  const args = ['check', 'config', ...['good.yml', 'dup-job.yml', 'empty.yml'].map((n) => join(dir, n))];
  const want = runProgram(promtool.path as string, args);
  const io = captureIO();
  assert.equal(await main(args, io), want.status);
  assert.equal(io.out(), want.stdout);
});

test('--syntax-only skips the files a config names, as promtool does', { skip: promtool.skip }, async () => {
  for (const name of ['missing-rule.yml', 'sd-bad.yml', 'bad-rules.yml']) {
    const args = ['check', 'config', '--syntax-only', join(dir, name)];
    const want = runProgram(promtool.path as string, args);
    const io = captureIO();
    assert.equal(await main(args, io), want.status, name);
    assert.equal(io.out(), want.stdout, name);
  }
});
