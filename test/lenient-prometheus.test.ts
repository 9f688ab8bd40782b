// The lenient parsers accept what the real Prometheus (2.42) accepts when it scrapes, and reject what it rejects:
// edge-case bodies are served to Prometheus, whose `up` says whether the scrape parsed, and to Vigil's parser, which
// must agree on every one and on the number of samples.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Entry, ExpositionParser } from '../src/model/exposition-parser.js';
import { ExpositionError } from '../src/model/exposition-error.js';
import { formatFromContentType } from '../src/model/exposition-format.js';
import { ExpositionWriter } from '../src/model/exposition-writer.js';
import { Labels } from '../src/model/labels.js';
import { findProgram } from './support/programs.js';
import { prometheusVerdicts } from './support/prometheus-scrape.js';
import type { ScrapeBody } from './support/prometheus-scrape.js';
import { sharedPath } from './support/shared-data.js';

const TEXT = 'text/plain; version=0.0.4; charset=utf-8';
const OM = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

/** [name, content type, body]. */
const EDGE_CASES: Array<[string, string, string | Buffer]> = [
  ['text_plain', TEXT, 'a 1\n'],
  ['text_no_final_newline', TEXT, 'a 1'],
  ['text_unknown_escape', TEXT, 'a{b="\\t"} 1\n'],
  ['text_second_help', TEXT, '# HELP a x\n# HELP a y\na 1\n'],
  ['text_extra_token', TEXT, 'a 1 2 3\n'],
  ['text_trailing_comma', TEXT, 'a{b="1",} 1\n'],
  ['text_space_before_brace', TEXT, 'a {b="1"} 1\n'],
  ['text_no_space_after_brace', TEXT, 'a{b="1"}1\n'],
  ['text_overflow', TEXT, 'a 1e400\n'],
  ['text_hex_float', TEXT, 'a 0x1p3\n'],
  ['text_underscore', TEXT, 'a 1_000\n'],
  ['text_float_timestamp', TEXT, 'a 1 1.5\n'],
  ['text_duplicate_label', TEXT, 'a{b="1",b="2"} 1\n'],
  ['text_leading_blanks', TEXT, '  a 1\n'],
  ['text_tab_separator', TEXT, 'a\t1\n'],
  ['text_infinity', TEXT, 'a Infinity\na +Inf\na nan\n'],
  ['text_name_label', TEXT, 'a{__name__="b"} 1\n'],
  ['text_unknown_type', TEXT, '# TYPE a gaugehistogram\na 1\n'],
  ['text_type_without_type', TEXT, '# TYPE a\na 1\n'],
  ['text_blank_lines', TEXT, '\n\n a 1\n\n'],
  ['text_invalid_utf8', TEXT, Buffer.from('a{b="\xff"} 1\n', 'latin1')],
  ['text_crlf', TEXT, 'a 1\r\n'],
  ['text_help_without_text', TEXT, '# HELP a\na 1\n'],
  ['text_missing_comma', TEXT, 'a{b="1" c="2"} 1\n'],
  ['text_empty_braces', TEXT, 'a{} 1\n'],
  ['text_lone_comma', TEXT, 'a{,} 1\n'],
  ['text_comment_at_end', TEXT, 'a 1\n# x'],
  ['text_negative_timestamp', TEXT, 'a 1 -5\n'],
  ['text_timestamp_overflow', TEXT, 'a 1 9223372036854775808\n'],
  ['text_exemplar', TEXT, 'a{b="1"} 1 # {c="d"} 1\n'],
  ['text_empty', TEXT, ''],
  ['text_duplicate_series', TEXT, 'a 1\na 2\n'],
  ['text_label_newline', TEXT, 'a{b="x\ny"} 1\n'],
  ['text_missing_value', TEXT, 'a\n'],
  ['text_bad_name', TEXT, '0a 1\n'],
  ['text_colon_label', TEXT, 'a{b:c="1"} 1\n'],
  ['text_blank_only', TEXT, '\n\na 1\n\n'],
  ['text_blank_line_spaces', TEXT, 'a 1\n  \nb 1\n'],
  ['text_indented_comment', TEXT, '  # x\na 1\n'],
  ['text_indented_help', TEXT, ' # HELP a x\na 1\n'],
  ['text_plus_timestamp', TEXT, 'a 1 +5\n'],
  ['text_trailing_space', TEXT, 'a 1 \n'],
  ['text_trailing_space_ts', TEXT, 'a 1 5 \n'],
  ['text_quoted_help_name', TEXT, '# HELP "a.b" x\n'],
  ['text_quoted_name', TEXT, '{"a"} 1\n'],
  ['text_plus_value', TEXT, 'a +1\n'],
  ['text_nan_case', TEXT, 'a nAn\na INF\n'],
  ['text_help_tab', TEXT, '# HELP a\tx\na 1\n'],
  ['text_type_uppercase', TEXT, '# TYPE a COUNTER\na 1\n'],
  ['text_type_trailing', TEXT, '# TYPE a counter x\na 1\n'],
  ['text_type_trailing_space', TEXT, '# TYPE a counter \na 1\n'],
  ['text_label_spaces', TEXT, 'a{ b = "1" , c="2" } 1\n'],
  ['text_comma_first', TEXT, 'a{,b="1"} 1\n'],
  ['text_hash_in_value', TEXT, 'a{b="#"} 1\n'],
  ['text_two_spaces', TEXT, 'a  1\n'],
  ['text_comment_hash_only', TEXT, '#\na 1\n'],
  ['text_comment_no_space', TEXT, '#HELP a x\na 1\n'],
  ['text_help_untyped_word', TEXT, '# HELPER a x\na 1\n'],
  ['text_type_untyped', TEXT, '# TYPE a untyped\na 1\n'],
  ['text_type_unknown', TEXT, '# TYPE a unknown\na 1\n'],
  ['text_type_info', TEXT, '# TYPE a info\na 1\n'],
  ['text_ts_leading_zero', TEXT, 'a 1 007\n'],
  ['text_value_dot', TEXT, 'a 1.\na .5\n'],
  ['text_value_sign_only', TEXT, 'a -\n'],
  ['text_label_value_unicode', TEXT, 'a{b="ü☃"} 1\n'],
  ['text_nul_in_value', TEXT, 'a{b="\u0000"} 1\n'],
  ['text_ts_only_space', TEXT, 'a 1\t\n'],
  ['om_plain', OM, 'a 1\n# EOF\n'],
  ['om_exemplar_bucket', OM, '# TYPE a histogram\na_bucket{le="+Inf"} 1 # {b="c"} 1\n# EOF\n'],
  ['om_exemplar_untyped_total', OM, 'a_total 1 # {b="c"} 1\n# EOF\n'],
  ['om_exemplar_created', OM, '# TYPE a counter\na_created 1 # {b="c"} 1\n# EOF\n'],
  ['om_exemplar_sum', OM, '# TYPE a histogram\na_sum 1 # {b="c"} 1\n# EOF\n'],
  ['om_exemplar_ts', OM, '# TYPE a counter\na_total 1 # {b="c"} 1 1.5\n# EOF\n'],
  ['om_exemplar_empty_labels', OM, '# TYPE a counter\na_total 1 # {} 1\n# EOF\n'],
  ['om_exemplar_long', OM, `# TYPE a counter\na_total 1 # {b="${'x'.repeat(200)}"} 1\n# EOF\n`],
  ['om_timestamp_negative', OM, 'a 1 -1.5\n# EOF\n'],
  ['om_escape', OM, 'a{b="\\t"} 1\n# EOF\n'],
  ['om_empty', OM, ''],
  ['om_eof_only', OM, '# EOF\n'],
  ['om_stateset', OM, '# TYPE a stateset\na{a="x"} 1\n# EOF\n'],
  ['om_unit', OM, '# TYPE a_seconds gauge\n# UNIT a_seconds seconds\na_seconds 1\n# EOF\n'],
  ['om_unit_mismatch', OM, '# TYPE a gauge\n# UNIT a seconds\na 1\n# EOF\n'],
  ['om_type_after_samples', OM, 'a 1\n# TYPE a gauge\n# EOF\n'],
  ['om_hex', OM, 'a 0x1p3\n# EOF\n'],
  ['om_counter_negative', OM, '# TYPE a counter\na_total -1\n# EOF\n'],
  ['om_histogram_no_inf', OM, '# TYPE a histogram\na_bucket{le="1"} 1\n# EOF\n'],
  ['om_label_unicode', OM, 'a{b="ü"} 1\n# EOF\n'],
  ['om_duplicate_label', OM, 'a{b="1",b="2"} 1\n# EOF\n'],
  ['om_help_escape', OM, '# HELP a x\\y\na 1\n# EOF\n'],
  ['om_exemplar_gauge_total', OM, '# TYPE a gauge\na_total 1 # {b="c"} 1\n# EOF\n'],
  ['om_exemplar_untyped_bucket', OM, 'a_bucket 1 # {b="c"} 1\n# EOF\n'],
  ['om_exemplar_summary_count', OM, '# TYPE a summary\na_count 1 # {b="c"} 1\n# EOF\n'],
  ['om_unit_suffix_no_underscore', OM, '# TYPE a_xseconds gauge\n# UNIT a_xseconds seconds\na_xseconds 1\n# EOF\n'],
  ['om_unit_before_type', OM, '# UNIT a_seconds seconds\n# TYPE a_seconds gauge\na_seconds 1\n# EOF\n'],
  ['om_unit_empty', OM, '# UNIT a \na 1\n# EOF\n'],
  ['om_int_timestamp', OM, 'a 1 1000\n# EOF\n'],
  ['om_exp_timestamp', OM, 'a 1 1e3\n# EOF\n'],
  ['om_no_eof', OM, 'a 1\n'],
  ['om_blank_line', OM, 'a 1\n\n# EOF\n'],
  ['om_double_space', OM, 'a  1\n# EOF\n'],
  ['om_exemplar', OM, '# TYPE a counter\na_total 1 # {b="c"} 1\n# EOF\n'],
  ['om_timestamp', OM, 'a 1 1520879607.789\n# EOF\n'],
  ['om_comment', OM, '# foo\na 1\n# EOF\n'],
  ['om_trailing_comma', OM, 'a{b="1",} 1\n# EOF\n'],
  ['om_after_eof', OM, '# EOF\nx 1\n'],
  ['om_exemplar_on_gauge', OM, 'a 1 # {b="c"} 1\n# EOF\n'],
  ['om_second_type', OM, '# TYPE a gauge\n# TYPE a gauge\na 1\n# EOF\n'],
  ['om_tab', OM, 'a 1\t\n# EOF\n'],
  ['om_no_space_after_brace', OM, 'a{b="1"}1\n# EOF\n'],
  ['om_eof_without_newline', OM, 'a 1\n# EOF'],
  ['om_created', OM, '# TYPE a counter\na_total 1\na_created 1\n# EOF\n'],
  ['om_unknown_type', OM, '# TYPE a untyped\na 1\n# EOF\n'],
  ['om_nan_timestamp', OM, 'a 1 NaN\n# EOF\n'],
  ['om_space_in_labels', OM, 'a{b="1", c="2"} 1\n# EOF\n'],
  ['om_help_without_text', OM, '# HELP a\na 1\n# EOF\n'],
  ['om_leading_space', OM, ' a 1\n# EOF\n'],
  ['om_interleaved', OM, '# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na 2\n# EOF\n'],
];

