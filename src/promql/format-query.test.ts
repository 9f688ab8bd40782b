// Tests of formatQuery: Prometheus's multi-line canonical form. Expected outputs are what Prometheus 2.42's
// /api/v1/format_query returns for these queries (test/promql-vs-prometheus.test.ts compares live when it can).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatQuery, prettyExpr } from './format-query.js';
import { ALL_FEATURES, parseExpr } from './parser.js';
import { exprToString } from './printer.js';
import { PromQLParseError } from './parse-error.js';

const CASES: readonly (readonly [string, string])[] = [
  [
    "sum by (job, instance) (rate(http_requests_total{job=\"api-server\",handler=\"/api/v1/query\"}[5m])) / ignoring (code) group_left sum by (job, instance) (rate(http_requests_total[5m]))",
    "  sum by (job, instance) (rate(http_requests_total{handler=\"/api/v1/query\",job=\"api-server\"}[5m]))\n/ ignoring (code) group_left ()\n  sum by (job, instance) (rate(http_requests_total[5m]))",
  ],
  [
    "histogram_quantile(0.99, sum by (le) (rate(apiserver_request_duration_seconds_bucket{job=\"apiserver\",verb=~\"LIST|GET\"}[5m])))",
    "histogram_quantile(\n  0.99,\n  sum by (le) (rate(apiserver_request_duration_seconds_bucket{job=\"apiserver\",verb=~\"LIST|GET\"}[5m]))\n)",
  ],
  [
    "label_replace(up{job=\"api-server\",service=\"a:c\"}, \"foo\", \"$1\", \"service\", \"(.*):.*\") + on (job) group_left (foo) some_other_long_metric_name_abc",
    "  label_replace(up{job=\"api-server\",service=\"a:c\"}, \"foo\", \"$1\", \"service\", \"(.*):.*\")\n+ on (job) group_left (foo)\n  some_other_long_metric_name_abc",
  ],
  [
    "-(sum(rate(a_very_long_metric_name_for_testing_the_prettier_one[5m])) + sum(rate(a_very_long_metric_name_for_testing_the_prettier_two[5m])))",
    "-(\n    sum(rate(a_very_long_metric_name_for_testing_the_prettier_one[5m]))\n  +\n    sum(rate(a_very_long_metric_name_for_testing_the_prettier_two[5m]))\n)",
  ],
  [
    "max_over_time((sum by (namespace) (rate(container_cpu_usage_seconds_total{namespace=\"kube-system\",container!=\"\"}[5m])))[1h:1m] offset 1d)",
    "max_over_time(\n  (\n    sum by (namespace) (\n      rate(container_cpu_usage_seconds_total{container!=\"\",namespace=\"kube-system\"}[5m])\n    )\n  )[1h:1m] offset 1d\n)",
  ],
  [
    "topk(5, sum without (instance, pod, container) (rate(container_network_receive_bytes_total{namespace=\"monitoring\",interface=\"eth0\"}[10m])))",
    "topk(\n  5,\n  sum without (instance, pod, container) (\n    rate(container_network_receive_bytes_total{interface=\"eth0\",namespace=\"monitoring\"}[10m])\n  )\n)",
  ],
  [
    "(a_first_very_long_metric_name_xxxxxxxxxxxxxxxxxxxxx > bool 10) * (a_second_very_long_metric_name_yyyyyyyyyyyyyyyyyy < bool 20) - 1",
    "    (a_first_very_long_metric_name_xxxxxxxxxxxxxxxxxxxxx > bool 10)\n  *\n    (a_second_very_long_metric_name_yyyyyyyyyyyyyyyyyy < bool 20)\n-\n  1",
  ],
  [
    "count_values(\"version\", build_info{job=\"prometheus\",instance=\"localhost:9090\",branch=\"HEAD\",revision=\"abcdef0123456789\"})",
    "count_values(\n  \"version\",\n  build_info{branch=\"HEAD\",instance=\"localhost:9090\",job=\"prometheus\",revision=\"abcdef0123456789\"}\n)",
  ],
  [
    "rate(a_very_long_metric_name_that_just_goes_on_and_on_and_on{label_one=\"value_one\",label_two=\"value_two\"}[5m])",
    "rate(\n  a_very_long_metric_name_that_just_goes_on_and_on_and_on{label_one=\"value_one\",label_two=\"value_two\"}[5m]\n)",
  ],
  [
    "sum_over_time(sum_over_time(sum_over_time(metric{job=\"1\"}[100s] @ 100)[100s:25s] @ 50)[3s:1s] @ 3000)",
    "sum_over_time(\nsum_over_time(sum_over_time(metric{job=\"1\"}[1m40s] @ 100.000)[1m40s:25s] @ 50.000)[3s:1s] @ 3000.000\n)",
  ],
  [
    "label_replace(label_replace(up{job=\"api-server\",service=\"a:c\"}, \"foo\", \"$1\", \"service\", \"(.*):.*\"), \"bar\", \"$1\", \"foo\", \"(.*)\")",
    "label_replace(\n  label_replace(up{job=\"api-server\",service=\"a:c\"}, \"foo\", \"$1\", \"service\", \"(.*):.*\"),\n  \"bar\",\n  \"$1\",\n  \"foo\",\n  \"(.*)\"\n)",
  ],
  [
    "sum(rate(http_requests_total{job=\"api-server\"}[5m])) by (instance) / ignoring(code) group_left sum(rate(http_requests_total[5m])) by (instance) > 0.1",
    "    sum by (instance) (rate(http_requests_total{job=\"api-server\"}[5m]))\n  / ignoring (code) group_left ()\n    sum by (instance) (rate(http_requests_total[5m]))\n>\n  0.1",
  ],
  [
    "(first_metric_with_a_very_long_name_aaaaaaaaaaaaaaaaaaaaaaaa + second_metric_with_a_very_long_name_bbbbbbbbbbbbbbbbbbbbbbbb)",
    "(\n    first_metric_with_a_very_long_name_aaaaaaaaaaaaaaaaaaaaaaaa\n  +\n    second_metric_with_a_very_long_name_bbbbbbbbbbbbbbbbbbbbbbbb\n)",
  ],
  ['sum(foo) by (job)', 'sum by (job) (foo)'],
  ['  foo  ', 'foo'],
];

