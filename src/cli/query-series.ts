// `vigil query series --match=SELECTOR [flags] <server>`: the series matching selectors, printed as promtool prints them.

import type { Command, CommandIO } from './command.js';
import { UsageError } from './command.js';
import { callApi, parseQueryArgs, printSeries, reportQueryErrors, timeFlag } from './query-client.js';

const HELP = `usage: vigil query series --match=MATCH [<flags>] <server>

Run series query.

Flags:
  -o, --format=promql  Output format of the query (promql or json).
      --match=MATCH    Series selector. Can be specified multiple times.
      --start=START    Start time (RFC3339 or Unix timestamp).
      --end=END        End time (RFC3339 or Unix timestamp).
      --header=HEADER  Extra headers to send to server ("Name: value"); repeatable.

Args:
  <server>  Prometheus server to query.
`;

/** promtool's defaults when --start/--end are not given: 9999 hours either side of now. */
export function seriesRange(start: string | undefined, end: string | undefined): [number, number] {
  const now = Date.now();
  const span = 9999 * 3600 * 1000;
  return [start ? timeFlag('start', start) : now - span, end ? timeFlag('end', end) : now + span];
}

export const querySeriesCommand: Command = {
  path: ['query', 'series'],
  summary: 'Run series query.',
  help: HELP,
  async run(args: string[], io: CommandIO, signal: AbortSignal): Promise<number> {
    const { values, positionals, format, headers } = parseQueryArgs(args, { match: { type: 'string', multiple: true }, start: { type: 'string' }, end: { type: 'string' } }, ['server']);
    const [server] = positionals as [string];
    const matches = values.match ?? [];
    if (matches.length === 0) throw new UsageError('required flag --match not provided');
    const [start, end] = seriesRange(values.start, values.end);
    return reportQueryErrors(io, async () => {
      const form = new URLSearchParams({ start: String(start / 1000), end: String(end / 1000) });
      for (const m of matches) form.append('match[]', m);
      printSeries(await callApi(server, 'series', form, headers, signal, io), format, io);
    });
  },
};
