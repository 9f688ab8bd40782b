// Runs the discoverers of every scrape job, merges their target groups per job, and hands the full set on,
// at most once per update interval (Prometheus: 5 s). Applying a new config restarts only changed providers.

import type { SdConfig } from '../config/prometheus-config.js';
import type { Clock } from '../model/clock.js';
import { systemClock } from '../model/clock.js';
import { Labels } from '../model/labels.js';
import type { TargetGroup } from '../model/target-group.js';
import type { Discoverer, DiscovererContext } from './discoverer.js';
import { createDiscoverer } from './discoverer-factory.js';
import { sameGroup } from './group-tracker.js';

export interface DiscoveryManagerOptions {
  clock?: Clock;
  /** Minimum time between two updates handed on, in ms (default 5000, as Prometheus). */
  updateInterval?: number;
  /** Builds a discoverer for one SD config; tests inject their own. */
  create?: (cfg: SdConfig, ctx: DiscovererContext) => Discoverer;
  /** Failed refreshes, with the jobs the failing provider serves. */
  onError?: (err: Error, jobs: readonly string[]) => void;
  dnsServers?: readonly string[];
}

/** The full state handed on: every configured job with all its current target groups. */
export type TargetSets = ReadonlyMap<string, readonly TargetGroup[]>;

interface Provider {
  readonly key: string;
  readonly cfg: SdConfig;
  readonly jobs: Set<string>;
  readonly groups: Map<string, TargetGroup>;
  controller?: AbortController;
  done?: Promise<void>;
}

/** JSON with label sets as their flat arrays, so equal configs give equal keys. */
function configKey(cfg: SdConfig): string {
  return JSON.stringify(cfg, (_k, v: unknown) => (v instanceof Labels ? v.flat : v));
}

export class DiscoveryManager {
  private readonly clock: Clock;
  private readonly updateInterval: number;
  private readonly create: (cfg: SdConfig, ctx: DiscovererContext) => Discoverer;
  private readonly onError: (err: Error, jobs: readonly string[]) => void;
  private readonly dnsServers: readonly string[] | undefined;
  private providers = new Map<string, Provider>();
  private jobs = new Map<string, string[]>();
  private dirty = false;
  private signal: AbortSignal | undefined;

  constructor(options: DiscoveryManagerOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.updateInterval = options.updateInterval ?? 5000;
    this.create = options.create ?? createDiscoverer;
    this.onError = options.onError ?? (() => undefined);
    this.dnsServers = options.dnsServers;
  }

  /**
   * Sets the SD configs of every job (job name → its SD configs). Providers whose config is unchanged keep
   * running (and keep their groups); identical configs in several jobs share one provider; providers no job
   * uses any more are stopped. The next update reflects the new job set.
   */
  applyConfig(jobs: Iterable<readonly [string, readonly SdConfig[]]>): void {
    const next = new Map<string, Provider>();
    const nextJobs = new Map<string, string[]>();
    for (const [job, cfgs] of jobs) {
      const keys: string[] = [];
      for (const cfg of cfgs) {
        const key = configKey(cfg);
        keys.push(key);
        let p = next.get(key);
        if (p === undefined) {
          const old = this.providers.get(key);
          p = old ?? { key, cfg, jobs: new Set(), groups: new Map() };
          p.jobs.clear();
          next.set(key, p);
        }
        p.jobs.add(job);
      }
      nextJobs.set(job, keys);
    }
    for (const [key, p] of this.providers) if (!next.has(key)) p.controller?.abort();
    this.providers = next;
    this.jobs = nextJobs;
    this.dirty = true;
    if (this.signal !== undefined) for (const p of next.values()) if (p.controller === undefined) this.start(p, this.signal);
  }

  /** The current groups of every job (what the next update will carry). */
  targetSets(): Map<string, TargetGroup[]> {
    const out = new Map<string, TargetGroup[]>();
    for (const [job, keys] of this.jobs) {
      const groups: TargetGroup[] = [];
      for (const key of new Set(keys)) {
        const p = this.providers.get(key);
        if (p !== undefined) for (const g of p.groups.values()) groups.push(g);
      }
      out.set(job, groups);
    }
    return out;
  }

  /**
   * Runs every provider and calls `onUpdate` with the full target sets at most once per update interval, when
   * something changed. Resolves after `signal` aborts and every provider has stopped.
   */
  async run(signal: AbortSignal, onUpdate: (sets: TargetSets) => void): Promise<void> {
    this.signal = signal;
    for (const p of this.providers.values()) if (p.controller === undefined) this.start(p, signal);
    while (!signal.aborted) {
      await this.clock.sleep(this.updateInterval, signal);
      if (signal.aborted) break;
      if (this.dirty) {
        this.dirty = false;
        onUpdate(this.targetSets());
      }
    }
    await Promise.all([...this.providers.values()].map((p) => p.done));
    this.signal = undefined;
  }

  private start(p: Provider, parent: AbortSignal): void {
    const controller = new AbortController();
    const stop = (): void => controller.abort();
    parent.addEventListener('abort', stop, { once: true });
    p.controller = controller;
    const ctx: DiscovererContext = {
      clock: this.clock,
      report: (err) => this.onError(err, [...p.jobs]),
      ...(this.dnsServers === undefined ? {} : { dnsServers: this.dnsServers }),
    };
    const emit = (groups: TargetGroup[]): void => {
      if (controller.signal.aborted) return;
      for (const g of groups) {
        const old = p.groups.get(g.source);
        if (g.targets.length === 0) {
          if (old !== undefined) {
            p.groups.delete(g.source);
            this.dirty = true;
          }
        } else if (old === undefined || !sameGroup(old, g)) {
          p.groups.set(g.source, g);
          this.dirty = true;
        }
      }
    };
    let discoverer: Discoverer;
    try {
      discoverer = this.create(p.cfg, ctx);
    } catch (err) {
      ctx.report(err instanceof Error ? err : new Error(String(err)));
      p.done = Promise.resolve();
      return;
    }
    p.done = discoverer.run(controller.signal, emit).then(
      () => undefined,
      (err: unknown) => ctx.report(err instanceof Error ? err : new Error(String(err))),
    ).finally(() => parent.removeEventListener('abort', stop));
  }
}
