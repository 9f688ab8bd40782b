import assert from 'node:assert/strict';
import { test } from 'node:test';
import { byteSize, ConfigError, str, strList, YamlDecoder } from './yaml-decoder.js';

test('scalars read as Go string fields read them: plain scalars keep their spelling', () => {
  const d = YamlDecoder.parse('a: 1.0\nb: 0x10\nc: yes\nd: "q"\ne:\nf: [x, 2]\n', 'f.yml');
  const f = d.fields(d.root, 'test', ['a', 'b', 'c', 'd', 'e', 'f']);
  assert.deepEqual(['a', 'b', 'c', 'd', 'e'].map((k) => f.opt(k, str, 'default')), ['1.0', '0x10', 'yes', 'q', 'default']);
  assert.deepEqual(f.opt('f', strList, []), ['x', '2']);
});

test('sizes use base-2 units as Prometheus does', () => {
  const d = YamlDecoder.parse('[0, 1B, 1KB, 10MB, 10MiB, 1GB512MB, 1.5KB]', 'f.yml');
  assert.deepEqual(d.seq(d.root, 'sizes').map((n) => byteSize(d, n)), [0, 1, 1024, 10 * 2 ** 20, 10 * 2 ** 20, 2 ** 30 + 512 * 2 ** 20, 1536]);
  const bad = YamlDecoder.parse('x: 10\n', 'f.yml');
  assert.throws(() => byteSize(bad, bad.fields(bad.root, 't', ['x']).get('x') ?? null), (e: unknown) => e instanceof ConfigError && e.position.line === 1 && e.position.column === 4);
});

test('unknown, repeated and refused keys are errors at the key', () => {
  const d = YamlDecoder.parse('a: 1\nb: 2\na: 3\n', 'f.yml');
  assert.throws(() => d.fields(d.root, 'thing', ['a']), { message: 'f.yml:2:1: field b not found in type thing' });
  assert.throws(() => d.fields(d.root, 'thing', ['a', 'b']), { message: 'f.yml:3:1: field a already set in type thing' });
  assert.throws(() => d.fields(d.root, 'thing', ['a'], { b: 'b is not for you' }), { message: 'f.yml:2:1: b is not for you' });
});
