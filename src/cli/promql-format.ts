// `vigil promql format [--experimental] [QUERY]`: prints a PromQL query in Prometheus's canonical form.

import { parseArgs } from 'node:util';
import { formatQuery } from '../promql/format-query.js';
import { ALL_FEATURES } from '../promql/parser.js';
import { UsageError, type Command, type CommandIO } from './command.js';

async function readAll(io: CommandIO, signal: AbortSignal): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of io.stdin) {
    signal.throwIfAborted();
    chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  }
  return Buffer.concat(chunks).toString('utf8');
}

export const promqlFormatCommand: Command = {
  path: ['promql', 'format'],
  summary: "Print a PromQL query in Prometheus's canonical (prettified) form",
  help: `usage: vigil promql format [--experimental] [QUERY]

Parses QUERY (or standard input when QUERY is absent or "-") and prints it as Prometheus's
/api/v1/format_query does. A query that does not parse is reported as "<line>:<col>: parse error: ...",
exit code 1.

  --experimental   accept experimental syntax: experimental functions, limitk/limit_ratio,
                   anchored/smoothed range selectors and fill modifiers`,

  async run(args: string[], io: CommandIO, signal: AbortSignal): Promise<number> {
    let parsed;
    try {
      parsed = parseArgs({ args, allowPositionals: true, options: { experimental: { type: 'boolean' } } });
    } catch (err) {
      throw new UsageError(err instanceof Error ? err.message : String(err));
    }
    if (parsed.positionals.length > 1) throw new UsageError('expected one query (quote it)');
    const arg = parsed.positionals[0];
    const query = arg === undefined || arg === '-' ? await readAll(io, signal) : arg;
    const out = formatQuery(query, parsed.values.experimental === true ? ALL_FEATURES : {});
    io.stdout.write(`${out}\n`);
    return 0;
  },
};
