// Tests of the promqltest series notation: labels, value expansion and errors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  isStartTimestampLine,
  parseMetric,
  parseSeriesDescription,
  parseSeriesValues,
  parseStartTimestampDescription,
  SeriesNotationError,
  type SequenceValue,
} from './series-notation.js';

function floats(vs: SequenceValue[]): (number | string)[] {
  return vs.map((v) => (v.kind === 'float' ? v.value : v.kind === 'stale' ? 'stale' : '_'));
}

test('values expand as promqltest defines them', () => {
  assert.deepEqual(floats(parseSeriesValues('0+10x10')), [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
  assert.deepEqual(floats(parseSeriesValues('1+2x5')), [1, 3, 5, 7, 9, 11]);
  assert.deepEqual(floats(parseSeriesValues('1-2x4')), [1, -1, -3, -5, -7]);
  assert.deepEqual(floats(parseSeriesValues('-1-2x3')), [-1, -3, -5, -7]);
  assert.deepEqual(floats(parseSeriesValues('5x2')), [5, 5, 5]);
  assert.deepEqual(floats(parseSeriesValues('1 _x3 stale')), [1, '_', '_', '_', 'stale']);
  assert.deepEqual(floats(parseSeriesValues('_ 0 1 stale 2')), ['_', 0, 1, 'stale', 2]);
  assert.deepEqual(floats(parseSeriesValues('Inf -Inf 1e3 -2.5 1_000 010 .5')), [Infinity, -Infinity, 1000, -2.5, 1000, 8, 0.5]);
  assert.ok(Number.isNaN((parseSeriesValues('NaN')[0] as { value: number }).value));
  assert.deepEqual(floats(parseSeriesValues('1e3x1 0.1+0.1x2')), [1000, 1000, 0.1, 0.2, 0.30000000000000004]);
  // Hex is not a number here: `0x2` is 0 repeated.
  assert.deepEqual(floats(parseSeriesValues('0x2')), [0, 0, 0]);
  assert.deepEqual(parseSeriesValues(''), []);
});

test('metric part: name, labels, quoted names', () => {
  assert.deepEqual(parseMetric('foo{b="2", a=\'1\',}').flat, ['__name__', 'foo', 'a', '1', 'b', '2']);
  assert.deepEqual(parseMetric('{__name__="x", job="a\\"b"}').flat, ['__name__', 'x', 'job', 'a"b']);
  assert.deepEqual(parseMetric('{"my.metric", "a.b"="c"}').flat, ['__name__', 'my.metric', 'a.b', 'c']);
  assert.deepEqual(parseMetric('{}').flat, []);
  const d = parseSeriesDescription('  http_requests{job="api-server", instance="0"}\t0+10x2 _ 5');
  assert.deepEqual(d.labels.flat, ['__name__', 'http_requests', 'instance', '0', 'job', 'api-server']);
  assert.deepEqual(floats(d.values), [0, 10, 20, '_', 5]);
  assert.deepEqual(floats(parseSeriesDescription('a:b:c 1').values), [1]);
  assert.deepEqual(parseSeriesDescription('{a="b c"} 1').labels.flat, ['a', 'b c']);
});

test('native histogram literals are rejected with their own code', () => {
  assert.throws(
    () => parseSeriesDescription('h {{schema:0 sum:1 count:1 buckets:[1]}}x3'),
    (e: unknown) => e instanceof SeriesNotationError && e.code === 'promql_native_histogram_unsupported' && e.position.column === 3,
  );
});

test('malformed lines are reported with position', () => {
  const bad = (line: string, message: RegExp): void => {
    assert.throws(() => parseSeriesDescription(line), (e: unknown) => {
      assert.ok(e instanceof SeriesNotationError, line);
      assert.equal(e.code, 'promql_series_notation');
      assert.match(e.message, message, line);
      return true;
    });
  };
  bad('m 1 foo', /^1:5: unexpected "foo" in series values, expected number or "stale"$/);
  bad('m 1+2', /^1:6: missing repetition/);
  bad('m 1x', /^1:5: invalid repetition in series values/);
  bad('m 1x-2', /^1:5: invalid repetition in series values/);
  bad('m 1.2.3', /^1:3: unexpected "1.2.3"/);
  bad('m{a=1} 1', /^1:5: unexpected character inside braces: '1'$/);
  bad('m{a=b} 1', /^1:5: unexpected identifier "b" in label set, expected string$/);
  bad('m{a} 1', /^1:4: unexpected "}" in label set, expected "="$/);
  bad('m{a="b" c="d"} 1', /^1:9: unexpected identifier "c" in label set, expected "," or "}"$/);
  bad('m{a="\\q"} 1', /^1:5: unknown escape sequence U\+0071 'q'$/);
});

test('start-timestamp lines expand to per-sample offsets', () => {
  assert.equal(isStartTimestampLine('  series{a="b"}@st _ 1ms'), true);
  assert.equal(isStartTimestampLine('series{a="b"} 1 2'), false);
  assert.equal(isStartTimestampLine('series@st 0'), true);
  const d = parseStartTimestampDescription('cumulative{type="x"}@st   _ _ -30s-1mx2 -1mx1 +1m 0 _x2 1ms');
  assert.deepEqual(d.labels.flat, ['__name__', 'cumulative', 'type', 'x']);
  assert.deepEqual(d.offsets, [undefined, undefined, -30_000, -90_000, -150_000, -60_000, -60_000, 60_000, 0, undefined, undefined, 1]);
  assert.deepEqual(parseStartTimestampDescription('d@st -0msx2 0-1mx1').offsets, [0, 0, 0, 0, -60_000]);
  assert.throws(() => parseStartTimestampDescription('m@st 5q'), { message: '1:6: not a valid duration string: "5q"' });
  assert.throws(() => parseStartTimestampDescription('m@st 1m+1m'), SeriesNotationError);
  assert.throws(() => parseStartTimestampDescription('m 1 2'), SeriesNotationError);
});
