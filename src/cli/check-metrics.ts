// `vigil check metrics`: promtool's `check metrics` — parse an exposition from stdin and lint it.

import { parseArgs } from 'node:util';
import type { Command, CommandIO } from './command.js';
import { UsageError } from './command.js';
import { ExpositionError } from '../model/exposition-error.js';
import { detectFormat } from '../model/exposition-format.js';
import { Entry, ExpositionParser } from '../model/exposition-parser.js';
import type { ExpositionFormat, MetricType } from '../model/exposition-parser.js';
import { lintFamilies } from '../model/metrics-lint.js';
import type { LintFamily, LintProblem, LintType } from '../model/metrics-lint.js';

const HELP = `usage: vigil check metrics [--format text|openmetrics] [--strict] < exposition

Reads a metrics exposition on stdin, checks that it parses and lints it with promtool's rules (Prometheus 2.42):
HELP present, counters named *_total, base units, no ':' in names, snake_case, no abbreviated units, ...

Exit status: 0 clean, 3 parses but has lint problems (listed on stderr), 1 does not parse (error on stderr).

Flags:
  --format text|openmetrics  the input's format; by default read as promtool reads it (the text format), and as
                             OpenMetrics when that fails and the input ends with "# EOF" 
  --strict                   apply every OpenMetrics 1.0 rule to OpenMetrics input (input ending with "# EOF"
                             is then read as OpenMetrics first); without it, OpenMetrics is read as Prometheus
                             scrapes it. Text is always read by the rules of promtool's parser.
`;

export const checkMetricsCommand: Command = {
  path: ['check', 'metrics'],
  summary: 'Check an exposition on stdin for parse errors and lint problems (as promtool)',
  help: HELP,
  async run(args: string[], io: CommandIO, signal: AbortSignal): Promise<number> {
    let values: { format?: string; strict?: boolean };
    try {
      ({ values } = parseArgs({ args, options: { format: { type: 'string' }, strict: { type: 'boolean' } }, allowPositionals: false }));
    } catch (err) {
      throw new UsageError(err instanceof Error ? err.message : String(err));
    }
    if (values.format !== undefined && values.format !== 'text' && values.format !== 'openmetrics') {
      throw new UsageError(`--format must be "text" or "openmetrics", not "${values.format}"`);
    }
    const input = await readAll(io.stdin, signal);
    let problems: LintProblem[];
    try {
      problems = lintFamilies(collectFamiliesAnyFormat(input, values.format as ExpositionFormat | undefined, values.strict === true));
    } catch (err) {
      if (!(err instanceof ExpositionError)) throw err;
      io.stderr.write(`error while linting: ${err.message}\n`);
      return 1;
    }
    for (const p of problems) io.stderr.write(`${p.metric} ${p.text}\n`);
    return problems.length === 0 ? 0 : 3;
  },
};

/**
 * Families of `input` in `format`, or, when no format is given, as promtool reads it (the text format) and, should that
 * fail on input that looks like OpenMetrics (ends with `# EOF`), as OpenMetrics. With `strict`, input that looks like
 * OpenMetrics is read as OpenMetrics straight away, so that its rules apply.
 */
function collectFamiliesAnyFormat(input: Uint8Array, format: ExpositionFormat | undefined, strict: boolean): LintFamily[] {
  if (format !== undefined) return collectFamilies(input, format, strict);
  const detected = detectFormat(input);
  if (detected === 'openmetrics' && strict) return collectFamilies(input, 'openmetrics', true);
  try {
    return collectFamilies(input, 'text', strict);
  } catch (err) {
    if (err instanceof ExpositionError && detected === 'openmetrics') return collectFamilies(input, 'openmetrics', strict);
    throw err;
  }
}

/** Parses the whole input and gathers what the linter needs per family. Throws ExpositionError. */
export function collectFamilies(input: Uint8Array, format: ExpositionFormat, strict: boolean): LintFamily[] {
  // The text format is always read strictly: promtool reads it with the reference parser's rules.
  const p = new ExpositionParser(input, { format, strict: format === 'text' || strict });
  const families = new Map<string, LintFamily>();
  const om = format === 'openmetrics';
  const family = (name: string): LintFamily => {
    let f = families.get(name);
    if (f === undefined) {
      f = { name, type: 'untyped', hasHelp: false, metricLabelNames: [] };
      families.set(name, f);
    }
    return f;
  };
  for (let k = p.next(); k !== Entry.End; k = p.next()) {
    if (k === Entry.Help) family(p.metaName()).hasHelp = true;
    else if (k === Entry.Type) family(p.metaName()).type = lintType(p.metricType());
    else if (k === Entry.Series) {
      const famName = p.familyName();
      const type = p.familyType();
      const f = family(famName);
      f.type = lintType(type);
      const name = p.metricName();
      const names: string[] = [];
      for (let i = 0; i < p.labelsWritten; i++) {
        const ln = p.labelName(i);
        const consumed = (ln === 'le' && (type === 'histogram' || type === 'gaugehistogram') && name === `${famName}_bucket`) || (ln === 'quantile' && type === 'summary' && name === famName);
        if (!consumed) names.push(ln);
      }
      f.metricLabelNames.push(names);
    }
  }
  const out = [...families.values()];
  // OpenMetrics names a counter family without `_total`; the linter judges the name the samples carry.
  if (om) for (const f of out) if (f.type === 'counter') f.name = `${f.name}_total`;
  return out;
}

function lintType(t: MetricType): LintType {
  switch (t) {
    case 'counter':
    case 'gauge':
    case 'histogram':
    case 'summary':
      return t;
    case 'gaugehistogram':
      return 'gauge_histogram';
    case 'stateset':
    case 'info':
      return 'gauge';
    default:
      return 'untyped';
  }
}

async function readAll(stream: AsyncIterable<unknown>, signal: AbortSignal): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    signal.throwIfAborted();
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  }
  return Buffer.concat(chunks);
}
