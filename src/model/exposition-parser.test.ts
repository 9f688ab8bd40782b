import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Entry, ExpositionParser } from './exposition-parser.js';
import type { ExpositionFormat } from './exposition-parser.js';
import { ExpositionError } from './exposition-error.js';

function parser(text: string, format: ExpositionFormat = 'text', strict = false): ExpositionParser {
  return new ExpositionParser(Buffer.from(text), { format, strict });
}

function failure(text: string, format: ExpositionFormat = 'text', strict = false): ExpositionError {
  const p = parser(text, format, strict);
  try {
    while (p.next() !== Entry.End) p.labels();
  } catch (err) {
    if (err instanceof ExpositionError) return err;
    throw err;
  }
  assert.fail(`expected ${JSON.stringify(text)} to fail`);
}

test('a text exposition streams metadata, comments and samples with raw series text and values', () => {
  const p = parser('# HELP http_requests_total Requests\\nserved.\n# TYPE http_requests_total counter\n# plain comment\nhttp_requests_total{code="200",method="get"} 1027 1395066363000\nup 1\n');
  assert.equal(p.next(), Entry.Help);
  assert.equal(p.metaName(), 'http_requests_total');
  assert.equal(p.helpText(), 'Requests\nserved.');
  assert.equal(p.next(), Entry.Type);
  assert.equal(p.metricType(), 'counter');
  assert.equal(p.next(), Entry.Comment);
  assert.equal(p.commentText(), ' plain comment');
  assert.equal(p.next(), Entry.Series);
  assert.equal(p.seriesKey(), 'http_requests_total{code="200",method="get"}');
  assert.equal(p.metricName(), 'http_requests_total');
  assert.equal(p.value, 1027);
  assert.equal(p.hasTimestamp, true);
  assert.equal(p.timestamp, 1395066363000);
  assert.equal(p.familyType(), 'counter');
  assert.equal(p.labels().toString(), 'http_requests_total{code="200", method="get"}');
  assert.equal(p.line, 4);
  assert.equal(p.next(), Entry.Series);
  assert.equal(p.seriesKey(), 'up');
  assert.equal(p.hasTimestamp, false);
  assert.equal(p.familyType(), 'unknown');
  assert.equal(p.next(), Entry.End);
  assert.equal(p.next(), Entry.End);
});

test('labels are sorted, unescaped, and empty values dropped; the raw text keeps them as written', () => {
  const p = parser('m{z="1",a="x\\"y\\\\z\\nw",e="",ü="no"} 1\n');
  assert.throws(() => p.next(), ExpositionError, 'ü is not a label name character');
  const q = parser('m{z="1",a="x\\"y\\\\z\\nw",e="",u="é"} 1\n');
  q.next();
  assert.deepEqual(q.labels().toObject(), { __name__: 'm', a: 'x"y\\z\nw', u: 'é', z: '1' });
  assert.equal(q.seriesText(), 'm{z="1",a="x\\"y\\\\z\\nw",e="",u="é"}');
});

test('special values: NaN, ±Inf, signed zero, and Go float syntax; no hex, no underscores', () => {
  const values = (text: string): number[] => {
    const p = parser(text);
    const out: number[] = [];
    while (p.next() !== Entry.End) out.push(p.value);
    return out;
  };
  const v = values('a NaN\na +Inf\na -Inf\na -0\na .5\na 1e-400\na Infinity\na 0001.5e1\n');
  assert.ok(Number.isNaN(v[0]));
  assert.deepEqual(v.slice(1), [Infinity, -Infinity, -0, 0.5, 0, Infinity, 15]);
  for (const bad of ['0x10', '1_000', '0x1p-3', '1e400', '+nan', '1.2.3', 'e5', '']) {
    assert.throws(() => values(`a ${bad}\n`), ExpositionError, bad);
  }
});

test('duplicate label names are an error when the label set is built', () => {
  const p = parser('a{b="1",b="2"} 1\n');
  p.next();
  assert.throws(() => p.labels(), (e: unknown) => e instanceof ExpositionError && /expected each label name once, got duplicate label name "b"/.test(e.message));
});

test('errors give line, column and what was expected', () => {
  const e = failure('ok 1\nbad{a="1"x} 2\n');
  assert.deepEqual([e.position.line, e.position.column], [2, 10]);
  assert.match(e.message, /expected "," or "}" after label value, got "x"/);
  assert.match(failure('a 1\n', 'openmetrics').message, /expected "# EOF"/);
  assert.match(failure('a 1 2 3\n').message, /expected end of line after the timestamp/);
  assert.match(failure('a 1 1.5\n').message, /expected an integer as timestamp/);
  assert.match(failure('a 1', 'text', true).message, /expected a line feed/);
  assert.match(failure('  a 1\n').message, /1:1: expected a metric name at the start of the line/);
});

