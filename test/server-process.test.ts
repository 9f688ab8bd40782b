// `vigil server` as a process: the built-in configuration scrapes itself; SIGHUP reloads; SIGTERM stops cleanly.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { freePort, startProgram, waitForHttp } from './support/programs.js';
import type { RunningProgram } from './support/programs.js';

const dirs: string[] = [];
const programs: RunningProgram[] = [];
after(async () => {
  await Promise.all(programs.map((p) => p.stop()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function json<T>(url: string): Promise<T> {
  return (await (await fetch(url, { signal: AbortSignal.timeout(5000) })).json()) as T;
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('without --config.file the server scrapes itself and its own metrics are queryable', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-builtin-'));
  dirs.push(dir);
  const port = await freePort();
  const p = startProgram(process.execPath, [join(process.cwd(), 'bin/vigil'), 'server', `--web.listen-address=127.0.0.1:${port}`], { cwd: dir });
  programs.push(p);
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}/-/ready`, p);
  type Q = { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  // The first scrape comes within one 15 s interval.
  const up = await until('a self-scrape', async () => {
    const r = await json<Q>(`${base}/api/v1/query?query=up`);
    return r.data.result.length > 0 ? r.data.result : undefined;
  }, 20_000);
  assert.deepEqual(up[0]?.metric, { __name__: 'up', instance: `127.0.0.1:${port}`, job: 'vigil' });
  assert.equal(up[0]?.value[1], '1');
  const series = await json<Q>(`${base}/api/v1/query?query=prometheus_tsdb_head_series`);
  assert.equal(series.data.result.length, 1, 'the self-scrape stored the TSDB metrics');
  assert.ok(Number(series.data.result[0]?.value[1]) >= 0);
  const meta = await json<{ data: Record<string, { type: string; help: string }[]> }>(`${base}/api/v1/metadata?metric=prometheus_http_requests_total`);
  assert.deepEqual(meta.data.prometheus_http_requests_total, [{ type: 'counter', help: 'Counter of HTTP requests.', unit: '' }]);
  const tmeta = await json<{ data: unknown[] }>(`${base}/api/v1/targets/metadata?metric=prometheus_ready&match_target=${encodeURIComponent('{job="vigil"}')}`);
  assert.deepEqual(tmeta.data, [
    {
      target: { instance: `127.0.0.1:${port}`, job: 'vigil' },
      type: 'gauge',
      help: 'Whether Prometheus startup was fully completed and the server is ready for normal operation.',
      unit: '',
    },
  ]);
  await p.stop();
  assert.equal(p.process.exitCode, 0, p.output());
  assert.match(p.output(), /level=info msg="See you next time!"/);
});

test('SIGHUP reloads the configuration file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-sighup-'));
  dirs.push(dir);
  const port = await freePort();
  const cfg = join(dir, 'prometheus.yml');
  const job = (name: string): string => `  - job_name: ${name}\n    scrape_interval: 1s\n    static_configs: [{ targets: ['127.0.0.1:${port}'] }]\n`;
  writeFileSync(cfg, `scrape_configs:\n${job('one')}`);
  const p = startProgram(process.execPath, ['bin/vigil', 'server', `--config.file=${cfg}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.format=json']);
  programs.push(p);
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}/-/ready`, p);
  type Pools = { data: { scrapePools: string[] } };
  assert.deepEqual((await json<Pools>(`${base}/api/v1/scrape_pools`)).data.scrapePools, ['one']);
  writeFileSync(cfg, `scrape_configs:\n${job('one')}${job('two')}`);
  p.process.kill('SIGHUP');
  await until('the reload', async () => ((await json<Pools>(`${base}/api/v1/scrape_pools`)).data.scrapePools.length === 2 ? true : undefined), 5000);
  assert.ok(p.output().split('\n').some((l) => l.startsWith('{') && (JSON.parse(l) as { msg: string }).msg === 'Completed loading of configuration file'));
  await p.stop();
});
