// `vigil test promql FILE...`: runs promqltest script files against the engine and prints pass/fail/skip counts.

import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { runScript, type EvalOutcome } from '../promql/promqltest/script-runner.js';
import { UsageError, type Command, type CommandIO } from './command.js';

function counts(outcomes: readonly EvalOutcome[]): string {
  const n = (s: EvalOutcome['status']): number => outcomes.filter((o) => o.status === s).length;
  return `${n('passed')} passed, ${n('failed')} failed, ${n('skipped')} skipped`;
}

export const testPromqlCommand: Command = {
  path: ['test', 'promql'],
  summary: 'Run PromQL test scripts (the promqltest language) against the engine',
  help: `usage: vigil test promql [--verbose] [--no-range-check] [--no-at-check] [--list-failures] FILE...

Runs each file (load/clear/eval commands, Prometheus's promqltest language) on a fresh in-memory storage
and prints, per file and in total, "N passed, N failed, N skipped". Exit code 1 when any eval fails.

  --verbose          also print each skipped eval with the reason (failed evals are always printed)
  --no-range-check   do not re-run instant evals as range queries
  --no-at-check      do not re-run instant evals with every selector pinned by @ at other times
  --list-failures    print failed evals as FILE:LINE only, one per line, after the counts`,

  async run(args: string[], io: CommandIO, signal: AbortSignal): Promise<number> {
    let parsed;
    try {
      parsed = parseArgs({
        args,
        allowPositionals: true,
        options: {
          verbose: { type: 'boolean' },
          'no-range-check': { type: 'boolean' },
          'no-at-check': { type: 'boolean' },
          'list-failures': { type: 'boolean' },
        },
      });
    } catch (err) {
      throw new UsageError(err instanceof Error ? err.message : String(err));
    }
    const files = parsed.positionals;
    if (files.length === 0) throw new UsageError('no test files given');
    const all: EvalOutcome[] = [];
    for (const file of files) {
      signal.throwIfAborted();
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        io.stderr.write(`${file}: cannot read: ${err instanceof Error ? err.message : String(err)}\n`);
        all.push({ file, line: 0, status: 'failed', message: 'cannot read file' });
        continue;
      }
      const outcomes = await runScript(text, file, { rangeCheck: parsed.values['no-range-check'] !== true, atCheck: parsed.values['no-at-check'] !== true, signal });
      for (const o of outcomes) {
        if (o.status === 'failed') io.stdout.write(`FAIL ${o.file}:${o.line}: ${o.message ?? ''}\n`);
        else if (o.status === 'skipped' && parsed.values.verbose === true) io.stdout.write(`SKIP ${o.file}:${o.line}: ${o.message ?? ''}\n`);
      }
      io.stdout.write(`${file}: ${counts(outcomes)}\n`);
      all.push(...outcomes);
    }
    io.stdout.write(`total: ${counts(all)}\n`);
    if (parsed.values['list-failures'] === true) {
      for (const o of all) if (o.status === 'failed') io.stdout.write(`${o.file}:${o.line}\n`);
    }
    return all.some((o) => o.status === 'failed') ? 1 : 0;
  },
};
