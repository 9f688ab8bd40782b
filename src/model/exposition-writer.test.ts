import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExpositionWriter, formatValue } from './exposition-writer.js';
import { Labels } from './labels.js';

test('the text writer writes HELP, TYPE and samples as Prometheus does', () => {
  const w = new ExpositionWriter('text');
  w.family({ name: 'http_requests_total', type: 'counter', help: 'Requests \\ served.\nAll of them.' });
  w.sample(Labels.from({ __name__: 'http_requests_total', code: '200', path: '/a"b' }), 1027, { timestamp: 1395066363000 });
  w.family({ name: 'temp', type: 'stateset' });
  w.sample(Labels.from({ __name__: 'temp' }), -0);
  assert.equal(
    w.finish(),
    '# HELP http_requests_total Requests \\\\ served.\\nAll of them.\n# TYPE http_requests_total counter\n' +
      'http_requests_total{code="200",path="/a\\"b"} 1027 1395066363000\n# TYPE temp untyped\ntemp -0\n',
  );
});

test('the OpenMetrics writer writes TYPE, UNIT, HELP, seconds, exemplars and # EOF', () => {
  const w = new ExpositionWriter('openmetrics');
  w.family({ name: 'rpc_seconds', type: 'counter', unit: 'seconds', help: 'Time "spent".' });
  w.sample(Labels.from({ __name__: 'rpc_seconds_total' }), 1.5, { timestamp: 1520879607789, exemplar: { labels: Labels.from({ trace_id: 'x' }), value: 0.25, timestamp: -1500 } });
  assert.equal(
    w.finish(),
    '# TYPE rpc_seconds counter\n# UNIT rpc_seconds seconds\n# HELP rpc_seconds Time \\"spent\\".\n' +
      'rpc_seconds_total 1.5 1520879607.789 # {trace_id="x"} 0.25 -1.5\n# EOF\n',
  );
});

test('values use the shortest round-trip form and the formats\' spellings of the special values', () => {
  assert.deepEqual([NaN, Infinity, -Infinity, -0, 0, 0.1, 1e21, 5e-324].map(formatValue), ['NaN', '+Inf', '-Inf', '-0', '0', '0.1', '1e+21', '5e-324']);
});

test('names outside the legacy character set are quoted', () => {
  const w = new ExpositionWriter('text');
  w.sample(Labels.from({ __name__: 'my.metric', 'a.b': 'c', d: 'e' }), 1);
  assert.equal(w.finish(), '{"my.metric","a.b"="c",d="e"} 1\n');
});