/** A varied exposition from Vigil's writer: every type, special values, escapes, UTF-8, timestamps, exemplars. */
function writeSample(format: 'text' | 'openmetrics'): string {
  const w = new ExpositionWriter(format);
  const now = Date.now();
  w.family({ name: 'http_requests', type: 'counter', help: 'Requests "served".\nBy code \\ method.' });
  for (const code of ['200', '500', 'q"uote', 'new\nline', 'ünï☃']) {
    w.sample(Labels.from({ __name__: format === 'openmetrics' ? 'http_requests_total' : 'http_requests', code }), 7, {
      timestamp: now - 1500,
      exemplar: { labels: Labels.from({ trace_id: 'abc' }), value: 0.5, timestamp: now - 2000 },
    });
  }
  w.family({ name: 'temperature_celsius', type: 'gauge', unit: 'celsius', help: 'Temperature.' });
  for (const v of [NaN, Infinity, -Infinity, -0, 5e-324, 1.7976931348623157e308, -12.5]) w.sample(Labels.from({ __name__: 'temperature_celsius', v: String(v) }), v);
  w.family({ name: 'rpc_seconds', type: 'histogram', help: 'Latency.' });
  w.sample(Labels.from({ __name__: 'rpc_seconds_bucket', le: '0.1' }), 1, { exemplar: { labels: Labels.EMPTY, value: 0.05 } });
  w.sample(Labels.from({ __name__: 'rpc_seconds_bucket', le: '+Inf' }), 2);
  w.sample(Labels.from({ __name__: 'rpc_seconds_sum' }), 0.3);
  w.sample(Labels.from({ __name__: 'rpc_seconds_count' }), 2);
  w.family({ name: 'gc_seconds', type: 'summary', help: 'GC.' });
  w.sample(Labels.from({ __name__: 'gc_seconds', quantile: '0.5' }), 0.01);
  w.sample(Labels.from({ __name__: 'gc_seconds_sum' }), 1);
  w.sample(Labels.from({ __name__: 'gc_seconds_count' }), 3);
  w.family({ name: 'misc', type: 'unknown' });
  w.sample(Labels.from({ __name__: 'misc' }), 1);
  return w.finish();
}

