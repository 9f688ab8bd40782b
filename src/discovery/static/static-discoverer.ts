// static_configs: the groups written in the configuration, emitted once.

import type { StaticSdConfig } from '../../config/prometheus-config.js';
import type { Discoverer, TargetGroup } from '../discoverer.js';

export class StaticDiscoverer implements Discoverer {
  constructor(private readonly cfg: StaticSdConfig) {}

  async run(signal: AbortSignal, emit: (groups: TargetGroup[]) => void): Promise<void> {
    emit([...this.cfg.groups]);
    if (signal.aborted) return;
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  }
}
