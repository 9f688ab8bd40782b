// The PromQL compliance queries, answered by Vigil and by Prometheus 2.42 over the same backfilled data, compared as
// the compliance tester compares them (labels exact; values within 1e-5 relative; NaN equals NaN), as range queries
// (what the tester sends) and as instant queries at the range's end.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { demoOpenMetrics } from './support/demo-metrics.js';
import { findProgram } from './support/programs.js';
import { startBackfilledPair, type ServerPair } from './support/server-pair.js';
import { requireShared } from './support/shared-data.js';

const shared = requireShared('conformance/compliance');
const COMPLIANCE = shared.path ?? '';
const prometheus = findProgram('prometheus');
const promtool = findProgram('promtool');

/**
 * Queries whose meaning changed between Prometheus 2.42 and 3.x (the semantics Vigil follows), with the change.
 * These are not compared.
 */
const CHANGED_SINCE_242: readonly (readonly [RegExp, string])[] = [
  [/\bround\(/, 'round() drops the metric name since 2.55.1/3.1 (#15250)'],
  [/"~invalid"/, 'label names are validated as UTF-8 since 3.x (label_replace #15974, label_join #13803)'],
  [/histogram_quantile\(\S+, rate\(demo_api_request_duration_seconds_bucket/, 'classic histogram_quantile accuracy fix in 2.49 (#13153)'],
];

/** Known differences that are Vigil bugs, one query per line; the list may only shrink. */
const KNOWN = new Set(
  readFileSync('test/promql-compliance-known-differences.txt', 'utf8')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#')),
);

interface TestCase {
  query: string;
  should_fail?: boolean;
}

function expand(): TestCase[] {
  const doc = parseYaml(readFileSync(join(COMPLIANCE, 'promql-test-queries.yml'), 'utf8')) as { test_cases: (TestCase & { variant_args?: string[] })[] };
  const args = JSON.parse(readFileSync(join(COMPLIANCE, 'variant_args.json'), 'utf8')) as Record<string, string[]>;
  const out: TestCase[] = [];
  for (const tc of doc.test_cases) {
    let queries = [tc.query];
    for (const name of tc.variant_args ?? []) {
      const values = args[name] ?? [];
      queries = queries.flatMap((q) => values.map((v) => q.split(`{{.${name}}}`).join(v)));
    }
    for (const q of queries) out.push({ query: q, ...(tc.should_fail === true ? { should_fail: true } : {}) });
  }
  return out;
}

interface Answer {
  status: string;
  error?: string;
  data?: { resultType: string; result: { metric: Record<string, string>; values: [number, string][] }[] };
}
type Point = [number, string];
interface InstantAnswer {
  status: string;
  error?: string;
  data?: { resultType: string; result: Point | { metric: Record<string, string>; value: Point }[] };
}

/** Instant answers compared the same way: vectors as sets of series, scalars by value, with the same tolerance. */
function instantDifference(tc: TestCase, ref: InstantAnswer, got: InstantAnswer): string {
  if (tc.should_fail === true) return ref.status === 'error' && got.status !== 'error' ? 'Vigil answered a query that must fail' : '';
  if (ref.status !== 'success') return `reference failed: ${ref.error}`;
  if (got.status !== 'success') return `Vigil failed: ${got.error}`;
  if (ref.data?.resultType !== got.data?.resultType) return `result type ${got.data?.resultType} != ${ref.data?.resultType}`;
  if (ref.data?.resultType !== 'vector') {
    const [t, v] = ref.data?.result as Point;
    const [u, w] = got.data?.result as Point;
    return t === u && sameValue(v, w) ? '' : `[${u}, ${w}] != [${t}, ${v}]`;
  }
  const asMatrix = (a: InstantAnswer): Answer => ({
    status: 'success',
    data: { resultType: 'matrix', result: (a.data?.result as { metric: Record<string, string>; value: Point }[]).map((s) => ({ metric: s.metric, values: [s.value] })) },
  });
  return difference(tc, asMatrix(ref), asMatrix(got));
}

function sameValue(a: string, b: string): boolean {
  const x = Number(a);
  const y = Number(b);
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y);
  if (x === y) return true;
  if (!Number.isFinite(x) || !Number.isFinite(y)) return false;
  return Math.abs(x - y) <= 1e-5 * Math.min(Math.abs(x), Math.abs(y));
}

const labelKey = (m: Record<string, string>): string => JSON.stringify(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : 1)));