/** Sample count under Vigil's lenient parser, or undefined when it refuses the body. */
function vigilLenient(contentType: string, body: Buffer): number | undefined {
  try {
    const p = new ExpositionParser(body, { format: formatFromContentType(contentType) });
    let n = 0;
    for (let k = p.next(); k !== Entry.End; k = p.next()) {
      if (k === Entry.Series) {
        p.labels();
        n++;
      }
    }
    return n;
  } catch (err) {
    if (err instanceof ExpositionError) return undefined;
    throw err;
  }
}

test('lenient parsing accepts and rejects what Prometheus 2.42 does when it scrapes', async (t) => {
  const prometheus = findProgram('prometheus');
  if (prometheus.skip !== undefined) return t.skip(prometheus.skip);
  const bodies: ScrapeBody[] = EDGE_CASES.map(([job, contentType, body]) => ({ job, contentType, body: Buffer.isBuffer(body) ? body : Buffer.from(body) }));
  // The expfmt corpus and the textparse inputs too, each in the format its name says.
  const expfmt = sharedPath('conformance/expfmt');
  if (expfmt !== undefined) {
    for (const f of readdirSync(join(expfmt, 'fuzz-corpus'))) bodies.push({ job: `expfmt_${f}`, contentType: TEXT, body: readFileSync(join(expfmt, 'fuzz-corpus', f)) });
    bodies.push({ job: 'expfmt_testdata_text', contentType: TEXT, body: readFileSync(join(expfmt, 'testdata', 'text')) });
  }
  // What Vigil's writers produce, in both formats.
  for (const format of ['text', 'openmetrics'] as const) {
    bodies.push({ job: `vigil_writer_${format}`, contentType: format === 'text' ? TEXT : OM, body: Buffer.from(writeSample(format)) });
  }
  const textparse = sharedPath('conformance/textparse');
  if (textparse !== undefined) {
    for (const f of readdirSync(textparse)) {
      bodies.push({ job: `textparse_${f.replace(/[^a-z0-9]/gi, '_')}`, contentType: f.endsWith('.om.txt') ? OM : TEXT, body: readFileSync(join(textparse, f)) });
    }
  }
  const verdicts = await prometheusVerdicts(prometheus.path as string, bodies);
  const differences: string[] = [];
  for (const b of bodies) {
    const theirs = verdicts.get(b.job);
    const ours = vigilLenient(b.contentType, b.body);
    const theirsText = theirs?.up === 1 ? `accepts (${theirs.samples} samples)` : 'rejects';
    const oursText = ours === undefined ? 'rejects' : `accepts (${ours} samples)`;
    t.diagnostic(`${b.job}: Prometheus ${theirsText}, Vigil ${oursText}`);
    if (theirsText !== oursText) differences.push(`${b.job}: Prometheus ${theirsText}, Vigil ${oursText}`);
  }
  for (const format of ['text', 'openmetrics'] as const) {
    const v = verdicts.get(`vigil_writer_${format}`);
    assert.deepEqual(v, { up: 1, samples: 20 }, `Prometheus reads all ${format} Vigil writes`);
  }
  // Quoted UTF-8 names are Prometheus 3 syntax, which Vigil reads on purpose; Prometheus 2.42 refuses them.
  assert.deepEqual(differences, [
    'text_quoted_help_name: Prometheus rejects, Vigil accepts (0 samples)',
    'text_quoted_name: Prometheus rejects, Vigil accepts (1 samples)',
  ]);
});
