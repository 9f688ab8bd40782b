// `vigil tsdb create-blocks-from openmetrics`: backfills blocks from an OpenMetrics file, as promtool does.
//
// Every sample needs a timestamp and the file must end with `# EOF`. Samples are grouped into aligned windows of
// the block duration (2h, or the largest 2h·3^k not above --max-block-duration); each window becomes one block
// whose minTime is its first sample and maxTime its last sample + 1. Chunks are cut as Prometheus's head cuts
// them. A sample not newer than the previous one of its series is dropped, as promtool's appender drops it.

import { mkdirSync, readFileSync } from 'node:fs';
import { compareLabels } from '../model/labels.js';
import type { Labels } from '../model/labels.js';
import { Entry, ExpositionParser } from '../model/exposition-parser.js';
import { VigilError } from '../model/errors.js';
import { DurationError, parseDuration } from '../promql/duration.js';
import type { ChunkData, SeriesData } from '../tsdb/block.js';
import { openBlock } from '../tsdb/block-reader.js';
import { writeBlock } from '../tsdb/block-writer.js';
import { join } from 'node:path';
import { XorAppender } from '../tsdb/xor-chunk.js';
import type { Command, CommandIO } from './command.js';
import { UsageError } from './command.js';
import { formatGoBytes, formatGoDuration, formatGoUnixUTC, tabwrite } from './go-format.js';
import { parseFlags } from './tsdb-data-dir.js';

const TWO_HOURS = 2 * 3_600_000;

export class BackfillError extends VigilError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('bad_backfill_input', message, options);
    this.name = 'BackfillError';
  }
}

