// `vigil check metrics` against the real `promtool check metrics` (Prometheus 2.42): same exit code on every input,
// same lint report; and what Vigil's text writer produces passes promtool.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { main } from '../src/cli/main.js';
import { captureIO } from '../src/cli/captured-io.js';
import { ExpositionWriter } from '../src/model/exposition-writer.js';
import { Labels } from '../src/model/labels.js';
import { findProgram, runProgram } from './support/programs.js';
import { sharedPath } from './support/shared-data.js';

const promtool = findProgram('promtool');

async function vigilCheck(input: Buffer, args: string[] = []): Promise<{ status: number; stderr: string }> {
  const io = captureIO(input);
  const status = await main(['check', 'metrics', ...args], io);
  return { status, stderr: io.err() };
}

const INPUTS: Record<string, string> = {
  clean: '# HELP http_requests_total Requests.\n# TYPE http_requests_total counter\nhttp_requests_total{code="200"} 3\n# HELP temp_celsius Temperature.\n# TYPE temp_celsius gauge\ntemp_celsius -3.5\n',
  'clean histogram and summary':
    '# HELP rpc_duration_seconds RPC latency.\n# TYPE rpc_duration_seconds histogram\nrpc_duration_seconds_bucket{le="0.1"} 1\nrpc_duration_seconds_bucket{le="+Inf"} 2\nrpc_duration_seconds_sum 0.3\nrpc_duration_seconds_count 2\n' +
    '# HELP gc_seconds GC pauses.\n# TYPE gc_seconds summary\ngc_seconds{quantile="0.5"} 0.01\ngc_seconds_sum 1\ngc_seconds_count 9\n',
  'missing help': 'up 1\n',
  'counter without _total': '# HELP requests Requests.\n# TYPE requests counter\nrequests 1\n',
  'non-base unit': '# HELP latency_milliseconds L.\n# TYPE latency_milliseconds gauge\nlatency_milliseconds 1\n',
  'colon in name': '# HELP job:rate5m R.\n# TYPE job:rate5m gauge\njob:rate5m 1\n',
  'camelCase and abbreviations': '# HELP fooBar_ms F.\n# TYPE fooBar_ms gauge\nfooBar_ms{someLabel="x"} 1\nfooBar_ms{someLabel="y"} 1\n',
  'reserved suffixes and labels': '# HELP x_count X.\n# TYPE x_count gauge\nx_count{le="1",quantile="0.5"} 1\n# HELP y_total Y.\n# TYPE y_total gauge\ny_total 1\n# HELP z_gauge Z.\n# TYPE z_gauge untyped\nz_gauge 1\n',
  'type in name': '# HELP a_histogram_summary A.\n# TYPE a_histogram_summary gauge\na_histogram_summary 1\n',
  'help without samples is not linted': '# HELP orphan_milliseconds O.\n# TYPE orphan_milliseconds counter\n',
  'parse error: bad value': '# HELP a A.\na one\n',
  'parse error: no final newline': '# HELP a A.\na 1',
  'parse error: second TYPE': '# TYPE a gauge\n# TYPE a gauge\n',
  'parse error: bad escape': '# HELP a A.\na{b="\\q"} 1\n',
  'parse error: float timestamp': 'a 1 1.5\n',
  empty: '',
};

test('vigil check metrics exits as promtool does and reports the same lint problems', { skip: promtool.skip }, async () => {
  const inputs: Array<[string, Buffer]> = Object.entries(INPUTS).map(([k, v]) => [k, Buffer.from(v)]);
  const expfmt = sharedPath('conformance/expfmt/fuzz-corpus');
  if (expfmt !== undefined) for (const f of readdirSync(expfmt)) inputs.push([`expfmt ${f}`, readFileSync(join(expfmt, f))]);
  const textparse = sharedPath('conformance/textparse');
  if (textparse !== undefined) for (const f of readdirSync(textparse).filter((n) => n.endsWith('.prom.txt'))) inputs.push([f, readFileSync(join(textparse, f))]);
  const codes = new Set<number>();
  for (const [name, input] of inputs) {
    const theirs = runProgram(promtool.path as string, ['check', 'metrics'], input);
    for (const args of [['--format', 'text'], []]) {
      const ours = await vigilCheck(input, args);
      const what = `${name} (${args.join(' ') || 'format detected'})`;
      if (args.length === 0 && theirs.status === 1 && ours.status !== 1) continue; // parsed as OpenMetrics instead: Vigil reads more than promtool
      assert.equal(ours.status, theirs.status, `${what}: exit code (promtool said: ${theirs.stderr})`);
      codes.add(ours.status);
      if (theirs.status === 3) {
        const lines = (s: string): string[] => s.split('\n').filter((l) => l !== '').sort();
        assert.deepEqual(lines(ours.stderr), lines(theirs.stderr), `${what}: lint report`);
      }
    }
  }
  assert.deepEqual([...codes].sort(), [0, 1, 3], 'the inputs cover clean, lint problems and parse errors');
});

test("what Vigil's text writer writes passes promtool check metrics; lint-clean families give exit 0", { skip: promtool.skip }, () => {
  const w = new ExpositionWriter('text');
  w.family({ name: 'http_requests_total', type: 'counter', help: 'Requests served, by "code".\nSecond line \\ backslash.' });
  for (const code of ['200', '404', 'quote"d', 'new\nline', 'back\\slash', 'üñí']) w.sample(Labels.from({ __name__: 'http_requests_total', code }), 12, { timestamp: 1700000000000 });
  w.family({ name: 'queue_length', type: 'gauge', help: 'Items.' });
  for (const v of [NaN, Infinity, -Infinity, -0, 1e-300, 1.7976931348623157e308, 0.1]) w.sample(Labels.from({ __name__: 'queue_length', v: String(v) }), v);
  w.family({ name: 'rpc_duration_seconds', type: 'histogram', help: 'Latency.' });
  w.sample(Labels.from({ __name__: 'rpc_duration_seconds_bucket', le: '0.5' }), 3);
  w.sample(Labels.from({ __name__: 'rpc_duration_seconds_bucket', le: '+Inf' }), 4);
  w.sample(Labels.from({ __name__: 'rpc_duration_seconds_sum' }), 1.25);
  w.sample(Labels.from({ __name__: 'rpc_duration_seconds_count' }), 4);
  w.family({ name: 'gc_pause_seconds', type: 'summary', help: 'GC.' });
  w.sample(Labels.from({ __name__: 'gc_pause_seconds', quantile: '0.99' }), 0.002);
  w.sample(Labels.from({ __name__: 'gc_pause_seconds_sum' }), 0.5);
  w.sample(Labels.from({ __name__: 'gc_pause_seconds_count' }), 100);
  const r = runProgram(promtool.path as string, ['check', 'metrics'], w.finish());
  assert.equal(r.status, 0, `promtool: ${r.stderr}\n${w.finish()}`);

  const lint = new ExpositionWriter('text');
  lint.family({ name: 'requests', type: 'counter' });
  lint.sample(Labels.from({ __name__: 'requests' }), 1);
  const l = runProgram(promtool.path as string, ['check', 'metrics'], lint.finish());
  assert.equal(l.status, 3, 'and promtool does see lint problems in what we write when there are some');
});