/** '' when the answers agree as the compliance tester judges; otherwise what differs. */
function difference(tc: TestCase, ref: Answer, got: Answer): string {
  if (tc.should_fail === true) {
    if (ref.status !== 'error') return `reference should have failed: ${JSON.stringify(ref).slice(0, 200)}`;
    return got.status === 'error' ? '' : 'Vigil answered a query that must fail';
  }
  if (ref.status !== 'success') return `reference failed: ${ref.error}`;
  if (got.status !== 'success') return `Vigil failed: ${got.error}`;
  if (ref.data?.resultType !== got.data?.resultType) return `result type ${got.data?.resultType} != ${ref.data?.resultType}`;
  const a = [...(ref.data?.result ?? [])].sort((x, y) => (labelKey(x.metric) < labelKey(y.metric) ? -1 : 1));
  const b = [...(got.data?.result ?? [])].sort((x, y) => (labelKey(x.metric) < labelKey(y.metric) ? -1 : 1));
  if (a.length !== b.length) return `${b.length} series != ${a.length}: ${b.map((s) => labelKey(s.metric)).join(' ')} vs ${a.map((s) => labelKey(s.metric)).join(' ')}`.slice(0, 400);
  for (let i = 0; i < a.length; i++) {
    const s = a[i] as (typeof a)[number];
    const t = b[i] as (typeof b)[number];
    if (labelKey(s.metric) !== labelKey(t.metric)) return `labels ${labelKey(t.metric)} != ${labelKey(s.metric)}`;
    if (s.values.length !== t.values.length) return `${labelKey(s.metric)}: ${t.values.length} points != ${s.values.length}`;
    for (let k = 0; k < s.values.length; k++) {
      const [ts, v] = s.values[k] as [number, string];
      const [tt, w] = t.values[k] as [number, string];
      if (ts !== tt || !sameValue(v, w)) return `${labelKey(s.metric)} at ${ts}: Vigil [${tt}, ${w}] != [${ts}, ${v}]`;
    }
  }
  return '';
}

describe('PromQL compliance queries: Vigil against Prometheus 2.42 on the same data', { skip: prometheus.skip ?? promtool.skip ?? shared.skip ?? false }, () => {
  let pair: ServerPair | undefined;
  let dir = '';
  let promUrl = '';
  let vigilUrl = '';
  let queryStart = 0;
  let queryEnd = 0;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-compliance-'));
    // 100 minutes of data ending 30 minutes ago; queries cover 10 minutes ending 3 minutes before the data ends.
    const data = demoOpenMetrics(Date.now() - 130 * 60_000, 1200);
    queryEnd = Math.floor((data.end - 3 * 60_000) / 10_000) * 10_000 + 3300;
    queryStart = queryEnd - 10 * 60_000;
    pair = await startBackfilledPair(prometheus.path as string, promtool.path as string, dir, data.text);
    ({ promUrl, vigilUrl } = pair);
  });

  after(async () => {
    await pair?.stop();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  test('every comparable query gives the same answer', async () => {
    const cases = expand();
    assert.ok(cases.length > 500, `expanded ${cases.length} queries`);
    const compared = cases.filter((tc) => !CHANGED_SINCE_242.some(([re]) => re.test(tc.query)));
    const failures: string[] = [];
    const fixed: string[] = [];
    const askInstant = async (base: string, q: string): Promise<InstantAnswer> => {
      const body = new URLSearchParams({ query: q, time: String(queryEnd / 1000) });
      const r = await fetch(`${base}/api/v1/query`, { method: 'POST', body, signal: AbortSignal.timeout(30_000) });
      return (await r.json()) as InstantAnswer;
    };
    const ask = async (base: string, q: string): Promise<Answer> => {
      const body = new URLSearchParams({ query: q, start: String(queryStart / 1000), end: String(queryEnd / 1000), step: '10' });
      const r = await fetch(`${base}/api/v1/query_range`, { method: 'POST', body, signal: AbortSignal.timeout(30_000) });
      return (await r.json()) as Answer;
    };
    // The data is there: a plain selector gives every series at every step on both servers.
    for (const base of [promUrl, vigilUrl]) {
      const a = await ask(base, 'demo_memory_usage_bytes');
      assert.equal(a.data?.result.length, 12, base);
      assert.equal(a.data?.result[0]?.values.length, 61, base);
    }
    let comparedNonEmpty = 0;
    let instantNonEmpty = 0;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < compared.length) {
        const tc = compared[next++] as TestCase;
        const [ref, got, iref, igot] = await Promise.all([ask(promUrl, tc.query), ask(vigilUrl, tc.query), askInstant(promUrl, tc.query), askInstant(vigilUrl, tc.query)]);
        const rangeDiff = difference(tc, ref, got);
        const instantDiff = instantDifference(tc, iref, igot);
        const diff = rangeDiff !== '' ? `query_range: ${rangeDiff}` : instantDiff !== '' ? `query: ${instantDiff}` : '';
        if ((ref.data?.result.length ?? 0) > 0) comparedNonEmpty++;
        if (iref.status === 'success' && (iref.data?.resultType !== 'vector' || (iref.data.result as unknown[]).length > 0)) instantNonEmpty++;
        if (diff !== '' && !KNOWN.has(tc.query)) failures.push(`${tc.query}\n    ${diff}`);
        if (diff === '' && KNOWN.has(tc.query)) fixed.push(tc.query);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    assert.ok(instantNonEmpty > 350, `only ${instantNonEmpty} instant queries had a non-empty reference answer`);
    assert.ok(comparedNonEmpty > 400, `only ${comparedNonEmpty} queries had a non-empty reference answer`);
    assert.deepEqual(failures, [], `${failures.length} of ${compared.length} queries differ:\n${failures.join('\n')}`);
    assert.deepEqual(fixed, [], 'these now agree: remove them from test/promql-compliance-known-differences.txt');
  });
});
