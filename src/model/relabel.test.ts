import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { Labels } from './labels.js';
import type { RelabelConfigInput } from './relabel.js';
import { expandTemplate, hashmod, newRelabelConfig, relabel, RelabelConfigError } from './relabel.js';

interface Case {
  name: string;
  input: Record<string, string>;
  steps: RelabelConfigInput[];
  /** null: dropped. */
  want: Record<string, string> | null;
}

const cases: Case[] = [
  { name: 'replace with defaults copies the joined source', input: { a: 'foo', b: 'bar' }, steps: [{ sourceLabels: ['a', 'b'], targetLabel: 'c' }], want: { a: 'foo', b: 'bar', c: 'foo;bar' } },
  { name: 'replace with custom separator and groups', input: { a: 'foo', b: 'bar' }, steps: [{ sourceLabels: ['a', 'b'], separator: '-', regex: '(f.*)-(b.*)', targetLabel: 'c', replacement: '${2}x$1' }], want: { a: 'foo', b: 'bar', c: 'barxfoo' } },
  { name: 'replace: $1x means group "1x", which is empty, so the target is deleted', input: { a: 'foo', c: 'old' }, steps: [{ sourceLabels: ['a'], regex: '(.*)', targetLabel: 'c', replacement: '$1x' }], want: { a: 'foo' } },
  { name: 'replace: no match leaves the set unchanged', input: { a: 'foo' }, steps: [{ sourceLabels: ['a'], regex: 'bar', targetLabel: 'c', replacement: 'x' }], want: { a: 'foo' } },
  { name: 'replace: regex is anchored at both ends', input: { a: 'foobar' }, steps: [{ sourceLabels: ['a'], regex: 'foo', targetLabel: 'c', replacement: 'x' }], want: { a: 'foobar' } },
  { name: 'replace: dot matches newline', input: { a: 'x\ny' }, steps: [{ sourceLabels: ['a'], regex: 'x.y', targetLabel: 'c', replacement: 'ok' }], want: { a: 'x\ny', c: 'ok' } },
  { name: 'replace: target from a group; invalid expanded target is a no-op', input: { a: 'some-name', b: 'name' }, steps: [{ sourceLabels: ['a'], regex: '(.*)', targetLabel: '$1', replacement: 'v' }, { sourceLabels: ['b'], regex: '(.*)', targetLabel: 'x_$1', replacement: 'v' }], want: { a: 'some-name', b: 'name', x_name: 'v' } },
  { name: 'replace: named groups and $$', input: { a: 'host:9100' }, steps: [{ sourceLabels: ['a'], regex: '(?P<host>[^:]+):(?P<port>\\d+)', targetLabel: 'b', replacement: '${port}$$$host' }], want: { a: 'host:9100', b: '9100$host' } },
  { name: 'replace: missing sources are empty; literal replacement sets label', input: { a: 'x' }, steps: [{ targetLabel: 'env', replacement: 'prod' }], want: { a: 'x', env: 'prod' } },
  { name: 'replace: empty result deletes the label', input: { a: 'x', b: 'y' }, steps: [{ sourceLabels: ['missing'], targetLabel: 'b' }], want: { a: 'x' } },
  { name: 'keep matching', input: { a: 'foo' }, steps: [{ sourceLabels: ['a'], regex: 'f.*', action: 'keep' }], want: { a: 'foo' } },
  { name: 'keep not matching drops', input: { a: 'foo' }, steps: [{ sourceLabels: ['a'], regex: 'b.*', action: 'keep' }], want: null },
  { name: 'keep on a missing label matches the empty string', input: { a: 'foo' }, steps: [{ sourceLabels: ['z'], regex: '', action: 'keep' }], want: { a: 'foo' } },
  { name: 'drop matching', input: { a: 'foo' }, steps: [{ sourceLabels: ['a'], regex: 'foo', action: 'drop' }], want: null },
  { name: 'drop not matching keeps', input: { a: 'foo' }, steps: [{ sourceLabels: ['a'], regex: 'fo', action: 'DROP' }], want: { a: 'foo' } },
  { name: 'first drop ends processing', input: { a: 'foo' }, steps: [{ sourceLabels: ['a'], action: 'drop', regex: 'foo' }, { targetLabel: 'b', replacement: 'x' }], want: null },
  { name: 'keepequal equal', input: { a: 'x', b: 'x' }, steps: [{ sourceLabels: ['a'], targetLabel: 'b', action: 'keepequal' }], want: { a: 'x', b: 'x' } },
  { name: 'keepequal different drops', input: { a: 'x', b: 'y' }, steps: [{ sourceLabels: ['a'], targetLabel: 'b', action: 'keepequal' }], want: null },
  { name: 'dropequal equal drops', input: { a: 'x', b: 'x' }, steps: [{ sourceLabels: ['a'], targetLabel: 'b', action: 'dropequal' }], want: null },
  { name: 'dropequal missing target vs empty source drops', input: { a: 'x' }, steps: [{ sourceLabels: ['z'], targetLabel: 'b', action: 'dropequal' }], want: null },
  { name: 'lowercase', input: { a: 'FoO', b: 'BaR' }, steps: [{ sourceLabels: ['a', 'b'], targetLabel: 'c', action: 'lowercase' }], want: { a: 'FoO', b: 'BaR', c: 'foo;bar' } },
  { name: 'uppercase', input: { a: 'foo' }, steps: [{ sourceLabels: ['a'], targetLabel: 'a', action: 'uppercase' }], want: { a: 'FOO' } },
  { name: 'labelmap copies matching names', input: { __meta_x_foo: 'a', __meta_x_bar: 'b', keep: 'c' }, steps: [{ regex: '__meta_x_(.+)', action: 'labelmap' }], want: { __meta_x_foo: 'a', __meta_x_bar: 'b', keep: 'c', foo: 'a', bar: 'b' } },
  { name: 'labelmap with replacement template', input: { a_one: '1' }, steps: [{ regex: 'a_(.*)', replacement: 'b_${1}_c', action: 'labelmap' }], want: { a_one: '1', b_one_c: '1' } },
  { name: 'labeldrop', input: { a1: 'x', a2: 'y', b: 'z' }, steps: [{ regex: 'a.', action: 'labeldrop' }], want: { b: 'z' } },
  { name: 'labelkeep', input: { a1: 'x', a2: 'y', b: 'z' }, steps: [{ regex: 'a.', action: 'labelkeep' }], want: { a1: 'x', a2: 'y' } },
  { name: 'hashmod', input: { a: 'foo' }, steps: [{ sourceLabels: ['a'], targetLabel: 'h', modulus: 1000, action: 'hashmod' }], want: { a: 'foo', h: String(md5Mod('foo', 1000n)) } },
];

