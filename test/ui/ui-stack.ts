// For the browser tests and screenshots: `vigil server` serving the built UI and its API (or, with
// VIGIL_UI_BACKEND=prometheus, UiAssets in front of a real Prometheus's API), scraping itself, a node exporter,
// a relabel-dropped target and a down target whose label value is HTML.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UiAssets } from '../../src/web/ui-assets.js';
import { findProgram, freePort, startProgram, waitForHttp } from '../support/programs.js';
import type { RunningProgram } from '../support/programs.js';

/** The label value on the down target that must render as text. */
export const EVIL_LABEL_VALUE = '<img src=x onerror=alert(1)>';

/** Which server answers: Vigil (the default) or the real Prometheus 2.42 behind a proxy that adds the UI. */
export type UiBackend = 'vigil' | 'prometheus';

export interface UiStack {
  readonly backend: UiBackend;
  /** Where the UI is served (its API calls reach `apiUrl`). */
  readonly uiUrl: string;
  /** The API the UI talks to (the same server as `uiUrl` for Vigil). */
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

/** Starts node exporter and the server; skips (returns a reason) when a program is missing locally. */
export async function startUiStack(backend: UiBackend = process.env.VIGIL_UI_BACKEND === 'prometheus' ? 'prometheus' : 'vigil'): Promise<UiStack | { skip: string }> {
  const node = findProgram('prometheus-node-exporter');
  if (node.skip !== undefined) return { skip: node.skip };
  const serverProgram = backend === 'prometheus' ? findProgram('prometheus') : { path: process.execPath };
  if (serverProgram.skip !== undefined) return { skip: serverProgram.skip };
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
        `  - job_name: ${backend}`,
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
    const serverArgs = [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
    ];
    const vigilBin = fileURLToPath(new URL('../../../bin/vigil', import.meta.url));
    const backendProgram = startProgram(serverProgram.path, backend === 'vigil' ? [vigilBin, 'server', ...serverArgs] : serverArgs);
    programs.push(backendProgram);
    const apiUrl = `http://127.0.0.1:${promPort}`;
    await waitForHttp(`http://127.0.0.1:${nodePort}/metrics`, nodeExporter);
    await waitForHttp(`${apiUrl}/-/ready`, backendProgram);
    if (backend === 'vigil') return { backend, uiUrl: apiUrl, apiUrl, downTarget: `http://${downTarget}/metrics`, stop };
    const served = await serveUi(assets, apiUrl);
    server = served.server;
    return { backend, uiUrl: served.url, apiUrl, downTarget: `http://${downTarget}/metrics`, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
