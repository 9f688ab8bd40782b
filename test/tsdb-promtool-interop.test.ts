// Blocks interop with the real Prometheus 2.42: promtool-written blocks read by Vigil, Vigil-written blocks read
// by promtool and served by the prometheus server, and corrupt blocks set aside.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main.js';
import { captureIO } from '../src/cli/captured-io.js';
import { Labels } from '../src/model/labels.js';
import { Matcher } from '../src/model/matcher.js';
import { blocksQuerier, openBlocks } from '../src/tsdb/block-dir.js';
import { openBlock } from '../src/tsdb/block-reader.js';
import { writeBlock } from '../src/tsdb/block-writer.js';
import { ChunkBuilder } from '../src/tsdb/chunk-builder.js';
import { IndexReader } from '../src/tsdb/index-reader.js';
import { writeIndex } from '../src/tsdb/index-writer.js';
import { compactBlocks } from '../src/tsdb/compactor.js';
import type { SeriesData } from '../src/tsdb/block.js';
import { findProgram, freePort, runProgram, startProgram, waitForHttp } from './support/programs.js';

const promtool = findProgram('promtool');
const prometheus = findProgram('prometheus');
const T0 = 1700000000000;
const H = 3_600_000;

async function vigil(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIO();
  const code = await main(args, io);
  return { code, out: io.out(), err: io.err() };
}

/** Equal texts, or a failure that shows the first differing line (not megabytes of dump). */
function assertSameText(actual: string, expected: string, what: string): void {
  if (actual === expected) return;
  const a = actual.split('\n');
  const e = expected.split('\n');
  let i = 0;
  while (i < a.length && i < e.length && a[i] === e[i]) i++;
  assert.fail(`${what}: first difference at line ${i + 1} (of ${a.length} vs ${e.length}):\n  vigil:    ${a[i]}\n  expected: ${e[i]}`);
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'vigil-interop-'));
}

/** Deterministic OpenMetrics text over 5 hours: counters, gauges with special values, escaped label values. */
function openMetricsInput(): string {
  let out = '';
  let seed = 7;
  const rnd = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  out += '# TYPE http_requests_total counter\n';
  for (let s = 0; s < 20; s++) {
    let v = Math.floor(rnd() * 1000);
    for (let i = 0; i < 5 * 240; i++) {
      v += Math.floor(rnd() * 10);
      out += `http_requests_total{code="${200 + (s % 4) * 100}",pod="p-${s}"} ${v} ${(T0 + i * 15_000 + (s % 3)) / 1000}\n`;
    }
  }
  out += '# TYPE temp gauge\n';
  const specials = ['NaN', '+Inf', '-Inf', '-0', '1e-300', '5e+06', '1.7976931348623157e+308', '0.1'];
  for (let i = 0; i < 300; i++) {
    const v = i % 10 === 0 ? (specials[(i / 10) % specials.length] as string) : String(Math.round(rnd() * 10000) / 100);
    out += `temp{esc="a\\"b\\\\c\\nd",utf="ünïcødé"} ${v} ${(T0 + i * 60_000) / 1000}\n`;
  }
  return `${out}# EOF\n`;
}

