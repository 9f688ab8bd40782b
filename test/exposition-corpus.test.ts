// Every file of ../shared/conformance/{expfmt,textparse}: valid ones parse with the right sample count, invalid ones fail
// with an ExpositionError. The oracle for "valid" in the text format is the real promtool (exit 1 = parse error).

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Entry, ExpositionParser } from '../src/model/exposition-parser.js';
import type { ExpositionFormat } from '../src/model/exposition-parser.js';
import { ExpositionError } from '../src/model/exposition-error.js';
import { detectFormat } from '../src/model/exposition-format.js';
import { findProgram, runProgram } from './support/programs.js';
import { requireShared } from './support/shared-data.js';

const expfmt = requireShared('conformance/expfmt');
const textparse = requireShared('conformance/textparse');

/** Samples in the input, counted without the parser: non-blank lines that are not `#` lines. */
function naiveSampleCount(bytes: Buffer): number {
  return bytes.toString('utf8').split('\n').filter((l) => /^[ \t]*[^#\s]/.test(l)).length;
}

/** Sample count, or the ExpositionError; anything else thrown fails the test. */
function parse(bytes: Buffer, format: ExpositionFormat, strict: boolean): number | ExpositionError {
  try {
    const p = new ExpositionParser(bytes, { format, strict });
    let n = 0;
    for (let k = p.next(); k !== Entry.End; k = p.next()) {
      if (k === Entry.Series) {
        n++;
        p.labels();
      }
    }
    return n;
  } catch (err) {
    if (err instanceof ExpositionError) return err;
    throw err;
  }
}

test('expfmt corpus: the strict text parser agrees with promtool on every file; valid files give the right sample count', { skip: expfmt.skip }, (t) => {
  const promtool = findProgram('promtool');
  if (promtool.skip !== undefined) return t.skip(promtool.skip);
  const dir = join(expfmt.path as string, 'fuzz-corpus');
  const files = [...readdirSync(dir).map((f) => join(dir, f)), join(expfmt.path as string, 'testdata', 'text')];
  assert.equal(files.length, 27);
  let valid = 0;
  for (const f of files) {
    const bytes = readFileSync(f);
    const promtoolValid = runProgram(promtool.path, ['check', 'metrics'], bytes).status !== 1;
    const strict = parse(bytes, 'text', true);
    const lenient = parse(bytes, 'text', false);
    if (promtoolValid) {
      valid++;
      assert.equal(strict, naiveSampleCount(bytes), `${f}: strict`);
      // Prometheus's scrape parser is stricter than expfmt in places (blanks before a sample, signed timestamps):
      // test/lenient-prometheus.test.ts checks the lenient parser against the real Prometheus on these files.
      assert.ok(lenient === naiveSampleCount(bytes) || lenient instanceof ExpositionError, `${f}: lenient`);
    } else {
      assert.ok(strict instanceof ExpositionError, `${f}: promtool rejects it, the strict parser must too`);
      assert.ok(typeof lenient === 'number' || lenient instanceof ExpositionError);
    }
  }
  assert.equal(valid, 7, 'six of the 26 fuzz seeds and testdata/text are valid');
});

test('expfmt corpus: the protobuf sample is detected and refused with a clear error', { skip: expfmt.skip }, () => {
  const bytes = readFileSync(join(expfmt.path as string, 'testdata', 'protobuf'));
  assert.throws(() => detectFormat(bytes), (e: unknown) => e instanceof ExpositionError && e.code === 'unsupported_exposition' && /protobuf/.test(e.message));
  const asText = parse(bytes, 'text', false);
  assert.ok(asText instanceof ExpositionError, 'fed to the text parser anyway, it is a parse error, not a crash');
});

test('textparse inputs: every file parses, leniently and strictly, to its sample count', { skip: textparse.skip }, () => {
  const dir = textparse.path as string;
  const files = readdirSync(dir).sort();
  assert.equal(files.length, 4);
  for (const name of files) {
    const bytes = readFileSync(join(dir, name));
    const format = name.endsWith('.om.txt') ? 'openmetrics' : 'text';
    assert.equal(parse(bytes, format, false), naiveSampleCount(bytes), `${name}: lenient`);
    // Detection by content: a text file ending in a "# EOF" comment reads as OpenMetrics, and parses as such too.
    assert.equal(parse(bytes, detectFormat(bytes), false), naiveSampleCount(bytes), `${name}: detected ${detectFormat(bytes)}`);
    const strict = parse(bytes, format, true);
    if (name === 'alltypes.5mfs.om.txt') {
      // Its histogram has negative buckets and a _sum: OpenMetrics 1.0 forbids that combination.
      assert.ok(strict instanceof ExpositionError);
      assert.match(strict.message, /rpc_durations_histogram_seconds/);
    } else {
      assert.equal(strict, naiveSampleCount(bytes), `${name}: strict`);
    }
  }
});
