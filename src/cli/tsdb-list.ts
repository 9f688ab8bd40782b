// `vigil tsdb list`: the blocks of a data directory in promtool's table.

import type { Command, CommandIO } from './command.js';
import { formatGoBytes, formatGoDuration, formatGoUnixUTC, tabwrite } from './go-format.js';
import { openDataDir, parseFlags } from './tsdb-data-dir.js';

export const tsdbListCommand: Command = {
  path: ['tsdb', 'list'],
  summary: 'List the blocks of a TSDB data directory (as promtool tsdb list).',
  help: `usage: vigil tsdb list [-r|--human-readable] [<db path>]

List the blocks of a Prometheus-format data directory (default data/), sorted by min time.

Flags:
  -r, --human-readable  Print times as dates and sizes in KiB/MiB/...`,
  async run(args: string[], io: CommandIO): Promise<number> {
    const { values, positionals } = parseFlags(args, { 'human-readable': { type: 'boolean', short: 'r' } });
    const dir = positionals[0] ?? 'data/';
    const human = values['human-readable'] === true;
    const { blocks, corrupt } = openDataDir(dir, io.stderr);
    const rows: string[][] = [['BLOCK ULID', 'MIN TIME', 'MAX TIME', 'DURATION', 'NUM SAMPLES', 'NUM CHUNKS', 'NUM SERIES', 'SIZE']];
    for (const b of blocks) {
      const m = b.meta;
      rows.push([
        m.ulid,
        human ? formatGoUnixUTC(m.minTime) : String(m.minTime),
        human ? formatGoUnixUTC(m.maxTime) : String(m.maxTime),
        formatGoDuration(m.maxTime - m.minTime),
        String(m.stats.numSamples),
        String(m.stats.numChunks),
        String(m.stats.numSeries),
        human ? formatGoBytes(b.size()) : String(b.size()),
      ]);
      b.close();
    }
    io.stdout.write(tabwrite(rows, 13, 2));
    return corrupt > 0 ? 1 : 0;
  },
};
