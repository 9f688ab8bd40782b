// For the browser tests, screenshots and bench: the built UI served by UiAssets in front of a real Prometheus API,
// with Prometheus scraping itself, a node exporter, a dropped target and a down target whose label value is HTML.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UiAssets } from '../../src/web/ui-assets.js';
import { findProgram, freePort, startProgram, waitForHttp } from '../support/programs.js';
import type { RunningProgram } from '../support/programs.js';

/** The label value on the down target that must render as text. */
export const EVIL_LABEL_VALUE = '<img src=x onerror=alert(1)>';

export interface UiStack {
  /** Where the UI is served (its API calls reach `apiUrl`). */
  readonly uiUrl: string;
  /** The Prometheus API behind it. */
  readonly apiUrl: string;
  /** The scrape URL of the down target. */
  readonly downTarget: string;
  stop(): Promise<void>;
}

/** Serves `assets` and proxies everything else to `backend` (method, path, query, body and headers as they come). */
export async function serveUi(assets: UiAssets, backend: string): Promise<{ url: string; server: Server }> {
  const target = new URL(backend);
  const server = createServer((req, res) => {
    if (assets.handle(req, res)) return;
    const up = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on('error', (err) => {
      if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'text/plain' });
      res.end(`proxy error: ${err.message}`);
    });
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** Starts node exporter, Prometheus and the UI server; skips (returns a reason) when a program is missing locally. */
export async function startUiStack(): Promise<UiStack | { skip: string }> {
  const prom = findProgram('prometheus');
  const node = findProgram('prometheus-node-exporter');
  if (prom.skip !== undefined) return { skip: prom.skip };
  if (node.skip !== undefined) return { skip: node.skip };
  const assets = UiAssets.load();
  if (!assets.built) throw new Error(`the UI is not built in ${assets.dir}: run npm run build:ui`);

  const dir = mkdtempSync(join(tmpdir(), 'vigil-ui-stack-'));
  const [promPort, nodePort, deadPort] = [await freePort(), await freePort(), await freePort()];
  const programs: RunningProgram[] = [];
  let server: Server | null = null;
  const stop = async (): Promise<void> => {
    if (server !== null) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server?.close(() => resolve()));
    }
    await Promise.all(programs.map((p) => p.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const nodeExporter = startProgram(node.path, [
      `--web.listen-address=127.0.0.1:${nodePort}`,
      '--collector.disable-defaults',
      '--collector.cpu',
      '--collector.meminfo',
      '--collector.loadavg',
      '--collector.netdev',
      '--collector.filesystem',
    ]);
    programs.push(nodeExporter);
    const downTarget = `127.0.0.1:${deadPort}`;
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global:',
        '  scrape_interval: 1s',
        '  evaluation_interval: 1s',
        'scrape_configs:',
        '  - job_name: prometheus',
        '    static_configs:',
        `      - targets: ['127.0.0.1:${promPort}']`,
        '  - job_name: node',
        '    static_configs:',
        `      - targets: ['127.0.0.1:${nodePort}', 'dropped.invalid:9100']`,
        '    relabel_configs:',
        '      - source_labels: [__address__]',
        "        regex: 'dropped\\.invalid:.*'",
        '        action: drop',
        '  - job_name: broken',
        '    static_configs:',
        `      - targets: ['${downTarget}']`,
        '        labels:',
        `          evil: ${JSON.stringify(EVIL_LABEL_VALUE)}`,
        '',
      ].join('\n'),
    );
    const vigilBin = process.env.VIGIL_UI_TEST_VIGIL;
    const prometheus = startProgram(vigilBin ?? prom.path, [
      ...(vigilBin ? ['server'] : []),
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
    ]);
    programs.push(prometheus);
    const apiUrl = `http://127.0.0.1:${promPort}`;
    await waitForHttp(`http://127.0.0.1:${nodePort}/metrics`, nodeExporter);
    await waitForHttp(`${apiUrl}/-/ready`, prometheus);
    const served = await serveUi(assets, apiUrl);
    server = served.server;
    return { uiUrl: served.url, apiUrl, downTarget: `http://${downTarget}/metrics`, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
