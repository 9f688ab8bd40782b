// The UI's pure logic in Node: Prometheus's URL parameters, durations and times, label formatting, series alignment.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alignSeries, parseSampleValue } from '../../ui/src/chart/align-series.js';
import { formatDuration, formatSeries, formatTime, parseDuration, parseTime } from '../../ui/src/format.js';
import { autoStepSeconds, defaultPanel, parsePanels, serializePanels } from '../../ui/src/url-state.js';

describe('URL state', () => {
  it("reads Prometheus 2's graph links", () => {
    const [p0, p1, ...rest] = parsePanels('?g0.expr=rate(x%5B5m%5D)&g0.tab=0&g0.stacked=1&g0.range_input=2h&g0.end_input=2024-03-01%2012%3A30%3A00&g0.step_input=15&g1.expr=up&g1.tab=1&g1.moment_input=2024-03-01%2010%3A00%3A00');
    assert.deepEqual(rest, []);
    assert.deepEqual(p0, { expr: 'rate(x[5m])', tab: 'graph', rangeMs: 7_200_000, endMs: Date.UTC(2024, 2, 1, 12, 30), stepSeconds: 15, stacked: true });
    assert.deepEqual(p1, { expr: 'up', tab: 'table', rangeMs: 3_600_000, endMs: Date.UTC(2024, 2, 1, 10), stepSeconds: null, stacked: false });
  });

  it("reads Prometheus 3's tab and display mode, orders panels by index, and defaults bad values", () => {
    const panels = parsePanels('g5.expr=b&g5.tab=table&g2.expr=a&g2.display_mode=stacked&g2.range_input=nonsense&g2.step_input=-3&g2.end_input=yesterday');
    assert.deepEqual(panels.map((p) => p.expr), ['a', 'b']);
    assert.equal(panels[0]?.stacked, true);
    assert.equal(panels[0]?.rangeMs, 3_600_000);
    assert.equal(panels[0]?.stepSeconds, null);
    assert.equal(panels[0]?.endMs, null);
    assert.equal(panels[1]?.tab, 'table');
    assert.deepEqual(parsePanels(''), []);
  });

  it('writes what it reads', () => {
    const a = { ...defaultPanel(), expr: 'sum by (job) (rate(http_requests_total{code=~"5.."}[5m]))', rangeMs: 90 * 60_000, endMs: Date.UTC(2023, 0, 2, 3, 4, 5), stepSeconds: 30, stacked: true };
    const b = { ...defaultPanel(), expr: 'up', tab: 'table' as const };
    const query = serializePanels([a, b]);
    assert.match(query, /g0\.range_input=1h30m/);
    assert.match(query, /g0\.end_input=2023-01-02\+03%3A04%3A05/);
    assert.match(query, /g1\.tab=1/);
    assert.deepEqual(parsePanels(query), [a, b]);
  });

  it('picks about 250 points across the range, at least 1 s apart', () => {
    assert.equal(autoStepSeconds(3_600_000), 14);
    assert.equal(autoStepSeconds(60_000), 1);
    assert.equal(autoStepSeconds(7 * 86_400_000), 2419);
  });
});

describe('formatting', () => {
  it('parses and formats Prometheus durations', () => {
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('1y2w3d4h5m6s7ms'), 365 * 86_400_000 + 14 * 86_400_000 + 3 * 86_400_000 + 4 * 3_600_000 + 5 * 60_000 + 6000 + 7);
    for (const bad of ['', '0s', '1.5h', 'h', '5m1h', '-1h']) assert.equal(parseDuration(bad), null, bad);
    assert.equal(formatDuration(5_400_000), '1h30m');
    assert.equal(formatDuration(86_400_000 * 8), '1w1d');
    assert.equal(formatDuration(1500), '1s500ms');
  });

  it('parses UTC and offset times, and formats UTC', () => {
    const t = Date.UTC(2024, 1, 29, 23, 59, 58);
    assert.equal(formatTime(t), '2024-02-29 23:59:58');
    assert.equal(parseTime('2024-02-29 23:59:58'), t);
    assert.equal(parseTime('2024-02-29T23:59'), t - 58_000);
    assert.equal(parseTime('2024-03-01T01:59:58+02:00'), t);
    assert.equal(parseTime('2024-02-29T23:59:58.5Z'), t + 500);
    for (const bad of ['', 'now', '2024-02-29', '29.02.2024 10:00']) assert.equal(parseTime(bad), null, bad);
  });

  it('writes series as PromQL selectors with escaped, sorted labels', () => {
    assert.equal(formatSeries({ __name__: 'up', job: 'a', instance: 'h:1' }), 'up{instance="h:1", job="a"}');
    assert.equal(formatSeries({ v: 'quote " and \\ back' }), '{v="quote \\" and \\\\ back"}');
    assert.equal(formatSeries({ __name__: 'x' }), 'x');
    assert.equal(formatSeries({}), '{}');
  });
});

describe('series alignment', () => {
  const series = [
    { metric: { a: '1' }, values: [[100, '1'], [110, '2'], [130, 'NaN']] as [number, string][] },
    { metric: { a: '2' }, values: [[100, '10'], [120, '+Inf'], [130, '30']] as [number, string][] },
  ];

  it('puts samples on the step grid with gaps as null', () => {
    const { xs, rows } = alignSeries({ series, start: 100, end: 130, step: 10, stacked: false });
    assert.deepEqual(Array.from(xs), [100, 110, 120, 130]);
    assert.deepEqual(rows.map((r) => Array.from(r)), [[1, 2, null, null], [10, null, null, 30]]);
  });

  it('gives a series without gaps as a Float64Array (no boxed numbers)', () => {
    const full = [{ metric: {}, values: [[100, '1'], [110, '2.5']] as [number, string][] }, ...series];
    const { rows } = alignSeries({ series: full, start: 100, end: 110, step: 10, stacked: true });
    assert.ok(rows[0] instanceof Float64Array);
    assert.deepEqual(Array.from(rows[0]), [1, 2.5]);
    assert.deepEqual(Array.from(rows[1] ?? []), [2, 4.5]);
    assert.ok(Array.isArray(rows[2]), 'a series with a gap keeps its nulls');
    assert.deepEqual(rows[2], [12, null]);
  });

  it('stacks by running sums, keeping the raw values for the tooltip', () => {
    const { rows, raw } = alignSeries({ series, start: 100, end: 130, step: 10, stacked: true });
    assert.deepEqual(rows.map((r) => Array.from(r)), [[1, 2, null, null], [11, null, null, 30]]);
    assert.deepEqual(raw[1], [10, null, null, 30]);
  });

  it('reads the API value forms', () => {
    assert.equal(parseSampleValue('+Inf'), Infinity);
    assert.equal(parseSampleValue('-Inf'), -Infinity);
    assert.ok(Number.isNaN(parseSampleValue('NaN')));
    assert.equal(parseSampleValue('1e-7'), 1e-7);
  });
});
