// `vigil query range [flags] <server> <expr>`: a range query against a server, printed as promtool prints it.

import { parseDuration } from '../model/duration.js';
import type { Command, CommandIO } from './command.js';
import { UsageError } from './command.js';
import { callApi, parseQueryArgs, printQueryResult, reportQueryErrors, timeFlag } from './query-client.js';

const HELP = `usage: vigil query range [<flags>] <server> <expr>

Run range query.

Flags:
  -o, --format=promql  Output format of the query (promql or json).
      --header=HEADER  Extra headers to send to server ("Name: value"); repeatable.
      --start=START    Query range start time (RFC3339 or Unix timestamp); default 5m before the end.
      --end=END        Query range end time (RFC3339 or Unix timestamp); default now.
      --step=STEP      Query step size (duration); default the range / 250, at least 1s.

Args:
  <server>  Prometheus server to query.
  <expr>    PromQL query expression.
`;

export const queryRangeCommand: Command = {
  path: ['query', 'range'],
  summary: 'Run range query.',
  help: HELP,
  async run(args: string[], io: CommandIO, signal: AbortSignal): Promise<number> {
    const { values, positionals, format, headers } = parseQueryArgs(args, { start: { type: 'string' }, end: { type: 'string' }, step: { type: 'string' } }, ['server', 'expr']);
    const [server, expr] = positionals as [string, string];
    const end = values.end ? timeFlag('end', values.end) : Date.now();
    const start = values.start ? timeFlag('start', values.start) : end - 5 * 60_000;
    if (start > end) throw new UsageError('start time is not before end time');
    let step: number;
    if (values.step) {
      try {
        step = parseDuration(values.step);
      } catch (err) {
        throw new UsageError(`invalid value for --step: ${(err as Error).message}`);
      }
    } else {
      step = 0;
    }
    if (step === 0) step = Math.max(Math.floor((end - start) / 1000 / 250), 1) * 1000;
    return reportQueryErrors(io, async () => {
      const form = new URLSearchParams({ query: expr, start: String(start / 1000), end: String(end / 1000), step: String(step / 1000) });
      printQueryResult(await callApi(server, 'query_range', form, headers, signal, io), format, io);
    });
  },
};
