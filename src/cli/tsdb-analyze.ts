// `vigil tsdb analyze`: cardinality and churn report of one block, in promtool's shape.

import { compareStrings } from '../model/labels.js';
import { StorageError } from '../storage/storage-error.js';
import type { BlockReader } from '../tsdb/block-reader.js';
import { SAMPLES_PER_CHUNK } from '../tsdb/chunk-builder.js';
import type { Command, CommandIO } from './command.js';
import { UsageError } from './command.js';
import { formatGoDuration } from './go-format.js';
import { openDataDir, parseFlags } from './tsdb-data-dir.js';

export const tsdbAnalyzeCommand: Command = {
  path: ['tsdb', 'analyze'],
  summary: 'Report churn and cardinality of a TSDB block (as promtool tsdb analyze).',
  help: `usage: vigil tsdb analyze [--limit=20] [--extended] [<db path>] [<block id>]

Analyze churn, label pair cardinality and compaction efficiency of one block (default: the last one).

Flags:
  --limit=20    How many items to show in each list.
  --extended    Also analyze how full the chunks are.`,
  async run(args: string[], io: CommandIO): Promise<number> {
    const { values, positionals } = parseFlags(args, { limit: { type: 'string', default: '20' }, extended: { type: 'boolean' } });
    const limit = Number(values.limit);
    if (!Number.isInteger(limit) || limit < 0) throw new UsageError(`--limit must be a non-negative integer, got "${values.limit}"`);
    const dir = positionals[0] ?? 'data/';
    const id = positionals[1];
    const { blocks, corrupt } = openDataDir(dir, io.stderr);
    try {
      const block = id === undefined ? blocks[blocks.length - 1] : blocks.find((b) => b.meta.ulid === id.toUpperCase());
      if (block === undefined) throw new StorageError('io', `block ${id ?? ''} not found`);
      io.stdout.write(analyzeBlock(block, limit, values.extended === true));
    } finally {
      for (const b of blocks) b.close();
    }
    return corrupt > 0 ? 1 : 0;
  },
};

/** The report text for one block. */
export function analyzeBlock(block: BlockReader, limit: number, extended: boolean): string {
  const m = block.meta;
  const duration = m.maxTime - m.minTime;
  const pairChurn = new Map<string, number>();
  const nameChurn = new Map<string, number>();
  const pairCount = new Map<string, number>();
  const valuesByName = new Map<string, Set<string>>();
  const metricSeries = new Map<string, number>();
  let entries = 0;
  const fullness = new Array<number>(10).fill(0);
  let totalChunks = 0;
  for (const id of block.index.allPostings()) {
    const s = block.index.series(id);
    const first = s.chunks[0];
    const last = s.chunks[s.chunks.length - 1];
    const uncovered = first === undefined || last === undefined ? duration : duration - (last.maxt - first.mint);
    s.labels.forEach((name, value) => {
      const pair = `${name}=${value}`;
      entries++;
      pairChurn.set(pair, (pairChurn.get(pair) ?? 0) + uncovered);
      nameChurn.set(name, (nameChurn.get(name) ?? 0) + uncovered);
      pairCount.set(pair, (pairCount.get(pair) ?? 0) + 1);
      let vs = valuesByName.get(name);
      if (vs === undefined) valuesByName.set(name, (vs = new Set()));
      vs.add(value);
    });
    const metric = s.labels.metricName;
    if (metric !== '') metricSeries.set(metric, (metricSeries.get(metric) ?? 0) + 1);
    if (extended) {
      for (const c of s.chunks) {
        const bytes = block.chunks.chunk(c.ref).bytes;
        const samples = bytes.length >= 2 ? ((bytes[0] as number) << 8) | (bytes[1] as number) : 0;
        const bucket = Math.max(0, Math.ceil((10 * Math.min(samples, SAMPLES_PER_CHUNK)) / SAMPLES_PER_CHUNK) - 1);
        fullness[bucket] = (fullness[bucket] as number) + 1;
        totalChunks++;
      }
    }
  }
  const div = (n: number): number => (duration > 0 ? Math.floor(n / duration) : 0);
  const top = (map: Map<string, number>): string =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1] || compareStrings(a[0], b[0]))
      .slice(0, limit)
      .map(([k, n]) => `${n} ${k}\n`)
      .join('');
  const cumulative = new Map<string, number>();
  const cardinality = new Map<string, number>();
  for (const [name, vs] of valuesByName) {
    let len = 0;
    for (const v of vs) len += Buffer.byteLength(v);
    cumulative.set(name, len);
    cardinality.set(name, vs.size);
  }
  let out =
    `Block ID: ${m.ulid}\n` +
    `Duration: ${formatGoDuration(duration)}\n` +
    `Series: ${m.stats.numSeries}\n` +
    `Label names: ${valuesByName.size}\n` +
    `Postings (unique label pairs): ${pairCount.size}\n` +
    `Postings entries (total label pairs): ${entries}\n` +
    `\nLabel pairs most involved in churning:\n${top(new Map([...pairChurn].map(([k, v]) => [k, div(v)])))}` +
    `\nLabel names most involved in churning:\n${top(new Map([...nameChurn].map(([k, v]) => [k, div(v)])))}` +
    `\nMost common label pairs:\n${top(pairCount)}` +
    `\nLabel names with highest cumulative label value length:\n${top(cumulative)}` +
    `\nHighest cardinality labels:\n${top(cardinality)}` +
    `\nHighest cardinality metric names:\n${top(metricSeries)}`;
  if (extended) {
    out += '\nCompaction analysis:\nFullness: Amount of samples in chunks (100% is 120 samples)\n';
    fullness.forEach((n, i) => {
      const pct = totalChunks > 0 ? Math.floor((100 * n) / totalChunks) : 0;
      out += `${String((i + 1) * 10).padStart(7)}%: ${'#'.repeat(pct)}\n`;
    });
  }
  return out;
}
