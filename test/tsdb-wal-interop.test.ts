// WAL interop with the real Prometheus 2.42: a WAL written by Vigil is replayed by prometheus, and a WAL written by
// prometheus (scraping itself) is opened by Vigil with nothing lost.

import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Labels } from '../src/model/labels.js';
import { Matcher } from '../src/model/matcher.js';
import { isStaleNaN, STALE_NAN } from '../src/model/stale-nan.js';
import { Db } from '../src/tsdb/db.js';
import { TsdbStats } from '../src/tsdb/tsdb-stats.js';
import { findProgram, freePort, startProgram, waitForHttp, type RunningProgram } from './support/programs.js';

const prometheus = findProgram('prometheus');

interface MatrixResult {
  metric: Record<string, string>;
  values: [number, string][];
}

async function query(port: number, q: string, at: number): Promise<{ metric: Record<string, string>; values?: [number, string][]; value?: [number, string] }[]> {
  const url = `http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(q)}&time=${at / 1000}`;
  const body = (await (await fetch(url)).json()) as { status: string; data: { result: MatrixResult[] } };
  assert.equal(body.status, 'success', JSON.stringify(body));
  return body.data.result;
}

async function startPrometheus(dir: string, data: string, config: string, extra: string[] = []): Promise<{ prom: RunningProgram; port: number }> {
  const port = await freePort();
  writeFileSync(join(dir, 'prometheus.yml'), config.replaceAll('PORT', String(port)));
  const prom = startProgram(prometheus.path as string, [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${data}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--storage.tsdb.retention.time=100000d',
    ...extra,
  ]);
  await waitForHttp(`http://127.0.0.1:${port}/-/ready`, prom);
  return { prom, port };
}

/** Prometheus's float formatting is not JS's: compare as numbers (NaN equal to NaN). */
function num(s: string): number {
  return s === 'NaN' ? NaN : s === '+Inf' ? Infinity : s === '-Inf' ? -Infinity : Number(s);
}

