import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseFloatString } from './float-parse.js';
import { Entry, ExpositionParser } from './exposition-parser.js';

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
function bits(v: number): bigint {
  f64[0] = v;
  return u64[0] as bigint;
}

test('Go ParseFloat syntax as Prometheus uses it: accepted and refused forms', () => {
  const ok: Array<[string, number]> = [
    ['1', 1], ['-1.5', -1.5], ['+2', 2], ['.5', 0.5], ['5.', 5], ['1e3', 1000], ['1E-3', 0.001], ['inf', Infinity], ['+Infinity', Infinity],
    ['-INF', -Infinity], ['1e-400', 0], ['4.9e-324', 5e-324], ['1.7976931348623157e308', 1.7976931348623157e308],
  ];
  for (const [s, v] of ok) assert.equal(parseFloatString(s), v, s);
  assert.ok(Number.isNaN(parseFloatString('nan') as number));
  assert.ok(Number.isNaN(parseFloatString('NaN') as number));
  for (const s of ['', '+', '.', 'e1', '1e', '1e+', '+nan', '-NaN', 'infinit', '0x1p3', '0x10', '1_000', '1.2.3', ' 1', '1 ', '1e400', 'Infinityy', '١']) {
    assert.equal(parseFloatString(s), undefined, s);
  }
});

test('decimal text parses to the correctly rounded float64, bit for bit, on every path', () => {
  const decimal = fc
    .tuple(fc.constantFrom('', '-', '+'), fc.stringMatching(/^[0-9]{0,25}$/), fc.option(fc.stringMatching(/^[0-9]{0,25}$/)), fc.option(fc.integer({ min: -330, max: 310 })), fc.constantFrom('e', 'E'))
    .map(([sign, int, frac, exp, e]) => `${sign}${int}${frac === null ? '' : `.${frac}`}${exp === null ? '' : `${e}${exp}`}`)
    .filter((s) => /[0-9]/.test(s.split(/e/i)[0] as string));
  fc.assert(
    fc.property(decimal, (s) => {
      const expected = Number(s);
      const got = parseFloatString(s);
      if (!Number.isFinite(expected)) return assert.equal(got, undefined, `${s} overflows`);
      assert.equal(bits(got as number), bits(expected), s);
      // The parser's own one-pass fast path must agree too.
      const p = new ExpositionParser(Buffer.from(`m ${s}\n`), { format: 'text' });
      assert.equal(p.next(), Entry.Series);
      assert.equal(bits(p.value), bits(expected), `sample value ${s}`);
    }),
    { numRuns: 3000 },
  );
});