function md5Mod(s: string, m: bigint): bigint {
  const d = createHash('md5').update(s).digest();
  let v = 0n;
  for (let i = 8; i < 16; i++) v = (v << 8n) | BigInt(d[i] as number);
  return v % m;
}

for (const c of cases) {
  test(`relabel: ${c.name}`, () => {
    const got = relabel(Labels.from(c.input), c.steps.map(newRelabelConfig));
    assert.deepEqual(got === null ? null : got.toObject(), c.want === null ? null : Labels.from(c.want).toObject());
  });
}

test('hashmod uses the last 8 bytes of md5, big-endian, over the full uint64 range', () => {
  // md5("") = d41d8cd98f00b204e9800998ecf8427e; its last 8 bytes are 0xe9800998ecf8427e.
  assert.equal(hashmod('', 2 ** 53), (0xe9800998ecf8427en % 2n ** 53n).toString());
  assert.equal(hashmod('', 10), (0xe9800998ecf8427en % 10n).toString());
});

test("Go template expansion: $$, ${name}, longest names, leading zeros, bad references", () => {
  const g = ['whole', 'one', 'two'];
  const names = { n: 2 };
  const cases: [string, string][] = [
    ['$1', 'one'], ['${1}x', 'onex'], ['$1x', ''], ['$2$1', 'twoone'], ['$$1', '$1'], ['$n', 'two'], ['${n}', 'two'],
    ['$01', ''], ['$9', ''], ['$', '$'], ['a$-b', 'a$-b'], ['${1', '${1'], ['${}', '${}'], ['${a-b}', '${a-b}'], ['$0', 'whole'],
  ];
  for (const [t, want] of cases) assert.equal(expandTemplate(t, g, names), want, t);
});

