// Shared by `vigil query instant|range|series|labels`: calling a server's API and printing answers as promtool does.

import { quoteLabelValue } from '../model/labels.js';
import { formatFloatF, jsonString } from '../web/json-format.js';
import { parseTime } from '../web/api-params.js';
import { parseArgs } from 'node:util';
import type { CommandIO } from './command.js';
import { UsageError } from './command.js';

export type OutputFormat = 'promql' | 'json';

interface ApiAnswer {
  status: string;
  data?: unknown;
  errorType?: string;
  error?: string;
  warnings?: string[];
}

/** Posts a form to `<server>/api/v1/<path>` (promtool's client posts first too) and returns `data`, or throws QueryFailed. */
export async function callApi(
  server: string,
  path: string,
  form: URLSearchParams,
  headers: Record<string, string>,
  signal: AbortSignal,
  io: CommandIO,
  method: 'GET' | 'POST' = 'POST',
): Promise<unknown> {
  const base = server.replace(/\/+$/, '');
  const url = method === 'GET' ? `${base}/api/v1/${path}?${form.toString()}` : `${base}/api/v1/${path}`;
  let res: Response;
  try {
    res =
      method === 'GET'
        ? await fetch(url, { headers, signal })
        : await fetch(url, { method, headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers }, body: form.toString(), signal });
  } catch (err) {
    const cause = (err as { cause?: Error }).cause;
    throw new QueryFailed(`${method === 'GET' ? 'Get' : 'Post'} "${url}": ${cause?.message ?? (err as Error).message}`);
  }
  const text = await res.text();
  let answer: ApiAnswer;
  try {
    answer = JSON.parse(text) as ApiAnswer;
  } catch {
    throw new QueryFailed(`server returned HTTP status ${res.status}: ${text.trim()}`);
  }
  if (answer.status !== 'success') throw new QueryFailed(`${answer.errorType ?? 'error'}: ${answer.error ?? text}`);
  for (const w of answer.warnings ?? []) io.stderr.write(`query warning: ${w}\n`);
  return answer.data;
}

/** A query the server refused or could not run; printed as `query error: ...`, exit code 1. */
export class QueryFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueryFailed';
  }
}