test('blocks written by promtool create-blocks-from are read by vigil: same list and dump, same analysis', { skip: promtool.skip }, async () => {
  const dir = tempDir();
  try {
    writeFileSync(join(dir, 'om.txt'), openMetricsInput());
    const data = join(dir, 'data');
    const created = runProgram(promtool.path as string, ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'om.txt'), data]);
    assert.equal(created.status, 0, created.stderr);
    mkdirSync(join(data, 'wal'));
    const ptList = runProgram(promtool.path as string, ['tsdb', 'list', data]);
    const vList = await vigil('tsdb', 'list', data);
    assert.equal(vList.code, 0, vList.err);
    assertSameText(vList.out, ptList.stdout, 'list');
    assertSameText((await vigil('tsdb', 'list', '-r', data)).out, runProgram(promtool.path as string, ['tsdb', 'list', '-r', data]).stdout, 'list -r');
    const ptDump = runProgram(promtool.path as string, ['tsdb', 'dump', data]);
    assert.equal(ptDump.status, 0, ptDump.stderr);
    const vDump = await vigil('tsdb', 'dump', data);
    assert.equal(vDump.code, 0, vDump.err);
    assert.ok(vDump.out.split('\n').length > 24_000);
    assertSameText(vDump.out, ptDump.stdout, 'dump');
    const range = ['--min-time', String(T0 + H), '--max-time', String(T0 + 2 * H)];
    assertSameText((await vigil('tsdb', 'dump', ...range, data)).out, runProgram(promtool.path as string, ['tsdb', 'dump', ...range, data]).stdout, 'dump with a time range');
    // Analysis: same lines; ties within a list come in unspecified order in promtool, so compare sorted lines
    // (with a limit that shows every entry, so ties are not cut differently).
    const sortedLines = (s: string): string => s.split('\n').sort().join('\n');
    const ptAnalyze = runProgram(promtool.path as string, ['tsdb', 'analyze', '--extended', '--limit=1000', data]);
    const vAnalyze = await vigil('tsdb', 'analyze', '--extended', '--limit=1000', data);
    assert.equal(vAnalyze.code, 0, vAnalyze.err);
    assertSameText(sortedLines(vAnalyze.out), sortedLines(ptAnalyze.stdout), 'analyze');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('vigil tsdb create-blocks-from openmetrics writes the blocks promtool writes', { skip: promtool.skip }, async () => {
  const dir = tempDir();
  try {
    writeFileSync(join(dir, 'om.txt'), openMetricsInput());
    const pt = join(dir, 'promtool');
    const vg = join(dir, 'vigil');
    assert.equal(runProgram(promtool.path as string, ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'om.txt'), pt]).status, 0);
    const created = await vigil('tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'om.txt'), vg);
    assert.equal(created.code, 0, created.err);
    mkdirSync(join(pt, 'wal'));
    mkdirSync(join(vg, 'wal'));
    assertSameText(runProgram(promtool.path as string, ['tsdb', 'dump', vg]).stdout, runProgram(promtool.path as string, ['tsdb', 'dump', pt]).stdout, 'dump');
    // Same blocks: time ranges, samples, chunks and series (ULIDs differ; sizes differ by 2.42's padding bytes).
    const columns = (list: string): string => list.split('\n').map((l) => l.split(/ {2,}/).slice(1, -1).join(' ')).join('\n');
    const ptList = runProgram(promtool.path as string, ['tsdb', 'list', pt]).stdout;
    assertSameText(columns(created.out), columns(ptList), 'created blocks');
    assert.equal(created.out.split('\n').length, 5);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("vigil's index writer reproduces promtool's index files byte for byte", { skip: promtool.skip }, () => {
  const dir = tempDir();
  try {
    writeFileSync(join(dir, 'om.txt'), openMetricsInput());
    const data = join(dir, 'data');
    assert.equal(runProgram(promtool.path as string, ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'om.txt'), data]).status, 0);
    const blocks = readdirSync(data);
    assert.equal(blocks.length, 3);
    for (const b of blocks) {
      const original = join(data, b, 'index');
      const r = new IndexReader(original);
      const series = [...r.allPostings()].map((id) => r.series(id));
      writeIndex(join(dir, 'index'), series);
      assert.ok(readFileSync(join(dir, 'index')).equals(readFileSync(original)), `index of block ${b}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A data directory written by Vigil: two level-1 blocks compacted into one, another with a tombstone, one overlapping. */
function writeVigilData(data: string): void {
  mkdirSync(data, { recursive: true });
  const series = (k: number, t0: number, n: number): SeriesData[] => {
    const out: SeriesData[] = [];
    for (let s = 0; s < 30; s++) {
      const b = new ChunkBuilder();
      for (let i = 0; i < n; i++) b.append(t0 + i * 15_000, s % 5 === 0 ? Math.sin(i + k) : (k * 1000 + i) * (s + 1));
      out.push({ labels: Labels.from({ __name__: s % 2 === 0 ? 'vigil_even' : 'vigil_odd', series: String(s), esc: 'x"y\\z' }), chunks: b.finish() });
    }
    return out;
  };
  const a = writeBlock(data, { mint: T0, maxt: T0 + 2 * H, series: series(0, T0, 480) });
  const b = writeBlock(data, { mint: T0 + 2 * H, maxt: T0 + 4 * H, series: series(1, T0 + 2 * H, 480) });
  const blocks = [openBlock(join(data, a)), openBlock(join(data, b))];
  compactBlocks(data, blocks);
  for (const x of blocks) {
    x.close();
    rmSync(x.dir, { recursive: true });
  }
  const c = writeBlock(data, { mint: T0 + 4 * H, maxt: T0 + 6 * H, series: series(2, T0 + 4 * H, 480) });
  openBlock(join(data, c)).delete([new Matcher('=', 'series', '3')], T0 + 4 * H + 600_000, T0 + 5 * H);
  mkdirSync(join(data, 'wal'), { recursive: true });
}

test('blocks written by vigil are read by promtool dump (same samples) and analyze (no error)', { skip: promtool.skip }, async () => {
  const dir = tempDir();
  try {
    const data = join(dir, 'data');
    writeVigilData(data);
    const ptDump = runProgram(promtool.path as string, ['tsdb', 'dump', data]);
    assert.equal(ptDump.status, 0, ptDump.stderr);
    const vDump = await vigil('tsdb', 'dump', data);
    assertSameText(vDump.out, ptDump.stdout, 'dump');
    // Three 2h blocks of 30 series × 480 samples, less the 201 samples the tombstone deletes.
    assert.equal(ptDump.stdout.split('\n').length - 1, 30 * 480 * 3 - 201);
    for (const n of readdirSync(data).filter((x) => x !== 'wal' && x !== 'chunks_head')) {
      const an = runProgram(promtool.path as string, ['tsdb', 'analyze', '--extended', data, n]);
      assert.equal(an.status, 0, an.stderr);
      assert.match(an.stdout, new RegExp(`^Block ID: ${n}\nDuration: `));
      assert.match(an.stdout, /Series: 30\n/);
    }
    const ptList = runProgram(promtool.path as string, ['tsdb', 'list', data]);
    assertSameText((await vigil('tsdb', 'list', data)).out, ptList.stdout, 'list');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the prometheus server opens a data directory written by vigil and answers queries with the same samples', { skip: prometheus.skip }, async () => {
  const dir = tempDir();
  const data = join(dir, 'data');
  writeVigilData(data);
  const port = await freePort();
  writeFileSync(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1h\nscrape_configs: []\n');
  const prom = startProgram(prometheus.path as string, [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${data}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--storage.tsdb.retention.time=100000d',
  ]);
  try {
    await waitForHttp(`http://127.0.0.1:${port}/-/ready`, prom);
    const { blocks } = openBlocks(data);
    for (const at of [T0 + H, T0 + 3 * H + 7_000, T0 + 4 * H + 900_000]) {
      const url = `http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent('{__name__=~"vigil_.*"}[10m]')}&time=${at / 1000}`;
      const body = (await (await fetch(url)).json()) as { status: string; data: { result: { metric: Record<string, string>; values: [number, string][] }[] } };
      assert.equal(body.status, 'success', JSON.stringify(body));
      const got = new Map(body.data.result.map((r) => [Labels.from(r.metric).toString(), r.values.map(([t, v]) => [Math.round(t * 1000), Number(v)])]));
      const want = new Map<string, number[][]>();
      const ss = blocksQuerier(blocks, at - 600_000, at).select([new Matcher('=~', '__name__', 'vigil_.*')]);
      while (ss.next()) {
        const it = ss.at().iterator();
        const samples: number[][] = [];
        while (it.next()) samples.push([it.atT(), Number(String(it.atV()))]);
        if (samples.length > 0) want.set(ss.at().labels.toString(), samples);
      }
      assert.ok(want.size >= 29);
      const text = (m: Map<string, number[][]>): string =>
        [...m.entries()]
          .map(([k, v]) => `${k} ${JSON.stringify(v)}`)
          .sort()
          .join('\n');
      assertSameText(text(got), text(want), `query at ${at}`);
    }
    for (const b of blocks) b.close();
  } finally {
    await prom.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a data directory of a real prometheus server (WAL head, no blocks yet) dumps as promtool dumps it', { skip: prometheus.skip ?? promtool.skip }, async () => {
  const dir = tempDir();
  const data = join(dir, 'data');
  const port = await freePort();
  writeFileSync(join(dir, 'prometheus.yml'), `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: self\n    static_configs:\n      - targets: ['127.0.0.1:${port}']\n`);
  const prom = startProgram(prometheus.path as string, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${data}`, `--web.listen-address=127.0.0.1:${port}`]);
  try {
    await waitForHttp(`http://127.0.0.1:${port}/-/ready`, prom);
    // Wait for a few scrapes of itself to reach the WAL.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const r = (await (await fetch(`http://127.0.0.1:${port}/api/v1/query?query=prometheus_tsdb_head_samples_appended_total`)).json()) as { data: { result: { value: [number, string] }[] } };
      if (Number(r.data.result[0]?.value[1] ?? 0) > 1000) break;
      assert.ok(Date.now() < deadline, 'prometheus did not scrape itself');
      await new Promise((ok) => setTimeout(ok, 250));
    }
    await prom.stop();
    const pt = runProgram(promtool.path as string, ['tsdb', 'dump', data]);
    assert.equal(pt.status, 0, pt.stderr);
    const vg = await vigil('tsdb', 'dump', data);
    assert.equal(vg.code, 0, vg.err);
    assert.ok(vg.out.split('\n').length > 1000);
    assertSameText(vg.out, pt.stdout, 'dump of a prometheus data directory');
  } finally {
    await prom.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a corrupted block gives a clear error and the other blocks are served', { skip: promtool.skip }, async () => {
  const dir = tempDir();
  try {
    const data = join(dir, 'data');
    writeVigilData(data);
    writeBlock(data, { mint: T0 + 6 * H, maxt: T0 + 7 * H, series: [{ labels: Labels.from({ __name__: 'late' }), chunks: new ChunkBuilder().finish() }] });
    const last = new ChunkBuilder();
    for (let i = 0; i < 100; i++) last.append(T0 + 7 * H + i * 1000, i);
    writeBlock(data, { mint: T0 + 7 * H, maxt: T0 + 8 * H, series: [{ labels: Labels.from({ __name__: 'late' }), chunks: last.finish() }] });
    const names = readdirSync(data).filter((n) => n !== 'wal').sort();
    assert.equal(names.length, 4);
    const bad = join(dir, 'bad');
    cpSync(data, bad, { recursive: true });
    // Flip bytes in the first block's chunk file and the last block's index.
    const chunkFile = join(bad, names[0] as string, 'chunks', '000001');
    const c = readFileSync(chunkFile);
    c[100] = (c[100] as number) ^ 0xff;
    writeFileSync(chunkFile, c);
    const indexFile = join(bad, names[names.length - 1] as string, 'index');
    const x = readFileSync(indexFile);
    const seriesEntry = (new IndexReader(indexFile).allPostings()[0] as number) * 16 + 3;
    x[seriesEntry] = (x[seriesEntry] as number) ^ 0xff;
    writeFileSync(indexFile, x);
    const r = await vigil('tsdb', 'dump', bad);
    assert.equal(r.code, 1);
    assert.match(r.err, new RegExp(`block .*${names[0]} set aside: .*000001: checksum mismatch in chunk at offset \\d+`));
    assert.match(r.err, new RegExp(`block .*${names[names.length - 1]} set aside: .*index: .*checksum mismatch`));
    // What remains is exactly the healthy middle block's samples.
    const only = join(dir, 'only');
    mkdirSync(only);
    for (const n of names.slice(1, -1)) cpSync(join(data, n), join(only, n), { recursive: true });
    assertSameText(r.out, (await vigil('tsdb', 'dump', only)).out, 'dump of the healthy blocks');
    assert.ok(r.out.length > 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