test('validation errors are Prometheus messages', () => {
  const bad: [RelabelConfigInput, string][] = [
    [{ action: '' }, 'relabel action cannot be empty'],
    [{ action: 'nope' }, 'unknown relabel action "nope"'],
    [{ action: 'hashmod', targetLabel: 'x' }, 'relabel configuration for hashmod requires non-zero modulus'],
    [{ action: 'replace', targetLabel: '' }, "relabel configuration for replace action requires 'target_label' value"],
    [{ action: 'lowercase' }, "relabel configuration for lowercase action requires 'target_label' value"],
    [{ action: 'replace', targetLabel: 'a-b' }, '"a-b" is invalid \'target_label\' for replace action'],
    [{ action: 'uppercase', targetLabel: '$1' }, '"$1" is invalid \'target_label\' for uppercase action'],
    [{ action: 'lowercase', targetLabel: 'a', replacement: 'x' }, "'replacement' can not be set for lowercase action"],
    [{ action: 'labelmap', replacement: 'a-$1' }, '"a-$1" is invalid \'replacement\' for labelmap action'],
    [{ action: 'labeldrop', sourceLabels: ['a'] }, "labeldrop action requires only 'regex', and no other fields"],
    [{ action: 'labelkeep', targetLabel: 'a' }, "labelkeep action requires only 'regex', and no other fields"],
    [{ action: 'keepequal', targetLabel: 'a', regex: 'x' }, "keepequal action requires only 'source_labels' and `target_label`, and no other fields"],
    [{ sourceLabels: ['a-b'], targetLabel: 'a' }, '"a-b" is not a valid label name'],
  ];
  for (const [input, message] of bad) {
    assert.throws(() => newRelabelConfig(input), (e: unknown) => e instanceof RelabelConfigError && e.message === message, message);
  }
  assert.throws(() => newRelabelConfig({ regex: '(?=x)', targetLabel: 'a' }), (e: unknown) => e instanceof RelabelConfigError && e.code === 'bad_relabel_config');
});

test('defaults are Prometheus defaults', () => {
  const c = newRelabelConfig({ targetLabel: 'x' });
  assert.equal(c.action, 'replace');
  assert.equal(c.separator, ';');
  assert.equal(c.regex.source, '(.*)');
  assert.equal(c.replacement, '$1');
});

test('labelmap sees the labels as they were before the step, even after earlier steps changed them', () => {
  const steps = [
    newRelabelConfig({ targetLabel: 'b_x', replacement: '1' }),
    newRelabelConfig({ action: 'labelmap', regex: '(.)_(.*)', replacement: '${2}_${1}' }),
  ];
  const got = relabel(Labels.from({ a_y: '2' }), steps);
  assert.deepEqual(got?.toObject(), { a_y: '2', b_x: '1', x_b: '1', y_a: '2' });
});

test('repeated inputs give the same results (regex results are cached per regex)', () => {
  const steps = [newRelabelConfig({ action: 'drop', sourceLabels: ['__name__'], regex: 'go_.*' })];
  for (let i = 0; i < 10_000; i++) {
    const name = i % 2 === 0 ? 'go_x' : `m_${i % 5000}`;
    assert.equal(relabel(Labels.from({ __name__: name }), steps) === null, name.startsWith('go_'), name);
  }
  const same = Labels.from({ __name__: 'kept' });
  assert.equal(relabel(same, steps), same, 'an unchanged set is returned as is');
});
