// `vigil tsdb dump`: every sample of the blocks of a data directory, as promtool 2.42 prints them.

import type { Labels } from '../model/labels.js';
import { quoteLabelValue } from '../model/labels.js';
import { Matcher } from '../model/matcher.js';
import { parseMetricSelector } from '../promql/parser.js';
import { MergeQuerier } from '../storage/merge-querier.js';
import { blocksQuerier } from '../tsdb/block-dir.js';
import type { Command, CommandIO } from './command.js';
import { UsageError } from './command.js';
import { formatGoFloatG } from './go-format.js';
import { OutputBuffer, openDataDir, parseFlags, readHeadReadOnly } from './tsdb-data-dir.js';

const INT64_MIN = '-9223372036854775808';
const INT64_MAX = '9223372036854775807';

export const tsdbDumpCommand: Command = {
  path: ['tsdb', 'dump'],
  summary: 'Print the samples of a TSDB data directory (as promtool tsdb dump).',
  help: `usage: vigil tsdb dump [--min-time=MS] [--max-time=MS] [--match=SELECTOR] [<db path>]

Print every sample of a Prometheus-format data directory (default data/): its blocks and the head kept in
its WAL (read without changing anything), one "{labels} value timestamp" line per sample, series in label
order. Times are inclusive, in milliseconds.

Flags:
  --min-time=${INT64_MIN}  Minimum timestamp to dump.
  --max-time=${INT64_MAX}   Maximum timestamp to dump.
  --match='{__name__=~"(?s:.*)"}'         Series selector.`,
  async run(args: string[], io: CommandIO, signal: AbortSignal): Promise<number> {
    const { values, positionals } = parseFlags(args, {
      'min-time': { type: 'string', default: INT64_MIN },
      'max-time': { type: 'string', default: INT64_MAX },
      match: { type: 'string' },
    });
    const mint = parseTime(values['min-time'], '--min-time');
    const maxt = parseTime(values['max-time'], '--max-time');
    const matchers = values.match === undefined ? [new Matcher('=~', '__name__', '(?s:.*)')] : parseMetricSelector(values.match);
    const dir = positionals[0] ?? 'data/';
    const { blocks, corrupt } = openDataDir(dir, io.stderr, { verifyChunks: true });
    const out = new OutputBuffer(io.stdout);
    try {
      const head = readHeadReadOnly(dir, blocks.reduce((m, b) => Math.max(m, b.meta.maxTime), -Infinity), io.stderr);
      const bq = blocksQuerier(blocks, mint, maxt);
      const q = head === undefined ? bq : new MergeQuerier([bq, head.querier(mint, maxt)]);
      const ss = q.select(matchers, { sorted: true });
      while (ss.next()) {
        if (signal.aborted) return 130;
        const s = ss.at();
        const prefix = `${formatDumpLabels(s.labels)} `;
        const it = s.iterator();
        while (it.next()) await out.add(`${prefix}${formatGoFloatG(it.atV())} ${it.atT()}\n`);
        const e = it.err();
        if (e !== undefined) throw e;
      }
      const e = ss.err();
      if (e !== undefined) throw e;
    } finally {
      await out.flush();
      for (const b of blocks) b.close();
    }
    return corrupt > 0 ? 1 : 0;
  },
};

/** `{__name__="up", job="api"}`: every label, `__name__` included, in order. */
export function formatDumpLabels(labels: Labels): string {
  const parts: string[] = [];
  labels.forEach((n, v) => parts.push(`${n}=${quoteLabelValue(v)}`));
  return `{${parts.join(', ')}}`;
}

function parseTime(s: string | undefined, flag: string): number {
  const n = Number(s);
  if (s === undefined || !/^-?\d+$/.test(s) || !Number.isFinite(n)) throw new UsageError(`${flag} must be an integer number of milliseconds, got "${s}"`);
  return n;
}
