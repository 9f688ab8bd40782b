// Every PromQL expression in Prometheus's own test scripts (v3.14.0 and v2.42.0) parses with the promqltest engine's
// parser options, prints canonically (single-line and prettified), and parses back to the same tree; every series line of their load blocks
// and expected results parses as series notation (native-histogram literals are reported as unsupported), and
// every `@st` start-timestamp line gives one offset per sample of the series line after it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Expr } from '../src/promql/ast.js';
import { prettyExpr } from '../src/promql/format-query.js';
import { ALL_FEATURES, parseExpr } from '../src/promql/parser.js';
import { PromQLParseError } from '../src/promql/parse-error.js';
import { exprToString } from '../src/promql/printer.js';
import {
  isStartTimestampLine,
  parseSeriesDescription,
  parseStartTimestampDescription,
  SeriesNotationError,
} from '../src/promql/series-notation.js';

const ROOT = fileURLToPath(new URL('../../test/fixtures/promqltest/', import.meta.url));
const VERSIONS = ['v3.14.0', 'v2.42.0'];

// The Go runner's header patterns (see the promqltest README).
const INSTANT = /^eval(?:_(fail|warn|ordered|info))?\s+instant\s+(?:at\s+(.+?))?\s+(.+)$/;
const RANGE = /^eval(?:_(fail|warn|info))?\s+range\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+?)\s+(.+)$/;
const EXPECT_FAIL = /^expect\s+fail(?:\s+(regex|msg):(.+))?$/;
const LEGACY_FAIL = /^expected_fail_(message|regexp)\s+(.*)$/;

/** Functions Prometheus 3 removed; v2.42 scripts still call them. */
const REMOVED_IN_3 = new Set(['holt_winters']);

interface Eval {
  file: string;
  line: number;
  query: string;
  fails: boolean;
  failMessage?: { kind: string; text: string };
}

function scripts(version: string): { file: string; lines: string[] }[] {
  const dir = join(ROOT, version);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.test'))
    .sort()
    .map((f) => ({ file: `${version}/${f}`, lines: readFileSync(join(dir, f), 'utf8').split('\n').map((l) => l.trim()) }));
}

function evals(version: string): Eval[] {
  const out: Eval[] = [];
  for (const { file, lines } of scripts(version)) {
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i] as string;
      const m = INSTANT.exec(l) ?? RANGE.exec(l);
      if (m === null) continue;
      const query = (m.length === 4 ? m[3] : m[5]) as string;
      const e: Eval = { file, line: i + 1, query, fails: m[1] === 'fail' };
      for (let j = i + 1; j < lines.length && lines[j] !== '' && !(lines[j] as string).startsWith('#'); j++) {
        const f = EXPECT_FAIL.exec(lines[j] as string) ?? LEGACY_FAIL.exec(lines[j] as string);
        if (f === null) continue;
        e.fails = true;
        if (f[2] !== undefined) e.failMessage = { kind: f[1] as string, text: f[2].trim() };
      }
      out.push(e);
    }
  }
  return out;
}

function canonicalTree(e: Expr): unknown {
  return JSON.parse(
    JSON.stringify(e, (k, v: unknown) => {
      if (k === 'pos') return undefined;
      if (k === 'matchers') return (v as object[]).map(String).sort();
      if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
      return v;
    }),
  );
}

