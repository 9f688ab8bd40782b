// `vigil query instant [flags] <server> <expr>`: an instant query against a server, printed as promtool prints it.

import { parseArgs } from 'node:util';
import type { Command, CommandIO } from './command.js';
import { UsageError } from './command.js';
import { callApi, headerFlags, parseFormat, printQueryResult, reportQueryErrors, timeFlag } from './query-client.js';

const HELP = `usage: vigil query instant [<flags>] <server> <expr>

Run instant query.

Flags:
  -o, --format=promql  Output format of the query (promql or json).
      --time=TIME      Query evaluation time (RFC3339 or Unix timestamp).
      --header=HEADER  Extra headers to send to server ("Name: value"); repeatable.

Args:
  <server>  Prometheus server to query.
  <expr>    PromQL query expression.
`;

export const queryInstantCommand: Command = {
  path: ['query', 'instant'],
  summary: 'Run instant query.',
  help: HELP,
  async run(args: string[], io: CommandIO, signal: AbortSignal): Promise<number> {
    let parsed;
    try {
      parsed = parseArgs({
        args,
        allowPositionals: true,
        options: { format: { type: 'string', short: 'o' }, time: { type: 'string' }, header: { type: 'string', multiple: true } },
      });
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const [server, expr, ...extra] = parsed.positionals;
    if (server === undefined) throw new UsageError('required argument <server> not provided');
    if (expr === undefined) throw new UsageError('required argument <expr> not provided');
    if (extra.length > 0) throw new UsageError(`unexpected ${extra[0]}`);
    const format = parseFormat(parsed.values.format);
    const time = parsed.values.time === undefined || parsed.values.time === '' ? Date.now() : timeFlag('query', parsed.values.time);
    const headers = headerFlags(parsed.values.header);
    return reportQueryErrors(io, async () => {
      const form = new URLSearchParams({ query: expr, time: String(time / 1000) });
      printQueryResult(await callApi(server, 'query', form, headers, signal, io), format, io);
    });
  },
};