test('OpenMetrics: second-resolution timestamps become ms, exemplars and created timestamps are read', () => {
  const text = '# TYPE foo counter\n# HELP foo Foos.\nfoo_total{a="1"} 17 1520879607.789 # {trace_id="KOO5S4vxi0o"} 0.67 1520879607.1\nfoo_created{a="1"} 1520430000.123 1520879607.789\n# EOF\n';
  const p = parser(text, 'openmetrics', true);
  assert.equal(p.next(), Entry.Type);
  assert.equal(p.next(), Entry.Help);
  assert.equal(p.next(), Entry.Series);
  assert.equal(p.familyName(), 'foo');
  assert.equal(p.familyType(), 'counter');
  assert.equal(p.timestamp, Math.trunc(1520879607.789 * 1000));
  assert.ok(p.hasExemplar());
  const ex = p.exemplar();
  assert.deepEqual(ex.labels.toObject(), { trace_id: 'KOO5S4vxi0o' });
  assert.equal(ex.value, 0.67);
  assert.equal(ex.timestamp, 1520879607100);
  assert.equal(p.createdTimestamp(), 1520430000123);
  assert.equal(p.next(), Entry.Series);
  assert.equal(p.metricName(), 'foo_created');
  assert.equal(p.next(), Entry.Eof);
  assert.equal(p.next(), Entry.End);
});

test('lenient mode reads quoted UTF-8 metric and label names as Prometheus 3 does; strict mode refuses them', () => {
  const p = parser('# TYPE "my.metric" gauge\n{"my.metric", "a.b"="c", d="e"} 1\n');
  assert.equal(p.next(), Entry.Type);
  assert.equal(p.metaName(), 'my.metric');
  assert.equal(p.next(), Entry.Series);
  assert.equal(p.metricName(), 'my.metric');
  assert.equal(p.familyType(), 'gauge');
  assert.deepEqual(p.labels().toObject(), { __name__: 'my.metric', 'a.b': 'c', d: 'e' });
  assert.throws(() => parser('{"my.metric"} 1\n', 'text', true).next(), ExpositionError);
});

test('the strict text format follows expfmt: one HELP and TYPE per family, TYPE first, numeric le and quantile', () => {
  assert.match(failure('# TYPE a gauge\n# TYPE a gauge\n', 'text', true).message, /got a second TYPE line/);
  assert.match(failure('a 1\n# TYPE a gauge\n', 'text', true).message, /TYPE reported after samples/);
  assert.match(failure('# TYPE h histogram\nh_bucket{le="x"} 1\n', 'text', true).message, /'le' label/);
  assert.match(failure('a{__name__="b"} 1\n', 'text', true).message, /"__name__", which is reserved/);
  assert.match(failure('a{b="\\t"} 1\n', 'text', true).message, /escape sequence/);
  const p = parser('# TYPE s summary\ns{quantile="0.5"} 1\ns_count 2\n', 'text', true);
  p.next();
  p.next();
  p.next();
  assert.equal(p.familyName(), 's');
  assert.equal(p.familyType(), 'summary');
});

test('strict OpenMetrics rules beyond the suite: reserved names, duplicate samples', () => {
  assert.match(failure('a{_b="1"} 1\n# EOF\n', 'openmetrics', true).message, /reserved/);
  assert.match(failure('_a 1\n# EOF\n', 'openmetrics', true).message, /reserved/);
  assert.match(failure('a 1\na 2\n# EOF\n', 'openmetrics', true).message, /got a again/);
});

test('created timestamps: per series, for histograms and summaries, only within the family', () => {
  const text =
    '# TYPE h histogram\nh_bucket{a="1",le="1"} 1\nh_bucket{a="1",le="+Inf"} 2\nh_sum{a="1"} 3\nh_count{a="1"} 2\nh_created{a="1"} 10.5\n' +
    'h_bucket{a="2",le="+Inf"} 0\nh_sum{a="2"} 0\nh_count{a="2"} 0\nh_created{a="2"} 20\n' +
    '# TYPE s summary\ns{quantile="0.5"} 1\ns_sum 1\ns_count 1\n# TYPE g gauge\ng 1\n# TYPE s2 summary\ns2_created 30\n# EOF\n';
  for (const strict of [false, true]) {
    const p = parser(text, 'openmetrics', strict);
    const got: Array<string | number | undefined> = [];
    for (let k = p.next(); k !== Entry.End; k = p.next()) if (k === Entry.Series) got.push(`${p.seriesKey()}=${p.createdTimestamp()}`);
    assert.deepEqual(got, [
      'h_bucket{a="1",le="1"}=10500', 'h_bucket{a="1",le="+Inf"}=10500', 'h_sum{a="1"}=10500', 'h_count{a="1"}=10500', 'h_created{a="1"}=undefined',
      'h_bucket{a="2",le="+Inf"}=20000', 'h_sum{a="2"}=20000', 'h_count{a="2"}=20000', 'h_created{a="2"}=undefined',
      's{quantile="0.5"}=undefined', 's_sum=undefined', 's_count=undefined', 'g=undefined', 's2_created=undefined',
    ]);
  }
});