for (const version of VERSIONS) {
  test(`every eval expression of the ${version} scripts parses, prints canonically and round-trips`, () => {
    const all = evals(version);
    let parsed = 0;
    let expectedFailures = 0;
    let parseFailuresMatched = 0;
    const problems: string[] = [];
    for (const ev of all) {
      let e: Expr;
      try {
        e = parseExpr(ev.query, ALL_FEATURES);
      } catch (err) {
        assert.ok(err instanceof PromQLParseError, `${ev.file}:${ev.line}: ${String(err)}`);
        const removed = /unknown function with name "(\w+)"/.exec(err.detail);
        if (ev.fails) {
          expectedFailures++;
          const msg = ev.failMessage;
          const ok = msg === undefined || (msg.kind === 'msg' || msg.kind === 'message' ? err.message === msg.text || err.detail === msg.text : true);
          if (ok) parseFailuresMatched++;
          else problems.push(`${ev.file}:${ev.line}: ${ev.query}: got "${err.message}", want ${msg?.kind} "${msg?.text}"`);
        } else if (!(version === 'v2.42.0' && removed !== null && REMOVED_IN_3.has(removed[1] as string))) {
          problems.push(`${ev.file}:${ev.line}: ${ev.query}: ${err.message}`);
        }
        continue;
      }
      parsed++;
      const printed = exprToString(e);
      let again: Expr;
      try {
        again = parseExpr(printed, ALL_FEATURES);
      } catch (err) {
        problems.push(`${ev.file}:${ev.line}: ${ev.query}: printed form ${printed} does not parse: ${String(err)}`);
        continue;
      }
      if (JSON.stringify(canonicalTree(again)) !== JSON.stringify(canonicalTree(e))) {
        problems.push(`${ev.file}:${ev.line}: ${ev.query}: printed form ${printed} parses to a different tree`);
      }
      assert.equal(exprToString(again), printed, `${ev.file}:${ev.line}: printing is not idempotent`);
      const pretty = prettyExpr(e);
      assert.equal(pretty.includes('\n'), Buffer.byteLength(printed) > 100, `${ev.file}:${ev.line}: split decision`);
      assert.equal(exprToString(parseExpr(pretty, ALL_FEATURES)), printed, `${ev.file}:${ev.line}: prettified form differs`);
    }
    assert.deepEqual(problems, []);
    // Sanity: the corpus is the one described in the conformance README.
    assert.ok(all.length > (version === 'v3.14.0' ? 2100 : 500), `only ${all.length} evals found`);
    assert.equal(parsed + expectedFailures + (version === 'v2.42.0' ? 2 : 0), all.length);
    assert.equal(parseFailuresMatched, expectedFailures);
  });

  test(`every series line of the ${version} scripts parses as series notation`, () => {
    let floats = 0;
    let histograms = 0;
    let startTimestamps = 0;
    const problems: string[] = [];
    for (const { file, lines } of scripts(version)) {
      let block: 'load' | 'eval' | undefined;
      lines.forEach((l, i) => {
        if (l === '' || l.startsWith('#')) {
          block = undefined;
          return;
        }
        if (/^load/i.test(l)) {
          block = 'load';
          return;
        }
        if (/^eval/i.test(l)) {
          block = 'eval';
          return;
        }
        if (/^clear$/i.test(l)) return;
        if (block === undefined) return;
        if (block === 'load' && isStartTimestampLine(l)) {
          try {
            const st = parseStartTimestampDescription(l);
            const next = parseSeriesDescription(lines[i + 1] as string);
            assert.equal(st.offsets.length, next.values.length, `${file}:${i + 1}: offsets and samples differ in number`);
            assert.deepEqual(st.labels, next.labels, `${file}:${i + 1}: @st line must precede its series`);
            startTimestamps++;
          } catch (err) {
            if (!(err instanceof SeriesNotationError && err.code === 'promql_native_histogram_unsupported')) {
              problems.push(`${file}:${i + 1}: ${l}: ${String(err)}`);
            }
          }
          return;
        }
        // Expected-result lines: skip expectations, scalar results and strings (the runner handles those).
        if (block === 'eval' && !/^[{a-zA-Z_:]/.test(l)) return;
        if (block === 'eval' && /^(expect|expected_fail|nan$|inf$)/i.test(l)) return;
        try {
          const d = parseSeriesDescription(l);
          assert.ok(d.values.length > 0 || block === 'eval', `${file}:${i + 1}: no values`);
          floats++;
        } catch (err) {
          if (err instanceof SeriesNotationError && err.code === 'promql_native_histogram_unsupported') histograms++;
          else problems.push(`${file}:${i + 1}: ${l}: ${String(err)}`);
        }
      });
    }
    assert.deepEqual(problems, []);
    assert.ok(floats > 400, `only ${floats} float series lines`);
    if (version === 'v2.42.0') assert.deepEqual([histograms, startTimestamps], [0, 0]);
    else assert.ok(histograms > 100 && startTimestamps > 20, `${histograms} histogram lines, ${startTimestamps} @st lines`);
  });
}
