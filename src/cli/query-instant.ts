// `vigil query instant [flags] <server> <expr>`: an instant query against a server, printed as promtool prints it.

import type { Command, CommandIO } from './command.js';
import { callApi, parseQueryArgs, printQueryResult, reportQueryErrors, timeFlag } from './query-client.js';

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
    const { values, positionals, format, headers } = parseQueryArgs(args, { time: { type: 'string' } }, ['server', 'expr']);
    const [server, expr] = positionals as [string, string];
    const time = values.time === undefined || values.time === '' ? Date.now() : timeFlag('query', values.time);
    return reportQueryErrors(io, async () => {
      const form = new URLSearchParams({ query: expr, time: String(time / 1000) });
      printQueryResult(await callApi(server, 'query', form, headers, signal, io), format, io);
    });
  },
};
