// Property tests: write-then-parse keeps every sample bit-exact in both formats and both strictness levels, and random
// mutations of valid expositions never hang the parser nor make it throw anything but ExpositionError.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Entry, ExpositionParser } from './exposition-parser.js';
import type { ExpositionFormat, MetricType } from './exposition-parser.js';
import { ExpositionError } from './exposition-error.js';
import { ExpositionWriter } from './exposition-writer.js';
import { Labels } from './labels.js';

interface GenSample {
  labels: Record<string, string>;
  value: number;
  timestamp?: number;
}
interface GenFamily {
  name: string;
  type: MetricType;
  help?: string;
  samples: GenSample[];
}

/** Names every mode takes (OpenMetrics reserves a leading underscore). */
const legacyName = fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/);
const utf8Name = fc.string({ unit: 'binary', minLength: 1, maxLength: 6 });
const labelValue = fc.string({ unit: 'binary', maxLength: 12 });
/** Prometheus's scrape parser reads only unsigned text-format timestamps; the other parsers take negative ones. */
const timestamp = (negative: boolean): fc.Arbitrary<number | undefined> => fc.option(fc.integer({ min: negative ? -1e15 : 0, max: 1e15 }), { nil: undefined });

function familyArb(utf8: boolean, negativeTs = true): fc.Arbitrary<GenFamily> {
  const name = utf8 ? fc.oneof(legacyName, utf8Name) : legacyName;
  const labelName = utf8 ? fc.oneof(legacyName, utf8Name.filter((s) => s !== '__name__')) : legacyName;
  return fc.record({
    name,
    type: fc.constantFrom<MetricType>('gauge', 'unknown', 'counter'),
    help: fc.option(fc.string({ unit: 'binary', maxLength: 20 }), { nil: undefined }),
    samples: fc.array(fc.record({ labels: fc.dictionary(labelName, labelValue, { maxKeys: 4 }), value: fc.double(), timestamp: timestamp(negativeTs) }), { minLength: 1, maxLength: 4 }),
  });
}

/** Families with distinct names (and so distinct sample names), each sample a distinct label set, fit for its type. */
function normalise(families: GenFamily[]): GenFamily[] {
  const seen = new Set<string>();
  const out: GenFamily[] = [];
  for (const f of families) {
    const names = [f.name, `${f.name}_total`, `${f.name}_created`];
    if (names.some((n) => seen.has(n))) continue;
    names.forEach((n) => seen.add(n));
    const keys = new Set<string>();
    const samples: GenSample[] = [];
    for (const s of f.samples) {
      const labels = Object.fromEntries(Object.entries(s.labels).filter(([, v]) => v !== ''));
      const key = JSON.stringify(Object.entries(labels).sort());
      if (keys.has(key)) continue;
      keys.add(key);
      const value = f.type === 'counter' ? (Number.isNaN(s.value) ? 0 : Math.abs(s.value)) : s.value;
      samples.push({ ...s, labels, value });
    }
    out.push({ ...f, samples });
  }
  return out;
}

function sampleName(f: GenFamily, format: ExpositionFormat): string {
  return f.type === 'counter' && format === 'openmetrics' ? `${f.name}_total` : f.name;
}

function write(families: GenFamily[], format: ExpositionFormat): string {
  const w = new ExpositionWriter(format);
  for (const f of families) {
    w.family({ name: f.name, type: f.type, help: f.help });
    for (const s of f.samples) w.sample(Labels.from({ ...s.labels, __name__: sampleName(f, format) }), s.value, { timestamp: s.timestamp });
  }
  return w.finish();
}

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
function bits(v: number): bigint {
  f64[0] = v;
  return u64[0] as bigint;
}

function checkRoundTrip(families: GenFamily[], format: ExpositionFormat, strict: boolean): void {
  const text = write(families, format);
  const p = new ExpositionParser(Buffer.from(text), { format, strict });
  const want = families.flatMap((f) => f.samples.map((s) => ({ f, s })));
  let i = 0;
  for (let k = p.next(); k !== Entry.End; k = p.next()) {
    if (k !== Entry.Series) continue;
    const { f, s } = want[i++] as { f: GenFamily; s: GenSample };
    assert.deepEqual(p.labels().toObject(), Labels.from({ ...s.labels, __name__: sampleName(f, format) }).toObject());
    // The formats have a single NaN: a NaN reads back as the canonical NaN. Every other value keeps its bits.
    if (Number.isNaN(s.value)) assert.ok(Number.isNaN(p.value));
    else assert.equal(bits(p.value), bits(s.value), `value ${s.value} written as ${text}`);
    assert.equal(p.hasTimestamp, s.timestamp !== undefined);
    if (s.timestamp !== undefined) assert.equal(p.timestamp, s.timestamp);
    assert.equal(p.familyName(), f.name);
  }
  assert.equal(i, want.length);
}

