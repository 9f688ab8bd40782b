// Parse throughput on ../shared/conformance/textparse: raw path (series key and value, as on a scrape-cache hit)
// and full path (label sets built), in MB/s and samples/s on one core. Goal: ≥ 3M samples/s raw, ≥ 1M full.

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

/**
 * Runs `fn` over `inputs` in rotation for `seconds` of wall time. Rates are per CPU second of this process (user +
 * system), so that other load on a shared machine does not count against the parser; wall-clock rates are shown too.
 */
function measure(fn: (b: Buffer, f: ExpositionFormat) => number, inputs: Array<[Buffer, ExpositionFormat]>): { mbps: number; sps: number; wallSps: number } {
  for (let i = 0; i < 20; i++) for (const [b, f] of inputs) fn(b, f); // warm up
  let bytes = 0;
  let samples = 0;
  const start = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  let elapsed = 0;
  while (elapsed < seconds) {
    for (const [b, f] of inputs) {
      samples += fn(b, f);
      bytes += b.length;
    }
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  }
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return { mbps: bytes / cpuSeconds / 1e6, sps: samples / cpuSeconds, wallSps: samples / elapsed };
}

const rows: string[][] = [['input', 'bytes', 'path', 'MB/s', 'samples/s', 'samples/s (wall)']];
const all: Array<[Buffer, ExpositionFormat]> = [];
const names: string[] = [];
for (const name of readdirSync(dir).sort()) {
  const bytes = readFileSync(join(dir, name));
  all.push([bytes, name.endsWith('.om.txt') ? 'openmetrics' : 'text']);
  names.push(name);
}
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
for (const [i, input] of all.entries()) {
  for (const [label, fn] of [['raw', raw], ['full', full]] as const) {
    const r = measure(fn, [input]);
    rows.push([names[i] as string, String(input[0].length), label, r.mbps.toFixed(1), fmt(r.sps), fmt(r.wallSps)]);
  }
}
const totalBytes = all.reduce((n, [b]) => n + b.length, 0);
for (const [label, fn] of [['raw', raw], ['full', full]] as const) {
  const r = measure(fn, all);
  rows.push(['all four inputs', String(totalBytes), label, r.mbps.toFixed(1), fmt(r.sps), fmt(r.wallSps)]);
}
const widths = (rows[0] as string[]).map((_, i) => Math.max(...rows.map((r) => (r[i] as string).length)));
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i] as number)).join('  '));
console.log(`(rates per CPU second of one thread; ${seconds}s per measurement, BENCH_SECONDS to change; sink ${sink > 0 ? 'ok' : 'empty'})`);