/** Runs `fn`, printing a QueryFailed as promtool does; resolves to the exit code. */
export async function reportQueryErrors(io: CommandIO, fn: () => Promise<void>): Promise<number> {
  try {
    await fn();
    return 0;
  } catch (err) {
    if (err instanceof QueryFailed) {
      io.stderr.write(`query error: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

export function parseFormat(v: string | undefined): OutputFormat {
  if (v === undefined || v === 'promql') return 'promql';
  if (v === 'json') return 'json';
  throw new UsageError(`enum value must be one of promql,json, got '${v}'`);
}

/** A time flag (RFC3339 or unix seconds) in ms. */
export function timeFlag(name: string, v: string): number {
  try {
    return parseTime(v);
  } catch (err) {
    throw new UsageError(`error parsing ${name} time: ${(err as Error).message}`);
  }
}

/** `--header=Name: value` flags as a header map. */
export function headerFlags(values: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of values ?? []) {
    const i = h.indexOf(':');
    if (i <= 0) throw new UsageError(`invalid header ${JSON.stringify(h)}: expected "Name: value"`);
    out[h.slice(0, i).trim()] = h.slice(i + 1).trim();
  }
  return out;
}

/** Flags of a `vigil query` command beyond promtool's common `--format` and `--header`: string flags, some repeatable. */
type QueryFlags = Record<string, { type: 'string'; multiple?: boolean }>;
type FlagValues<F extends QueryFlags> = { [K in keyof F]?: F[K] extends { multiple: true } ? string[] : string };

export interface QueryArgs<F extends QueryFlags> {
  values: FlagValues<F>;
  /** The required positionals, in the order they were named. */
  positionals: string[];
  format: OutputFormat;
  headers: Record<string, string>;
}

/**
 * Parses a `vigil query` command line as promtool does: `-o/--format`, `--header`, the command's own `flags`, and
 * exactly the positionals named in `required`. Unknown flags and missing or extra arguments are UsageErrors.
 */
export function parseQueryArgs<F extends QueryFlags>(args: string[], flags: F, required: readonly string[]): QueryArgs<F> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { format: { type: 'string', short: 'o' }, header: { type: 'string', multiple: true }, ...flags },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const positionals = parsed.positionals;
  required.forEach((name, i) => {
    if (positionals[i] === undefined) throw new UsageError(`required argument <${name}> not provided`);
  });
  if (positionals.length > required.length) throw new UsageError(`unexpected ${positionals[required.length]}`);
  const values = parsed.values as Record<string, string | string[] | boolean | undefined>;
  return {
    values: values as FlagValues<F>,
    positionals,
    format: parseFormat(values['format'] as string | undefined),
    headers: headerFlags(values['header'] as string[] | undefined),
  };
}

/** A timestamp in seconds as Go's model.Time prints it (shortest, no trailing zeros). */
function timeText(seconds: number): string {
  return formatFloatF(seconds);
}

type LabelMap = Record<string, string>;

/** model.Metric's text: `name{a="1", b="2"}`, `{a="1"}` without a name. */
function metricText(m: LabelMap): string {
  const names = Object.keys(m).filter((n) => n !== '__name__').sort();
  const inner = names.map((n) => `${n}=${quoteLabelValue(m[n] as string)}`).join(', ');
  const name = m.__name__ ?? '';
  if (name !== '' && names.length === 0) return name;
  return `${name}{${inner}}`;
}

/** model.LabelSet's text: `{a="1", b="2"}` with every label, names sorted. */
function labelSetText(m: LabelMap): string {
  return `{${Object.keys(m)
    .sort()
    .map((n) => `${n}=${quoteLabelValue(m[n] as string)}`)
    .join(', ')}}`;
}

function labelsJsonText(m: LabelMap): string {
  return `{${Object.keys(m)
    .sort()
    .map((n) => `${jsonString(n)}:${jsonString(m[n] as string)}`)
    .join(',')}}`;
}

const pointJson = ([t, v]: [number, string]): string => `[${timeText(t)},${jsonString(formatFloatF(Number(v)))}]`;
const pointText = ([t, v]: [number, string]): string => `${formatFloatF(Number(v))} @[${timeText(t)}]`;

/** Prints a query result as promtool does (`-o promql` text or `-o json`). */
export function printQueryResult(data: unknown, format: OutputFormat, io: CommandIO): void {
  const d = data as { resultType: string; result: unknown };
  let out: string;
  switch (d.resultType) {
    case 'vector': {
      const r = d.result as { metric: LabelMap; value: [number, string] }[];
      out =
        format === 'json'
          ? `[${r.map((s) => `{"metric":${labelsJsonText(s.metric)},"value":${pointJson(s.value)}}`).join(',')}]`
          : r.map((s) => `${metricText(s.metric)} => ${pointText(s.value)}`).join('\n');
      break;
    }
    case 'matrix': {
      const r = d.result as { metric: LabelMap; values: [number, string][] }[];
      out =
        format === 'json'
          ? `[${r.map((s) => `{"metric":${labelsJsonText(s.metric)},"values":[${s.values.map(pointJson).join(',')}]}`).join(',')}]`
          : r.map((s) => `${metricText(s.metric)} =>\n${s.values.map(pointText).join('\n')}`).join('\n');
      break;
    }
    case 'scalar': {
      const p = d.result as [number, string];
      out = format === 'json' ? pointJson(p) : `scalar: ${pointText(p)}`;
      break;
    }
    case 'string': {
      const [t, s] = d.result as [number, string];
      out = format === 'json' ? `[${timeText(t)},${jsonString(s)}]` : `${s} @[${timeText(t)}]`;
      break;
    }
    default:
      throw new QueryFailed(`unknown result type ${JSON.stringify(d.resultType)}`);
  }
  io.stdout.write(`${out}\n`);
}

export function printSeries(data: unknown, format: OutputFormat, io: CommandIO): void {
  const sets = data as LabelMap[];
  if (format === 'json') io.stdout.write(`[${sets.map(labelsJsonText).join(',')}]\n`);
  else for (const s of sets) io.stdout.write(`${labelSetText(s)}\n`);
}

export function printLabelValues(data: unknown, format: OutputFormat, io: CommandIO): void {
  const values = data as string[];
  if (format === 'json') io.stdout.write(`[${values.map(jsonString).join(',')}]\n`);
  else for (const v of values) io.stdout.write(`${v}\n`);
}
