// Turns successive full listings of target groups into the changes a Discoverer emits (changed groups, and
// empty groups for sources that disappeared).

import type { TargetGroup } from '../model/target-group.js';

/** True when two groups have the same source, labels and targets (in order). */
export function sameGroup(a: TargetGroup, b: TargetGroup): boolean {
  if (a.source !== b.source || !a.labels.equals(b.labels) || a.targets.length !== b.targets.length) return false;
  for (let i = 0; i < a.targets.length; i++) if (!(a.targets[i] as TargetGroup['labels']).equals(b.targets[i] as TargetGroup['labels'])) return false;
  return true;
}

/** Remembers the groups sent per scope (a file, a key, or the whole mechanism) to compute what changed. */
export class GroupTracker {
  private readonly sent = new Map<string, Map<string, TargetGroup>>();

  /**
   * Replaces everything known for `scope` with `groups`; returns the groups that differ from what was sent,
   * plus an empty group for each source of the scope that is gone.
   */
  replace(scope: string, groups: readonly TargetGroup[]): TargetGroup[] {
    const before = this.sent.get(scope) ?? new Map<string, TargetGroup>();
    const after = new Map<string, TargetGroup>();
    const changes: TargetGroup[] = [];
    for (const g of groups) {
      after.set(g.source, g);
      const old = before.get(g.source);
      if (old === undefined || !sameGroup(old, g)) changes.push(g);
    }
    for (const [source, old] of before) {
      if (!after.has(source)) changes.push({ source, targets: [], labels: old.labels });
    }
    if (after.size === 0) this.sent.delete(scope);
    else this.sent.set(scope, after);
    return changes;
  }

  /** Every scope currently known. */
  scopes(): string[] {
    return [...this.sent.keys()];
  }
}
