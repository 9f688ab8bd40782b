// Target groups: what service discovery emits and static_configs declare — label sets, never scrapes.

import type { Labels } from './labels.js';

/**
 * A group of targets from one source. The labels of a target are `targets[i]` plus `labels` (the target wins on
 * conflict). A group with a known `source` and no targets means "everything sent earlier for this source is gone".
 */
export interface TargetGroup {
  /** Unique within its discoverer, e.g. `file.json:0`, a DNS name, a Consul service name. */
  readonly source: string;
  /** One label set per target; each holds at least `__address__`. */
  readonly targets: readonly Labels[];
  /** Labels shared by every target of the group (including `__meta_*` labels of the mechanism). */
  readonly labels: Labels;
}
