import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cachedJsonString, formatTimestamp, formatValue, goJson, jsonString } from './json-format.js';

test('values are formatted like Go strconv.FormatFloat as Prometheus uses it', () => {
  const cases: [number, string][] = [
    [1, '1'],
    [0.5, '0.5'],
    [1234567, '1234567'],
    [1e-7, '1e-07'],
    [1.5e-10, '1.5e-10'],
    [0.000001, '0.000001'],
    [1e21, '1e+21'],
    [1.2345e100, '1.2345e+100'],
    [123456789012345680000, '123456789012345680000'],
    [-2.5e-300, '-2.5e-300'],
    [NaN, 'NaN'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
    [-0, '-0'],
    [0, '0'],
    [0.1 + 0.2, '0.30000000000000004'],
  ];
  for (const [v, want] of cases) assert.equal(formatValue(v), want, `formatValue(${v})`);
});

test('timestamps are seconds with exactly three fraction digits when not whole', () => {
  assert.equal(formatTimestamp(1435781451781), '1435781451.781');
  assert.equal(formatTimestamp(1435781451780), '1435781451.780');
  assert.equal(formatTimestamp(1435781451005), '1435781451.005');
  assert.equal(formatTimestamp(1435781451000), '1435781451');
  assert.equal(formatTimestamp(-1500), '-1.500');
  assert.equal(formatTimestamp(0), '0');
});

test('strings are escaped as Go encoding/json escapes them', () => {
  assert.equal(jsonString('a<b>&c'), '"a\\u003cb\\u003e\\u0026c"');
  assert.equal(jsonString('line\nnext "q"'), '"line\\nnext \\"q\\""');
  assert.equal(jsonString('plain'), '"plain"');
  assert.equal(goJson({ error: '1 < 2' }), '{"error":"1 \\u003c 2"}');
});

test('the cached string encoding answers as jsonString does, on first use and from the cache', () => {
  const strings = ['a<b>&c', 'line\nnext "q"', 'plain', '', '\u2028\u{1F600}\\'];
  for (let round = 0; round < 2; round++) for (const s of strings) assert.equal(cachedJsonString(s), jsonString(s));
  // More distinct strings than the cache holds: it starts over and stays correct.
  for (let i = 0; i < 140_000; i++) assert.equal(cachedJsonString(`v${i}<`), `"v${i}\\u003c"`);
});
