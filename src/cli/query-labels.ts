// `vigil query labels [flags] <server> <name>`: the values of a label, printed as promtool prints them.

import type { Command, CommandIO } from './command.js';
import { callApi, parseQueryArgs, printLabelValues, reportQueryErrors } from './query-client.js';
import { seriesRange } from './query-series.js';

const HELP = `usage: vigil query labels [<flags>] <server> <name>

Run labels query.

Flags:
  -o, --format=promql  Output format of the query (promql or json).
      --start=START    Start time (RFC3339 or Unix timestamp).
      --end=END        End time (RFC3339 or Unix timestamp).
      --match=MATCH    Series selector. Can be specified multiple times.
      --header=HEADER  Extra headers to send to server ("Name: value"); repeatable.

Args:
  <server>  Prometheus server to query.
  <name>    Label name to provide label values for.
`;

export const queryLabelsCommand: Command = {
  path: ['query', 'labels'],
  summary: 'Run labels query.',
  help: HELP,
  async run(args: string[], io: CommandIO, signal: AbortSignal): Promise<number> {
    const { values, positionals, format, headers } = parseQueryArgs(args, { match: { type: 'string', multiple: true }, start: { type: 'string' }, end: { type: 'string' } }, ['server', 'name']);
    const [server, name] = positionals as [string, string];
    const [start, end] = seriesRange(values.start, values.end);
    return reportQueryErrors(io, async () => {
      const q = new URLSearchParams({ start: String(start / 1000), end: String(end / 1000) });
      for (const m of values.match ?? []) q.append('match[]', m);
      printLabelValues(await callApi(server, `label/${encodeURIComponent(name)}/values`, q, headers, signal, io, 'GET'), format, io);
    });
  },
};
