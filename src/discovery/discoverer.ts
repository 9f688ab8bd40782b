// The Discoverer seam: every service-discovery mechanism emits target groups through it and nothing else.

import type { Clock } from '../model/clock.js';
import type { TargetGroup } from '../model/target-group.js';

export type { TargetGroup } from '../model/target-group.js';

/**
 * One running discovery mechanism (one `*_sd_configs` entry).
 *
 * Contract (checked for every mechanism by test/discovery/discoverer-conformance.test.ts): `run` emits the full
 * current state first, as soon as it has one (possibly no groups; a mechanism that cannot reach its backend may
 * emit nothing until it can), then only groups whose content changed; a group with no targets removes what
 * was sent before under its source. Sources are unique. `run` resolves soon after `signal` aborts and never
 * rejects on remote errors: those go to `DiscovererContext.report` and are retried on the mechanism's own
 * schedule, keeping the last good state.
 */
export interface Discoverer {
  run(signal: AbortSignal, emit: (groups: TargetGroup[]) => void): Promise<void>;
}

/** What a discoverer is given besides its config. */
export interface DiscovererContext {
  /** Drives refresh intervals and retry delays; a FakeClock in tests. */
  readonly clock: Clock;
  /** Receives every failed refresh (the discoverer keeps its last good state and retries on its schedule). */
  report(err: Error): void;
  /** DNS servers (`host:port`) for dns_sd; the system's resolvers when absent. */
  readonly dnsServers?: readonly string[];
}