for (const format of ['text', 'openmetrics'] as const) {
  test(`${format}: write-then-parse keeps every sample bit-exact (strict parser, legacy names)`, () => {
    fc.assert(fc.property(fc.array(familyArb(false), { maxLength: 5 }), (fams) => checkRoundTrip(normalise(fams), format, true)), { numRuns: 300 });
  });
  test(`${format}: write-then-parse keeps every sample bit-exact (lenient parser, UTF-8 names quoted)`, () => {
    fc.assert(fc.property(fc.array(familyArb(true, format === 'openmetrics'), { maxLength: 5 }), (fams) => checkRoundTrip(normalise(fams), format, false)), { numRuns: 300 });
  });
}

const SEEDS = [
  '# HELP a Help \\\\ text\\n.\n# TYPE a counter\na{b="c\\"d",e="f"} 1.5e3 1234\na 2\n# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 2\nh_sum 3\nh_count 2\n',
  '# TYPE c counter\n# UNIT c_seconds seconds\n# HELP c x\nc_total{a="1"} 1 1.5 # {t="x"} 0.5 1.25\nc_created{a="1"} 1\n# TYPE s stateset\ns{s="a"} 1\n# TYPE i info\ni_info{v="1"} 1\n# EOF\n',
  '{"my.metric", "a.b"="x"} NaN\nm -Inf\n',
];

test('random mutations of valid expositions never hang and only ever throw ExpositionError', () => {
  const mutation = fc.oneof(
    fc.record({ op: fc.constant('insert' as const), at: fc.nat(), byte: fc.constantFrom(0x0a, 0x20, 0x09, 0x22, 0x5c, 0x7b, 0x7d, 0x2c, 0x3d, 0x23, 0x2d, 0x2e, 0x65, 0x00, 0xff, 0xc3, 0x31) }),
    fc.record({ op: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 8 }) }),
    fc.record({ op: fc.constant('replace' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ op: fc.constant('duplicate' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 40 }) }),
  );
  const generated = fc.array(familyArb(true), { maxLength: 3 }).chain((fams) => fc.constantFrom(write(normalise(fams), 'text'), write(normalise(fams), 'openmetrics')));
  const input = fc.oneof(fc.constantFrom(...SEEDS), generated);
  fc.assert(
    fc.property(input, fc.array(mutation, { minLength: 1, maxLength: 6 }), (text, ops) => {
      let bytes = Buffer.from(text);
      for (const m of ops) {
        const at = bytes.length === 0 ? 0 : m.at % (bytes.length + 1);
        if (m.op === 'insert') bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([m.byte]), bytes.subarray(at)]);
        else if (m.op === 'delete') bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + m.len)]);
        else if (m.op === 'replace' && at < bytes.length) bytes[at] = m.byte;
        else if (m.op === 'duplicate') bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at, at + m.len), bytes.subarray(at)]);
      }
      for (const format of ['text', 'openmetrics'] as const) {
        for (const strict of [false, true]) {
          try {
            const p = new ExpositionParser(bytes, { format, strict });
            let entries = 0;
            for (let k = p.next(); k !== Entry.End; k = p.next()) {
              assert.ok(++entries <= bytes.length + 1, 'the parser advances on every entry');
              if (k === Entry.Series) {
                p.labels();
                p.seriesText();
                p.familyType();
                if (p.hasExemplar()) p.exemplar();
                p.createdTimestamp();
              } else if (k === Entry.Help) p.helpText();
            }
          } catch (err) {
            if (!(err instanceof ExpositionError)) throw err;
            assert.ok(err.position.line >= 1 && err.position.column >= 1, `position of: ${err.message}`);
          }
        }
      }
    }),
    { numRuns: 1500 },
  );
});
