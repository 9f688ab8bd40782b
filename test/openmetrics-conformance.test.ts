// The OpenMetrics 1.0 parser suite (../shared/conformance/openmetrics/parsers): the strict parser classifies all 211 cases as test.json says.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Entry, ExpositionParser } from '../src/model/exposition-parser.js';
import { ExpositionError } from '../src/model/exposition-error.js';
import { requireShared } from './support/shared-data.js';

const suite = requireShared('conformance/openmetrics/parsers');

/** Parses the whole input strictly; undefined when valid, else the error (which must be an ExpositionError). */
function strictParse(bytes: Buffer): ExpositionError | undefined {
  try {
    const p = new ExpositionParser(bytes, { format: 'openmetrics', strict: true });
    for (let k = p.next(); k !== Entry.End; k = p.next()) {
      if (k === Entry.Series && p.hasExemplar()) p.exemplar();
    }
    return undefined;
  } catch (err) {
    if (err instanceof ExpositionError) return err;
    throw err;
  }
}

test('OpenMetrics parser suite: every case classified as its test.json says', { skip: suite.skip }, () => {
  const root = suite.path as string;
  const cases = readdirSync(root).sort();
  assert.equal(cases.length, 211, 'the suite has 211 cases');
  const wrong: string[] = [];
  let valid = 0;
  for (const c of cases) {
    const spec = JSON.parse(readFileSync(join(root, c, 'test.json'), 'utf8')) as { type: string; file: string; shouldParse: boolean };
    assert.equal(spec.type, 'text');
    const err = strictParse(readFileSync(join(root, c, spec.file)));
    if ((err === undefined) !== spec.shouldParse) wrong.push(`${c}: expected ${spec.shouldParse ? 'valid' : 'invalid'}, got ${err ? err.message : 'valid'}`);
    if (spec.shouldParse) valid++;
  }
  assert.equal(valid, 44);
  assert.deepEqual(wrong, []);
});

test('OpenMetrics errors name the line and column and what was expected', { skip: suite.skip }, () => {
  const root = suite.path as string;
  const err = strictParse(readFileSync(join(root, 'bad_value_1', 'metrics')));
  assert.ok(err);
  assert.deepEqual([err.position.line, err.position.column], [1, 3]);
  assert.match(err.message, /^1:3: expected a value, got a space/);
  const eof = strictParse(readFileSync(join(root, 'bad_no_eof', 'metrics')));
  assert.match(eof?.message ?? '', /expected "# EOF"/);
});
