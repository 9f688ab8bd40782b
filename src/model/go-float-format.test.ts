// Tests of Go's float formatting: %g and strconv 'f' with shortest precision.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatGoFloatF, formatGoFloatG } from './go-float-format.js';

test('%g as Go prints it', () => {
  const cases: [number, string][] = [
    [5e6, '5e+06'],
    [1234500, '1.2345e+06'],
    [123456, '123456'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [1e10, '1e+10'],
    [-3.25, '-3.25'],
    [7.5, '7.5'],
    [1e-300, '1e-300'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [NaN, 'NaN'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
    [-0, '-0'],
    [0, '0'],
    [1e21, '1e+21'],
    [0.1 + 0.2, '0.30000000000000004'],
  ];
  for (const [v, want] of cases) assert.equal(formatGoFloatG(v), want, String(v));
});

test("strconv 'f' with shortest precision never uses an exponent", () => {
  const cases: [number, string][] = [
    [1e21, '1000000000000000000000'],
    [1.5e-7, '0.00000015'],
    [-1.25e22, '-12500000000000000000000'],
    [123.456, '123.456'],
    [-0, '-0'],
    [NaN, 'NaN'],
    [-Infinity, '-Inf'],
  ];
  for (const [v, want] of cases) assert.equal(formatGoFloatF(v), want, String(v));
});