export const tsdbCreateBlocksCommand: Command = {
  path: ['tsdb', 'create-blocks-from', 'openmetrics'],
  summary: 'Create blocks from an OpenMetrics file (as promtool tsdb create-blocks-from openmetrics).',
  help: `usage: vigil tsdb create-blocks-from openmetrics [-r] [-q] [--max-block-duration=2h] <input file> [<output directory>]

Backfill: write TSDB blocks (default output directory data/) from OpenMetrics text whose samples all carry
timestamps and which ends with "# EOF". Prints the created blocks as "vigil tsdb list" does.

Flags:
  -r, --human-readable        Print times as dates and sizes in KiB/MiB/...
  -q, --quiet                 Print nothing.
  --max-block-duration=2h     Largest block duration (2h·3^k not above it; below 2h means 2h).`,
  async run(args: string[], io: CommandIO, signal: AbortSignal): Promise<number> {
    const { values, positionals } = parseFlags(args, {
      'human-readable': { type: 'boolean', short: 'r' },
      quiet: { type: 'boolean', short: 'q' },
      'max-block-duration': { type: 'string' },
    });
    const input = positionals[0];
    if (input === undefined) throw new UsageError('required argument <input file> not provided');
    const outDir = positionals[1] ?? 'data/';
    let maxDuration = TWO_HOURS;
    if (values['max-block-duration'] !== undefined) {
      try {
        maxDuration = parseDuration(values['max-block-duration']);
      } catch (err) {
        if (err instanceof DurationError) throw new UsageError(`--max-block-duration: ${err.message}`);
        throw err;
      }
    }
    let bytes: Buffer;
    try {
      bytes = readFileSync(input);
    } catch (err) {
      throw new BackfillError(`reading input file: ${(err as Error).message}`, { cause: err });
    }
    mkdirSync(outDir, { recursive: true });
    const created = backfillOpenMetrics(bytes, outDir, { maxBlockDuration: maxDuration, file: input, signal });
    if (values.quiet !== true) {
      const human = values['human-readable'] === true;
      const rows: string[][] = [['BLOCK ULID', 'MIN TIME', 'MAX TIME', 'DURATION', 'NUM SAMPLES', 'NUM CHUNKS', 'NUM SERIES', 'SIZE']];
      for (const ulid of created) {
        const b = openBlock(join(outDir, ulid));
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
    }
    return 0;
  },
};

/** The block duration promtool uses: the largest 2h·3^k not above `max` (2h when `max` is below 2h). */
export function backfillBlockDuration(max: number): number {
  let d = TWO_HOURS;
  while (d * 3 <= max) d *= 3;
  return d;
}

interface SeriesSamples {
  labels: Labels;
  t: number[];
  v: number[];
}

/** Parses `bytes` (OpenMetrics) and writes one block per window into `outDir`; returns the new ULIDs in time order. */
export function backfillOpenMetrics(bytes: Uint8Array, outDir: string, options: { maxBlockDuration?: number; file?: string; signal?: AbortSignal } = {}): string[] {
  const series = new Map<string, SeriesSamples>();
  const parser = new ExpositionParser(bytes, { format: 'openmetrics', ...(options.file !== undefined ? { file: options.file } : {}) });
  let sawEof = false;
  try {
    for (let k = parser.next(); k !== Entry.End; k = parser.next()) {
      if (k === Entry.Eof) sawEof = true;
      if (k !== Entry.Series) continue;
      if (!parser.hasTimestamp) throw new BackfillError(`getting min and max timestamp: expected timestamp for series got none (line ${parser.line})`);
      const key = parser.seriesKey();
      let s = series.get(key);
      if (s === undefined) series.set(key, (s = { labels: parser.labels(), t: [], v: [] }));
      const t = parser.timestamp;
      const last = s.t[s.t.length - 1];
      if (last !== undefined && t <= last) continue;
      s.t.push(t);
      s.v.push(parser.value);
    }
  } catch (err) {
    if (err instanceof BackfillError) throw err;
    throw new BackfillError(`getting min and max timestamp: ${(err as Error).message}`, { cause: err });
  }
  if (!sawEof) throw new BackfillError('getting min and max timestamp: next: data does not end with # EOF');
  if (series.size === 0) return [];
  // One label set may be spelled several ways: merge by labels.
  const byLabels = [...series.values()].sort((a, b) => compareLabels(a.labels, b.labels));
  const merged: SeriesSamples[] = [];
  for (const s of byLabels) {
    const prev = merged[merged.length - 1];
    if (prev !== undefined && compareLabels(prev.labels, s.labels) === 0) mergeInto(prev, s);
    else merged.push(s);
  }
  const duration = backfillBlockDuration(options.maxBlockDuration ?? TWO_HOURS);
  const created: string[] = [];
  const pos = new Int32Array(merged.length);
  for (;;) {
    // The window of the earliest sample not yet written.
    let next = Infinity;
    merged.forEach((s, i) => {
      const t = s.t[pos[i] as number];
      if (t !== undefined && t < next) next = t;
    });
    if (next === Infinity) break;
    const w = Math.floor(next / duration) * duration;
    if (options.signal?.aborted === true) break;
    const blockSeries: SeriesData[] = [];
    let bmin = Infinity;
    let bmax = -Infinity;
    merged.forEach((s, i) => {
      let p = pos[i] as number;
      const start = p;
      while (p < s.t.length && (s.t[p] as number) < w + duration) p++;
      pos[i] = p;
      if (p === start) return;
      bmin = Math.min(bmin, s.t[start] as number);
      bmax = Math.max(bmax, s.t[p - 1] as number);
      blockSeries.push({ labels: s.labels, chunks: cutChunks(s.t, s.v, start, p, duration * 2) });
    });
    if (blockSeries.length === 0) continue;
    created.push(writeBlock(outDir, { mint: bmin, maxt: bmax + 1, series: blockSeries }));
  }
  return created;
}

function mergeInto(a: SeriesSamples, b: SeriesSamples): void {
  const t: number[] = [];
  const v: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.t.length || j < b.t.length) {
    const ta = i < a.t.length ? (a.t[i] as number) : Infinity;
    const tb = j < b.t.length ? (b.t[j] as number) : Infinity;
    const take = ta <= tb ? a : b;
    const k = ta <= tb ? i++ : j++;
    if (ta === tb) j++;
    t.push(take.t[k] as number);
    v.push(take.v[k] as number);
  }
  a.t = t;
  a.v = v;
}

/**
 * Chunks of samples [start, end) cut as Prometheus 2.42's head cuts them with chunk range `range`: a chunk ends at
 * the next multiple of the range, brought forward at its 30th sample so that chunks hold about 120 samples, and
 * at 240 samples at the most.
 */
export function cutChunks(ts: readonly number[], vs: readonly number[], start: number, end: number, range: number): ChunkData[] {
  const out: ChunkData[] = [];
  let app: XorAppender | undefined;
  let chunkMin = 0;
  let nextAt = 0;
  let lastT = 0;
  for (let i = start; i < end; i++) {
    const t = ts[i] as number;
    if (app !== undefined) {
      const n = app.numSamples;
      if (n === 30) {
        const k = Math.floor((nextAt - chunkMin) / ((lastT - chunkMin + 1) * 4));
        if (k > 1) nextAt = chunkMin + Math.floor((nextAt - chunkMin) / k);
      }
      if (t >= nextAt || n >= 240) {
        out.push({ mint: chunkMin, maxt: lastT, bytes: app.bytes() });
        app = undefined;
      }
    }
    if (app === undefined) {
      app = new XorAppender();
      chunkMin = t;
      nextAt = (Math.floor(t / range) + 1) * range;
    }
    app.append(t, vs[i] as number);
    lastT = t;
  }
  if (app !== undefined) out.push({ mint: chunkMin, maxt: lastT, bytes: app.bytes() });
  return out;
}
