// Differential test against a real Prometheus (Debian's 2.42): for the language both versions share, formatQuery
// must print what /api/v1/format_query prints, and invalid queries must fail with the same message and position.
// Known 2.42 → 3.x differences are excluded: 2.42 prints numbers with exponents (`1e+06`, 3.x prints `1000000`),
// and scripts' calls of functions removed in 3.0.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatQuery } from '../src/promql/format-query.js';
import { findProgram, freePort, startProgram, waitForHttp } from './support/programs.js';

const SCRIPTS = fileURLToPath(new URL('../../test/fixtures/promqltest/v2.42.0/', import.meta.url));
const EVAL = /^eval(?:_(?:fail|ordered))?\s+instant\s+at\s+\S+\s+(.+)$/;

/** Queries whose messages are the same in 2.42 and 3.x (lexer, grammar and type errors). */
const INVALID = [
  'foo bar', 'sum(', 'sum(foo))', 'foo)', '(foo', 'foo[0s]', 'foo @', 'foo @ bar', 'foo @ start', 'sum(foo) offset 5m',
  'rate(foo[5m]) @ 10', '(foo)[5m]', 'foo offset 5m [10m]', 'foo @ 10 [10m]', 'foo offset 1m offset 2m', 'foo @ 1 @ 2', '{}',
  '{a=~".*"}', 'foo{__name__="bar"}', 'foo{a="b",,}', 'foo{a}', 'foo{a=}', 'foo{a=b}', 'foo{=a}', 'foo{a:b="c"}', 'foo{a="b"',
  '{a="\\q"}', "'abc", '`abc', 'foo{a!~"[a-"}', 'rate(foo)', 'rate(foo[5m], 1)', 'time(1)', 'unknown_fn(foo)', 'abs(foo[5m])',
  'label_join(foo)', 'round(foo, 1, 2)', 'sum()', 'sum(1, foo)', 'topk(foo, 1)', 'count_values(1, foo)', 'quantile("a", foo)',
  'sum by (a) (foo) by (b)', 'sum by foo', 'sum by (a b) (foo)', 'sum foo', 'sum(foo) without (a,,b)', '1 == 1', '1 and 1',
  'foo + on(a) 1', 'foo and on(a) group_left bar', 'foo + on(a) group_left(a) bar', 'foo + bool bar', 'foo == on(a) bool bar',
  'a - on(b) ignoring(c) d', 'foo + ', '-', 'foo ==', '"a" + 1', '-foo[5m]', 'foo[5m][1m:]', '1[5m:]', 'foo ! bar', 'foo =~ bar',
  'foo = bar', '# only a comment', 'foo @ Inf', 'foo @ NaN', '1e400', '0x', '0xg', 'foo ]', 'foo{a="b"}}', 'foo{{a="b"}',
  'foo $ bar', 'sum(foo) by', 'foo offset 5m1h', 'abs(-1)', 'on{a="b"}', 'sum(foo bar)', 'rate(foo bar)', 'sum(rate(foo bar))',
  'rate(sum(foo) bar)', 'sum(foo + )', 'topk(1, foo bar)', 'sum by (a) (foo bar)', 'sum(-)', 'count_values(, foo)', 'sum(,foo)',
  'sum by (a)', 'sum by (a) foo', 'sum without(a) by (b) (foo)', 'foo + on(a) group_left(b) group_right(c) bar', 'a + b c',
];

const LONG = [
  'sum by (job, instance) (rate(http_requests_total{job="api-server",handler="/api/v1/query"}[5m])) / ignoring (code) group_left sum by (job, instance) (rate(http_requests_total[5m]))',
  'histogram_quantile(0.99, sum by (le) (rate(apiserver_request_duration_seconds_bucket{job="apiserver",verb=~"LIST|GET"}[5m])))',
  '-(sum(rate(a_very_long_metric_name_for_testing_the_prettier_one[5m])) + sum(rate(a_very_long_metric_name_for_testing_the_prettier_two[5m])))',
  'max_over_time((sum by (namespace) (rate(container_cpu_usage_seconds_total{namespace="kube-system",container!=""}[5m])))[1h:1m] offset 1d)',
  'label_replace(label_replace(up{job="api-server",service="a:c"}, "foo", "$1", "service", "(.*):.*"), "bar", "$1", "foo", "(.*)")',
];

function scriptQueries(): string[] {
  const out = new Set<string>();
  for (const f of readdirSync(SCRIPTS)) {
    for (const line of readFileSync(join(SCRIPTS, f), 'utf8').split('\n')) {
      const m = EVAL.exec(line.trim());
      if (m !== null && !(m[1] as string).startsWith('holt_winters(')) out.add(m[1] as string);
    }
  }
  return [...out];
}

function mine(q: string): { ok: true; text: string } | { ok: false; text: string } {
  try {
    return { ok: true, text: formatQuery(q) };
  } catch (e) {
    return { ok: false, text: (e as Error).message };
  }
}

const prom = findProgram('prometheus');

test('formatQuery and parse errors agree with Prometheus 2.42', { skip: prom.skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-promql-'));
  const port = await freePort();
  writeFileSync(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1h\n');
  const p = startProgram(prom.path as string, [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--enable-feature=promql-at-modifier,promql-negative-offset',
  ]);
  try {
    await waitForHttp(`http://127.0.0.1:${port}/-/ready`, p);
    const queries = [...scriptQueries(), ...LONG, ...INVALID];
    const mismatches: string[] = [];
    let compared = 0;
    for (const q of queries) {
      const r = (await (
        await fetch(`http://127.0.0.1:${port}/api/v1/format_query`, {
          method: 'POST',
          body: new URLSearchParams({ query: q }),
          signal: AbortSignal.timeout(10_000),
        })
      ).json()) as { status: string; data?: string; error?: string };
      const theirs = r.status === 'success' ? { ok: true, text: r.data as string } : { ok: false, text: (r.error as string).replace('invalid parameter "query": ', '') };
      if (theirs.ok && /\d[eE][+-]\d/.test(theirs.text)) continue; // 2.42 prints floats with %g
      compared++;
      const ours = mine(q);
      if (ours.ok !== theirs.ok || ours.text !== theirs.text) mismatches.push(`${q}\n  prometheus: ${theirs.text}\n  vigil:      ${ours.text}`);
    }
    assert.deepEqual(mismatches, []);
    assert.ok(compared > 500, `only ${compared} queries compared`);
  } finally {
    await p.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
