import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MetricsRegistry } from './metrics-registry.js';

test('families are exposed sorted, with HELP/TYPE and quoted labels', () => {
  const r = new MetricsRegistry();
  const req = r.counter('prometheus_http_requests_total', 'Counter of HTTP requests.', ['code', 'handler']);
  req.inc(['200', '/api/v1/query']);
  req.inc(['200', '/api/v1/query']);
  req.inc(['400', '/api/v1/query']);
  r.gaugeFunc('prometheus_tsdb_head_series', 'Total number of series in the head block.', () => 12);
  r.gauge('empty_gauge', 'never set');
  assert.equal(
    r.expose(),
    '# HELP prometheus_http_requests_total Counter of HTTP requests.\n# TYPE prometheus_http_requests_total counter\n' +
      'prometheus_http_requests_total{code="200",handler="/api/v1/query"} 2\n' +
      'prometheus_http_requests_total{code="400",handler="/api/v1/query"} 1\n' +
      '# HELP prometheus_tsdb_head_series Total number of series in the head block.\n# TYPE prometheus_tsdb_head_series gauge\n' +
      'prometheus_tsdb_head_series 12\n',
  );
  assert.throws(() => r.gauge('prometheus_tsdb_head_series', 'again'), /registered twice/);
});

test('histograms expose cumulative buckets, sum and count', () => {
  const r = new MetricsRegistry();
  const h = r.histogram('prometheus_http_request_duration_seconds', 'Histogram of latencies for HTTP requests.', ['handler'], [0.1, 1]);
  h.observe(['/metrics'], 0.05);
  h.observe(['/metrics'], 0.5);
  h.observe(['/metrics'], 7);
  assert.equal(
    r.expose(),
    '# HELP prometheus_http_request_duration_seconds Histogram of latencies for HTTP requests.\n# TYPE prometheus_http_request_duration_seconds histogram\n' +
      'prometheus_http_request_duration_seconds_bucket{handler="/metrics",le="0.1"} 1\n' +
      'prometheus_http_request_duration_seconds_bucket{handler="/metrics",le="1"} 2\n' +
      'prometheus_http_request_duration_seconds_bucket{handler="/metrics",le="+Inf"} 3\n' +
      'prometheus_http_request_duration_seconds_sum{handler="/metrics"} 7.55\n' +
      'prometheus_http_request_duration_seconds_count{handler="/metrics"} 3\n',
  );
});

test('label values use the text format\'s escaping: only backslash, double quote and newline', () => {
  const r = new MetricsRegistry();
  const c = r.counter('x_total', 'help', ['path']);
  c.inc(['a\\b"c\nd\te☃\u0007']);
  const line = r.expose().split('\n')[2];
  assert.equal(line, 'x_total{path="a\\\\b\\"c\\nd\te☃\u0007"} 1');
});