/** Every series of `text` as [series text, value, timestamp or null, exemplar value or null], or the error message. */
function readAll(text: string, format: ExpositionFormat, knownSeries?: (buf: Uint8Array, start: number, end: number) => number): (string | number | null)[][] | string {
  const p = new ExpositionParser(Buffer.from(text), { format, ...(knownSeries !== undefined ? { knownSeries } : {}) });
  const out: (string | number | null)[][] = [];
  try {
    for (let k = p.next(); k !== Entry.End; k = p.next()) {
      if (k === Entry.Series) out.push([p.seriesText(), p.value, p.hasTimestamp ? p.timestamp : null, p.hasExemplar() ? p.exemplar().value : null, p.line]);
    }
  } catch (err) {
    return err instanceof ExpositionError ? err.message : String(err);
  }
  return out;
}

/**
 * A knownSeries that knows the series texts of `known` and proposes them in that order, as the scrape cache does
 * (never one with a line feed in it).
 */
function knowing(known: readonly string[]): { fn: (buf: Uint8Array, start: number, end: number) => number; asked: string[] } {
  const set = new Set(known);
  const asked: string[] = [];
  let next = 0;
  const fn = (buf: Uint8Array, start: number, end: number): number => {
    const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    if (end < 0) {
      const guess = known[next];
      if (guess === undefined || guess.includes('\n') || b.toString('latin1', start, start + Buffer.byteLength(guess)) !== guess) return -1;
      next++;
      return start + Buffer.byteLength(guess);
    }
    const text = b.toString('latin1', start, end);
    asked.push(text);
    const i = known.indexOf(text);
    if (i >= 0) next = i + 1;
    return set.has(text) ? end : -1;
  };
  return { fn, asked };
}

test('knownSeries: known label blocks are skipped, with the same values, timestamps, exemplars, lines and errors', () => {
  const bodies: [string, ExpositionFormat][] = [
    ['# TYPE a counter\na_total{x="1",y="a\\"b"} 5 1000\nb 2\nb_c 3\nc {z="1"} 4\nd{w="é"} 1e3\n', 'text'],
    ['a{x="1"} 5\na{x="1"}  7 99\nlong{l="v\nwith a raw line feed"} 1\nafter 2\n', 'text'],
    ['# TYPE a counter\na_total{x="1"} 5 # {t="1"} 2 3\na_total{x="2"} 6\n# EOF\n', 'openmetrics'],
    ['a{x="1"} 5\na{x="1"} oops\n', 'text'],
    ['a{x="1"} 5\na{x="1"}5\nb 1\nb1\n', 'text'],
  ];
  for (const [text, format] of bodies) {
    const whole = readAll(text, format);
    const texts = typeof whole === 'string' ? readAll(text.split('\n').slice(0, -2).join('\n') + '\n', format) : whole;
    const known = typeof texts === 'string' ? [] : texts.map((r) => r[0] as string);
    assert.deepEqual(readAll(text, format, knowing(known).fn), whole, text);
    assert.deepEqual(readAll(text, format, knowing([]).fn), whole, text);
  }
});

test('knownSeries: a proposal must end the series text where the full scan would', () => {
  // "abc" is known, but these lines are other series that start with those bytes.
  for (const line of ['abcd 1\n', 'abc{x="1"} 1\n', 'abc {x="1"} 1\n']) {
    const k = knowing(['abc']);
    const got = readAll(line, 'text', k.fn);
    assert.deepEqual(got, readAll(line, 'text'), line);
    assert.equal(k.asked.length, 1, `the series text was looked up by its own range: ${line}`);
    assert.notEqual(k.asked[0], 'abc');
  }
  // A proposal accepted: labels() is not available for that sample.
  const p = new ExpositionParser(Buffer.from('a{x="1"} 5\n'), { format: 'text', knownSeries: knowing(['a{x="1"}']).fn });
  assert.equal(p.next(), Entry.Series);
  assert.equal(p.metricName(), 'a');
  assert.throws(() => p.labels(), /skipped/);
});

test('knownSeries is ignored in strict mode', () => {
  const p = new ExpositionParser(Buffer.from('# TYPE a gauge\na{x="1"} 5\n'), { format: 'text', strict: true, knownSeries: () => assert.fail('asked') });
  p.next();
  assert.equal(p.next(), Entry.Series);
  assert.equal(p.labels().get('x'), '1');
});
