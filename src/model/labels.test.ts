import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareLabels, compareStrings, Labels, LabelsBuilder } from './labels.js';

test('labels are sorted by name, drop empty values, and print as Prometheus does', () => {
  const l = Labels.from({ job: 'node', __name__: 'up', instance: 'a:1', empty: '' });
  assert.deepEqual(l.names(), ['__name__', 'instance', 'job']);
  assert.equal(l.toString(), 'up{instance="a:1", job="node"}');
  assert.equal(Labels.from({ __name__: 'up' }).toString(), 'up');
  assert.equal(Labels.from({ a: 'x"y\n' }).toString(), '{a="x\\"y\\n"}');
  // Go's strconv.Quote: \xNN below U+0020 and for DEL, \uNNNN for other non-printable code points.
  assert.equal(Labels.from({ a: '\x01\x7f\u00a0\u200bé' }).toString(), '{a="\\x01\\x7f\\u00a0\\u200bé"}');
  assert.equal(l.get('missing'), '');
});

test('equal sets hash and compare equal; order follows Prometheus', () => {
  const a = Labels.from([['a', '1'], ['b', '2']]);
  const b = Labels.from([['b', '2'], ['a', '1']]);
  assert.ok(a.equals(b));
  assert.equal(a.hash(), b.hash());
  assert.notEqual(Labels.from({ ab: 'c' }).hash(), Labels.from({ a: 'bc' }).hash());
  assert.ok(compareLabels(Labels.from({ a: '1' }), Labels.from({ a: '1', b: '1' })) < 0);
  assert.ok(compareLabels(Labels.from({ a: '2' }), Labels.from({ a: '10' })) > 0);
});

test('strings compare in UTF-8 byte order, as Go does', () => {
  assert.ok(compareStrings('\uffff', '\u{10000}') < 0);
  assert.ok(compareStrings('a', 'b') < 0);
  assert.ok(compareStrings('B', 'a') < 0);
});

test('builder sets, deletes and keeps names', () => {
  const base = Labels.from({ a: '1', b: '2', c: '3' });
  assert.equal(new LabelsBuilder(base).set('d', '4').del('a').labels().toString(), '{b="2", c="3", d="4"}');
  assert.equal(new LabelsBuilder(base).keep(['b']).labels().toString(), '{b="2"}');
  assert.equal(base.with('b', '').toString(), '{a="1", c="3"}');
});
