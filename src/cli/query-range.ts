// `vigil query range [flags] <server> <expr>`: a range query against a server, printed as promtool prints it.

import { parseArgs } from 'node:util';
import { parseDuration } from '../model/duration.js';
import type { Command, CommandIO } from './command.js';
import { UsageError } from './command.js';
import { callApi, headerFlags, parseFormat, printQueryResult, reportQueryErrors, timeFlag } from './query-client.js';

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
    let parsed;
    try {
      parsed = parseArgs({
        args,
        allowPositionals: true,
        options: {
          format: { type: 'string', short: 'o' },
          start: { type: 'string' },
          end: { type: 'string' },
          step: { type: 'string' },
          header: { type: 'string', multiple: true },
        },
      });
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const [server, expr, ...extra] = parsed.positionals;
    if (server === undefined) throw new UsageError('required argument <server> not provided');
    if (expr === undefined) throw new UsageError('required argument <expr> not provided');
    if (extra.length > 0) throw new UsageError(`unexpected ${extra[0]}`);
    const format = parseFormat(parsed.values.format);
    const v = parsed.values;
    const end = v.end ? timeFlag('end', v.end) : Date.now();
    const start = v.start ? timeFlag('start', v.start) : end - 5 * 60_000;
    if (start > end) throw new UsageError('start time is not before end time');
    let step: number;
    if (v.step) {
      try {
        step = parseDuration(v.step);
      } catch (err) {
        throw new UsageError(`invalid value for --step: ${(err as Error).message}`);
      }
    } else {
      step = 0;
    }
    if (step === 0) step = Math.max(Math.floor((end - start) / 1000 / 250), 1) * 1000;
    const headers = headerFlags(v.header);
    return reportQueryErrors(io, async () => {
      const form = new URLSearchParams({ query: expr, start: String(start / 1000), end: String(end / 1000), step: String(step / 1000) });
      printQueryResult(await callApi(server, 'query_range', form, headers, signal, io), format, io);
    });
  },
};
