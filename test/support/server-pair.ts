// Prometheus and `vigil server` side by side on free ports, for tests that compare their HTTP answers.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, runProgram, startProgram, waitForHttp } from './programs.js';

export interface ServerPair {
  readonly promUrl: string;
  readonly vigilUrl: string;
  stop(): Promise<void>;
}

/** Starts both with the given flags (each gets its own --web.listen-address) and resolves once both are ready. */
export async function startServerPair(prometheusPath: string, promArgs: readonly string[], vigilArgs: readonly string[]): Promise<ServerPair> {
  const [pp, vp] = await Promise.all([freePort(), freePort()]);
  const prom = startProgram(prometheusPath, [...promArgs, `--web.listen-address=127.0.0.1:${pp}`]);
  const vigil = startProgram(process.execPath, ['bin/vigil', 'server', ...vigilArgs, `--web.listen-address=127.0.0.1:${vp}`]);
  const pair: ServerPair = {
    promUrl: `http://127.0.0.1:${pp}`,
    vigilUrl: `http://127.0.0.1:${vp}`,
    stop: async () => void (await Promise.all([prom.stop(), vigil.stop()])),
  };
  try {
    await Promise.all([waitForHttp(`${pair.promUrl}/-/ready`, prom), waitForHttp(`${pair.vigilUrl}/-/ready`, vigil)]);
  } catch (err) {
    await pair.stop();
    throw err;
  }
  return pair;
}

/**
 * Backfills the same OpenMetrics text into `dir/prom` (with promtool) and `dir/vigil` (with `vigil tsdb
 * create-blocks-from`), then starts both servers on those directories with an empty configuration.
 */
export async function startBackfilledPair(prometheusPath: string, promtoolPath: string, dir: string, openMetrics: string): Promise<ServerPair> {
  const file = join(dir, 'demo.om');
  writeFileSync(file, openMetrics);
  const p = runProgram(promtoolPath, ['tsdb', 'create-blocks-from', 'openmetrics', file, join(dir, 'prom')]);
  if (p.status !== 0) throw new Error(`promtool create-blocks-from failed: ${p.stderr}`);
  const v = runProgram(process.execPath, ['bin/vigil', 'tsdb', 'create-blocks-from', 'openmetrics', file, join(dir, 'vigil')]);
  if (v.status !== 0) throw new Error(`vigil tsdb create-blocks-from failed: ${v.stderr}`);
  writeFileSync(join(dir, 'empty.yml'), 'global: {}\n');
  const cfg = `--config.file=${join(dir, 'empty.yml')}`;
  return startServerPair(prometheusPath, [cfg, `--storage.tsdb.path=${join(dir, 'prom')}`], [cfg, `--storage.tsdb.path=${join(dir, 'vigil')}`]);
}
