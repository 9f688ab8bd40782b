// file_sd_configs: target groups in JSON/YAML files, watched with fs.watch and re-read every refresh_interval.

import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { FileSdConfig } from '../../config/prometheus-config.js';
import { glob } from '../../config/path-glob.js';
import { parseTargetGroups } from '../../config/target-group-decoding.js';
import type { Discoverer, DiscovererContext, TargetGroup } from '../discoverer.js';
import { GroupTracker } from '../group-tracker.js';
import { runRefreshLoop } from '../refresh-loop.js';

/** Quiet time after a file event before reading, so an editor's several writes count as one change. */
const SETTLE_MS = 100;

/**
 * Reads every file the patterns match. Each group gets `__meta_filepath`; sources are `<path>:<index>`.
 * A file that fails to read or parse keeps its previous groups (the error is reported); a file that is gone
 * or has fewer groups gets empty groups for the vanished sources.
 */
export class FileDiscoverer implements Discoverer {
  private readonly tracker = new GroupTracker();

  constructor(
    private readonly cfg: FileSdConfig,
    private readonly ctx: DiscovererContext,
  ) {}

  async run(signal: AbortSignal, emit: (groups: TargetGroup[]) => void): Promise<void> {
    const watchers: FSWatcher[] = [];
    let trigger: (() => void) | undefined;
    let settleTimer: NodeJS.Timeout | undefined;
    const onEvent = (): void => {
      clearTimeout(settleTimer);
      settleTimer = setTimeout(() => trigger?.(), SETTLE_MS);
    };
    for (const dir of new Set(this.cfg.files.map((f) => dirname(f)))) {
      try {
        const w = watch(dir, { signal });
        w.on('change', onEvent);
        w.on('error', (err) => this.ctx.report(err));
        watchers.push(w);
      } catch (err) {
        // A directory that does not exist yet is still covered by the periodic refresh.
        this.ctx.report(err instanceof Error ? err : new Error(String(err)));
      }
    }
    let first = true;
    try {
      await runRefreshLoop(signal, {
        clock: this.ctx.clock,
        intervalMs: this.cfg.refreshInterval,
        report: (err) => this.ctx.report(err),
        wake: (t) => {
          trigger = t;
        },
        refresh: async () => {
          const changes = await this.refresh();
          if (first || changes.length > 0) emit(changes);
          first = false;
        },
      });
    } finally {
      clearTimeout(settleTimer);
      for (const w of watchers) w.close();
    }
  }

  /** Reads all files once; returns the changed groups. */
  async refresh(): Promise<TargetGroup[]> {
    const found = new Set<string>();
    for (const pattern of this.cfg.files) for (const f of await glob(pattern)) found.add(f);
    const changes: TargetGroup[] = [];
    for (const file of [...found].sort()) {
      let groups: TargetGroup[];
      try {
        groups = parseTargetGroups(await readFile(file, 'utf8'), file, file, { __meta_filepath: file });
      } catch (err) {
        this.ctx.report(err instanceof Error ? err : new Error(String(err)));
        continue;
      }
      changes.push(...this.tracker.replace(file, groups));
    }
    for (const file of this.tracker.scopes()) if (!found.has(file)) changes.push(...this.tracker.replace(file, []));
    return changes;
  }
}