test('formatQuery splits nodes longer than 100 bytes and indents children', () => {
  for (const [q, want] of CASES) assert.equal(formatQuery(q), want, q);
});

test('formatted queries parse back to the same canonical form', () => {
  for (const [q, want] of CASES) assert.equal(formatQuery(want), want, q);
});

test('formatQuery handles Prometheus 3 syntax when its options are on', () => {
  const q = 'sum by (a) (rate(metric_with_a_long_name_one[5m+step()] anchored)) + on (a) fill_left (0) sum by (a) (rate(metric_with_a_long_name_two[5m]))';
  const out = formatQuery(q, ALL_FEATURES);
  assert.equal(
    out,
    '  sum by (a) (rate(metric_with_a_long_name_one[5m + step()] anchored))\n+ on (a) fill_left (0)\n  sum by (a) (rate(metric_with_a_long_name_two[5m]))',
  );
  assert.equal(formatQuery(out, ALL_FEATURES), out);
});

test('split decisions use the single-line length, in bytes', () => {
  const name = (n: number, c = 'x'): string => c.repeat(n);
  assert.equal(formatQuery(`${name(48)} + ${name(49)}`), `${name(48)} + ${name(49)}`); // exactly 100 bytes
  assert.equal(formatQuery(`${name(49)} + ${name(49)}`), `  ${name(49)}\n+\n  ${name(49)}`);
  assert.equal(formatQuery(`x{a="${name(44, 'é')}"} + ${name(5)}`), `  x{a="${name(44, 'é')}"}\n+\n  ${name(5)}`);
  for (const q of [
    'sum by (a, "b.c") (rate(x{y="z"}[5m] offset 1m @ 100)) / on (a) group_left (b) -topk(3, count_values("v", y))',
    'histogram_quantile(0.9, max_over_time((rate(a[5m]))[10m:1m] offset 2m)) > bool 1 unless ignoring (x) b',
    '((a + b) * c)[5m:]',
  ]) {
    const len = Buffer.byteLength(exprToString(parseExpr(q)));
    assert.equal(formatQuery(q).includes('\n'), len > 100, q);
  }
});

test('prettyExpr indents by level; formatQuery rejects invalid queries with a parse error', () => {
  assert.equal(prettyExpr(parseExpr('foo'), 2), '    foo');
  assert.throws(() => formatQuery('sum('), PromQLParseError);
});
