// Parse throughput on ../shared/conformance/textparse: raw path (series key and value, as on a scrape-cache hit)
// and full path (label sets built), in MB/s and samples/s on one core.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Entry, ExpositionParser } from '../src/model/exposition-parser.js';
import type { ExpositionFormat } from '../src/model/exposition-parser.js';
import { sharedPath } from '../test/support/shared-data.js';

const dir = sharedPath('conformance/textparse');
if (dir === undefined) {
  console.error('bench: ../shared/conformance/textparse not found');
  process.exit(1);
}
const seconds = Number(process.env.BENCH_SECONDS ?? '1');

/** Keeps results alive so the work cannot be optimised away. */
let sink = 0;

function raw(bytes: Buffer, format: ExpositionFormat): number {
  const p = new ExpositionParser(bytes, { format });
  let n = 0;
  for (let k = p.next(); k !== Entry.End; k = p.next()) {
    if (k !== Entry.Series) continue;
    sink += p.seriesKey().length + (p.value === p.value ? 1 : 0);
    n++;
  }
  return n;
}

function full(bytes: Buffer, format: ExpositionFormat): number {
  const p = new ExpositionParser(bytes, { format });
  let n = 0;
  for (let k = p.next(); k !== Entry.End; k = p.next()) {
    if (k !== Entry.Series) continue;
    sink += p.labels().size + (p.value === p.value ? 1 : 0);
    n++;
  }
  return n;
}

function measure(fn: (b: Buffer, f: ExpositionFormat) => number, bytes: Buffer, format: ExpositionFormat): { mbps: number; sps: number } {
  for (let i = 0; i < 20; i++) fn(bytes, format); // warm up
  let runs = 0;
  let samples = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < seconds) {
    samples += fn(bytes, format);
    runs++;
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  }
  return { mbps: (bytes.length * runs) / elapsed / 1e6, sps: samples / elapsed };
}

const rows: string[][] = [['input', 'bytes', 'path', 'MB/s', 'samples/s']];
let totalBytes = 0;
const all: Array<[Buffer, ExpositionFormat]> = [];
for (const name of readdirSync(dir).sort()) {
  const bytes = readFileSync(join(dir, name));
  const format: ExpositionFormat = name.endsWith('.om.txt') ? 'openmetrics' : 'text';
  all.push([bytes, format]);
  totalBytes += bytes.length;
  for (const [label, fn] of [['raw', raw], ['full', full]] as const) {
    const r = measure(fn, bytes, format);
    rows.push([name, String(bytes.length), label, r.mbps.toFixed(1), Math.round(r.sps).toLocaleString('en-US')]);
  }
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));
console.log(`(${totalBytes} bytes in ${all.length} inputs; ${seconds}s per measurement; sink ${sink > 0 ? 'ok' : 'empty'})`);
