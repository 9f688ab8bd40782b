// Prometheus and `vigil server` side by side on free ports, for tests that compare their HTTP answers.

import { freePort, startProgram, waitForHttp } from './programs.js';

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