test('prometheus replays a WAL written by vigil: same samples, staleness markers honoured', { skip: prometheus.skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-wal-interop-'));
  try {
    const data = join(dir, 'vigil');
    const now = Math.floor(Date.now() / 1000) * 1000;
    const t0 = now - 20 * 60_000;
    const db = await Db.open(data, { logger: () => undefined });
    const special = [NaN, Infinity, -Infinity, -0, 1e-300, 1.7976931348623157e308, -42.5];
    // 3000 series in the first commit: a series record larger than a page, split into first/middle/last fragments.
    const many = Array.from({ length: 3000 }, (_, i) => Labels.from({ __name__: 'vigil_wal_many', idx: String(i), pad: 'x'.repeat(20) }));
    const app0 = db.appender();
    many.forEach((l, i) => app0.append(0, l, t0, i));
    await app0.commit();
    const counter = Labels.from({ __name__: 'vigil_wal_counter', job: 'j', esc: 'a"b\\c\nd', utf: 'ünïcødé' });
    const gauge = Labels.from({ __name__: 'vigil_wal_gauge' });
    const stale = Labels.from({ __name__: 'vigil_wal_stale' });
    for (let i = 0; i < 120; i++) {
      const app = db.appender();
      const t = t0 + i * 10_000 + (i % 3);
      app.append(0, counter, t, i * 7);
      app.append(0, gauge, t, i % 10 === 0 ? (special[(i / 10) % special.length] as number) : Math.sin(i) * 1000);
      if (i < 60) app.append(0, stale, t, i);
      else if (i === 60) app.append(0, stale, t, STALE_NAN);
      await app.commit();
    }
    const staleAt = t0 + 60 * 10_000 + 0;
    await db.close();

    const { prom, port } = await startPrometheus(dir, data, 'global:\n  scrape_interval: 1h\nscrape_configs: []\n');
    try {
      const end = t0 + 120 * 10_000;
      for (const name of ['vigil_wal_counter', 'vigil_wal_gauge']) {
        const got = await query(port, `${name}[30m]`, end);
        assert.equal(got.length, 1, name);
        const vals = (got[0] as MatrixResult).values;
        assert.equal(vals.length, 120, name);
        vals.forEach(([t, v], i) => {
          const wantT = t0 + i * 10_000 + (i % 3);
          assert.equal(Math.round(t * 1000), wantT);
          const want = name === 'vigil_wal_counter' ? i * 7 : i % 10 === 0 ? (special[(i / 10) % special.length] as number) : Math.sin(i) * 1000;
          const g = num(v);
          if (Number.isNaN(want)) assert.ok(Number.isNaN(g));
          else if (Math.abs(want) > 1e300 || Math.abs(want) < 1e-299) assert.equal(g, want);
          else assert.ok(Math.abs(g - want) <= Math.abs(want) * 1e-15, `${name} ${i}: ${v} vs ${want}`);
        });
      }
      assert.equal((await query(port, 'vigil_wal_counter', end))[0]?.metric.esc, 'a"b\\c\nd');
      assert.equal((await query(port, 'count(vigil_wal_many)', t0))[0]?.value?.[1], '3000');
      // The staleness marker ends the series for prometheus: nothing at staleAt + 1s, a value just before.
      assert.equal((await query(port, 'vigil_wal_stale', staleAt - 1)).length, 1);
      assert.equal((await query(port, 'vigil_wal_stale', staleAt + 1000)).length, 0);
    } finally {
      await prom.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('vigil opens a WAL written by prometheus scraping itself, with nothing lost and deletions honoured', { skip: prometheus.skip }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-wal-interop-'));
  try {
    const data = join(dir, 'prom');
    const { prom, port } = await startPrometheus(
      dir,
      data,
      'global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: self\n    static_configs:\n      - targets: ["127.0.0.1:PORT"]\n',
      ['--web.enable-admin-api'],
    );
    let result: MatrixResult[];
    let at: number;
    try {
      // Let it scrape a few times, then read back everything it has.
      let n = 0;
      for (let i = 0; i < 100 && n < 5; i++) {
        await new Promise((r) => setTimeout(r, 300));
        const up = await query(port, 'count_over_time(up[1m])', Date.now());
        n = Number(up[0]?.value?.[1] ?? 0);
      }
      assert.ok(n >= 5, `prometheus scraped itself ${n} times`);
      at = Date.now();
      result = (await query(port, '{__name__=~".+"}[10m]', at)) as MatrixResult[];
      // A deletion through the admin API: a tombstone record in prometheus's WAL.
      const del = await fetch(`http://127.0.0.1:${port}/api/v1/admin/tsdb/delete_series?match[]=${encodeURIComponent('{__name__="up"}')}`, { method: 'POST' });
      assert.equal(del.status, 204);
      assert.equal((await query(port, 'up[10m]', at)).length, 0);
    } finally {
      await prom.stop();
    }
    assert.ok(result.length > 100, `${result.length} series`);
    const copy = join(dir, 'copy');
    cpSync(data, copy, { recursive: true });
    const stats = new TsdbStats();
    const db = await Db.open(copy, { logger: () => undefined, stats });
    try {
      assert.equal(stats.walCorruptionsTotal, 0);
      const q = db.querier(at - 600_000, at);
      const ours = new Map<string, Map<number, number>>();
      const set = q.select([new Matcher('=~', '__name__', '.+')]);
      while (set.next()) {
        const it = set.at().iterator();
        const samples = new Map<number, number>();
        while (it.next()) if (!isStaleNaN(it.atV())) samples.set(it.atT(), it.atV());
        ours.set(set.at().labels.toString(), samples);
      }
      q.close();
      let compared = 0;
      assert.ok(result.some((r) => r.metric.__name__ === 'up'));
      for (const [key, samples] of ours) {
        if (key.startsWith('up{')) assert.ok([...samples.keys()].every((ts) => ts > at), `deleted samples of ${key} are hidden`);
      }
      for (const r of result) {
        if (r.metric.__name__ === 'up') continue;
        const key = Labels.from(r.metric).toString();
        const mine = ours.get(key);
        assert.ok(mine !== undefined, `series ${key} missing`);
        for (const [ts, v] of r.values) {
          const tm = Math.round(ts * 1000);
          const got = mine.get(tm);
          assert.ok(got !== undefined, `${key} @${tm} missing`);
          const want = num(v);
          if (Number.isNaN(want)) assert.ok(Number.isNaN(got));
          else assert.ok(Math.abs(got - want) <= Math.abs(want) * 1e-12, `${key} @${tm}: ${got} vs ${v}`);
          compared++;
        }
      }
      t.diagnostic(`compared ${compared} samples of ${result.length} series`);
      assert.ok(compared > 500);
    } finally {
      await db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('vigil refuses a data directory a running prometheus holds locked', { skip: prometheus.skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-wal-interop-'));
  try {
    const data = join(dir, 'prom');
    // Debian's 2.42 creates and flocks the lock file only when asked to.
    const { prom } = await startPrometheus(dir, data, 'global:\n  scrape_interval: 1h\nscrape_configs: []\n', ['--storage.tsdb.use-lockfile']);
    try {
      await assert.rejects(Db.open(data, { logger: () => undefined }), (err: Error & { code?: string }) => err.code === 'io' && /lock DB directory/.test(err.message));
    } finally {
      await prom.stop();
    }
    // Once prometheus is gone the directory opens.
    const db = await Db.open(data, { logger: () => undefined });
    await db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('prometheus serves a whole vigil data directory: blocks from head compaction, a WAL checkpoint and segments', { skip: prometheus.skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-wal-interop-'));
  try {
    const data = join(dir, 'vigil');
    const H = 3_600_000;
    // Data from half way through a 2h block range, so head compaction cuts two blocks at any time of day: with `end`
    // at the wall clock, a start within a minute after an even hour left the head a minute short of a second one.
    const end = Math.floor(Date.now() / (2 * H)) * 2 * H;
    const start = end - 5 * H;
    const db = await Db.open(data, { logger: () => undefined, walSegmentSize: 64 * 1024, walCompression: false });
    const want = new Map<string, number>();
    try {
      const labels = Array.from({ length: 20 }, (_, i) => Labels.from({ __name__: 'vigil_full', i: String(i) }));
      const refs = new Array<number>(labels.length).fill(0);
      for (let t = start; t <= end - 60_000; t += 15_000) {
        const app = db.appender();
        labels.forEach((l, i) => (refs[i] = app.append(refs[i] as number, l, t, (t - start) / 1000 + i)));
        await app.commit();
      }
      await db.compact();
      assert.ok(db.blocks.length >= 2, `${db.blocks.length} blocks`);
      assert.equal(db.stats.checkpointCreationsTotal, 1);
      const q = db.querier(start, end);
      try {
        const set = q.select([new Matcher('=', '__name__', 'vigil_full')]);
        while (set.next()) {
          const it = set.at().iterator();
          let n = 0;
          while (it.next()) {
            assert.equal(it.atV(), (it.atT() - start) / 1000 + Number(set.at().labels.get('i')));
            n++;
          }
          want.set(set.at().labels.get('i'), n);
        }
      } finally {
        q.close();
      }
    } finally {
      await db.close();
    }

    const { prom, port } = await startPrometheus(dir, data, 'global:\n  scrape_interval: 1h\nscrape_configs: []\n');
    try {
      const got = await query(port, 'vigil_full[6h]', end);
      assert.equal(got.length, 20);
      for (const r of got) {
        const vals = r.values ?? [];
        assert.equal(vals.length, want.get(r.metric.i as string), `series ${r.metric.i}`);
        for (const [t, v] of vals) assert.equal(Number(v), (Math.round(t * 1000) - start) / 1000 + Number(r.metric.i));
      }
    } finally {
      await prom.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
