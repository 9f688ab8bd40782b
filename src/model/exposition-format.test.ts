import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectFormat, formatFromContentType, negotiateResponseFormat, OPENMETRICS_CONTENT_TYPE, scrapeAcceptHeader, TEXT_CONTENT_TYPE } from './exposition-format.js';
import { ExpositionError } from './exposition-error.js';

test('the scrape Accept header asks for OpenMetrics first, then text, with descending weights', () => {
  const h = scrapeAcceptHeader();
  assert.ok(h.startsWith('application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,'));
  assert.ok(h.includes('text/plain;version=0.0.4;q=0.3'));
  assert.ok(!scrapeAcceptHeader({ utf8Names: false }).includes('escaping'));
  const qs = h.split(',').map((p) => Number(/q=([\d.]+)/.exec(p)?.[1]));
  assert.deepEqual(qs, [...qs].sort((a, b) => b - a));
});

test('the parser is picked from the Content-Type; protobuf and unknown types are typed errors', () => {
  assert.equal(formatFromContentType('application/openmetrics-text; version=1.0.0; charset=utf-8'), 'openmetrics');
  assert.equal(formatFromContentType('text/plain; version=0.0.4'), 'text');
  assert.equal(formatFromContentType('TEXT/PLAIN'), 'text');
  assert.equal(formatFromContentType('application/json', 'text'), 'text', 'fallback protocol');
  assert.throws(() => formatFromContentType(''), (e: unknown) => e instanceof ExpositionError && e.code === 'unsupported_exposition');
  assert.throws(() => formatFromContentType('application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited', 'text'), /protobuf/);
});

test('a server answers OpenMetrics only to clients that ask for it', () => {
  assert.deepEqual(negotiateResponseFormat(scrapeAcceptHeader()), { format: 'openmetrics', contentType: OPENMETRICS_CONTENT_TYPE });
  assert.equal(negotiateResponseFormat('text/plain;version=0.0.4;q=0.9,application/openmetrics-text;q=0.5').format, 'text');
  assert.deepEqual(negotiateResponseFormat(undefined), { format: 'text', contentType: TEXT_CONTENT_TYPE });
  assert.equal(negotiateResponseFormat('application/openmetrics-text;version=9.9.9').format, 'text');
});

test('detection by content: # EOF at the end means OpenMetrics; protobuf is refused', () => {
  assert.equal(detectFormat(Buffer.from('a 1\n# EOF\n')), 'openmetrics');
  assert.equal(detectFormat(Buffer.from('# EOF')), 'openmetrics');
  assert.equal(detectFormat(Buffer.from('a 1\n')), 'text');
  assert.equal(detectFormat(Buffer.from('')), 'text');
  const proto = Buffer.from([0x08, 0x0a, 0x02, 0x75, 0x70, 0x18, 0x01, 0x22, 0x00]);
  assert.throws(() => detectFormat(proto), (e: unknown) => e instanceof ExpositionError && e.code === 'unsupported_exposition');
});
