import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintFamilies } from './metrics-lint.js';
import type { LintFamily } from './metrics-lint.js';

function lint(f: Partial<LintFamily> & { name: string }): string[] {
  return lintFamilies([{ type: 'gauge', hasHelp: true, metricLabelNames: [[]], ...f }]).map((p) => `${p.metric} ${p.text}`);
}

test('a clean family has no problems; one without samples is not linted', () => {
  assert.deepEqual(lint({ name: 'http_requests_total', type: 'counter' }), []);
  assert.deepEqual(lint({ name: 'x_milliseconds', type: 'counter', hasHelp: false, metricLabelNames: [] }), []);
});

test("promtool 2.42's rules, each with its message", () => {
  assert.deepEqual(lint({ name: 'up', hasHelp: false }), ['up no help text']);
  assert.deepEqual(lint({ name: 'requests', type: 'counter' }), ['requests counter metrics should have "_total" suffix']);
  assert.deepEqual(lint({ name: 'temp_total' }), ['temp_total non-counter metrics should not have "_total" suffix']);
  assert.deepEqual(lint({ name: 'temp_total', type: 'untyped' }), [], 'untyped families skip the type rules');
  assert.deepEqual(lint({ name: 'latency_milliseconds' }), ['latency_milliseconds use base unit "seconds" instead of "milliseconds"']);
  assert.deepEqual(lint({ name: 'disk_kilobytes' }), ['disk_kilobytes use base unit "bytes" instead of "kilobytes"']);
  assert.deepEqual(lint({ name: 'thermometers' }), [], 'a word that merely ends like a unit is not one');
  assert.deepEqual(lint({ name: 'job:up' }), ["job:up metric names should not contain ':'"]);
  assert.deepEqual(lint({ name: 'fooBar' }), ["fooBar metric names should be written in 'snake_case' not 'camelCase'"]);
  assert.deepEqual(lint({ name: 'a', metricLabelNames: [['someLabel'], ['someLabel']] }), [
    "a label names should be written in 'snake_case' not 'camelCase'",
    "a label names should be written in 'snake_case' not 'camelCase'",
  ]);
  assert.deepEqual(lint({ name: 'req_ms' }), ['req_ms metric names should not contain abbreviated units']);
  assert.deepEqual(lint({ name: 'x_count' }), ['x_count non-histogram and non-summary metrics should not have "_count" suffix']);
  assert.deepEqual(lint({ name: 'x', metricLabelNames: [['le', 'quantile']] }), ['x non-histogram metrics should not have "le" label', 'x non-summary metrics should not have "quantile" label']);
  assert.deepEqual(lint({ name: 'q_gauge_histogram', type: 'gauge_histogram' }), [
    "q_gauge_histogram metric name should not include type 'gauge'",
    "q_gauge_histogram metric name should not include type 'gauge_histogram'",
    "q_gauge_histogram metric name should not include type 'histogram'",
  ]);
});

test('problems are sorted by metric name, then text, in byte order', () => {
  const problems = lintFamilies([
    { name: 'b', type: 'counter', hasHelp: false, metricLabelNames: [[]] },
    { name: 'B', type: 'gauge', hasHelp: false, metricLabelNames: [[]] },
  ]).map((p) => `${p.metric} ${p.text}`);
  assert.deepEqual(problems, ['B no help text', 'b counter metrics should have "_total" suffix', 'b no help text']);
});
