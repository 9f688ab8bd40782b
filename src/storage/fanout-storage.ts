// One primary storage plus secondaries (e.g. remote write): writes go to all, reads merge all.

import type { Labels } from '../model/labels.js';
import type { Appendable, Appender, SeriesRef } from './appendable.js';
import { MergeQuerier } from './merge-querier.js';
import type { Querier, Queryable } from './queryable.js';

/** A secondary storage; a write-only one (remote write) has no querier. */
export interface SecondaryStorage {
  appendable?: Appendable;
  queryable?: Queryable;
}

export interface FanoutStats {
  /** Samples a secondary refused or whose commit failed; the primary still has them. */
  secondaryAppendErrorsTotal: number;
  secondaryCommitErrorsTotal: number;
  secondaryQueryErrorsTotal: number;
}

/**
 * Contract: the primary decides. An append or commit the primary refuses fails; secondaries' failures are counted,
 * passed to `onWarning`, and never fail the write. Reads merge primary and secondaries (primary wins on equal
 * timestamps); a secondary that fails to read becomes a warning on the result.
 */
export class FanoutStorage implements Appendable, Queryable {
  readonly stats: FanoutStats = { secondaryAppendErrorsTotal: 0, secondaryCommitErrorsTotal: 0, secondaryQueryErrorsTotal: 0 };

  constructor(
    private readonly primary: Appendable & Queryable,
    private readonly secondaries: readonly SecondaryStorage[] = [],
    private readonly onWarning: (message: string) => void = () => undefined,
  ) {}

  appender(): Appender {
    const apps: Appender[] = [];
    for (const s of this.secondaries) {
      if (s.appendable === undefined) continue;
      try {
        apps.push(s.appendable.appender());
      } catch (err) {
        this.warn('append', err);
      }
    }
    if (apps.length === 0) return this.primary.appender();
    return new FanoutAppender(this.primary.appender(), apps, this);
  }

  querier(mint: number, maxt: number): Querier {
    const queriers: Querier[] = [this.primary.querier(mint, maxt)];
    for (const s of this.secondaries) {
      if (s.queryable === undefined) continue;
      try {
        queriers.push(s.queryable.querier(mint, maxt));
      } catch (err) {
        this.stats.secondaryQueryErrorsTotal++;
        this.onWarning(`secondary storage querier failed: ${String(err)}`);
      }
    }
    return queriers.length === 1 ? (queriers[0] as Querier) : new MergeQuerier(queriers, { primaries: 1 });
  }

  /** @internal */
  warn(what: 'append' | 'commit', err: unknown): void {
    if (what === 'append') this.stats.secondaryAppendErrorsTotal++;
    else this.stats.secondaryCommitErrorsTotal++;
    this.onWarning(`secondary storage ${what} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

class FanoutAppender implements Appender {
  constructor(
    private readonly primary: Appender,
    private readonly secondaries: Appender[],
    private readonly owner: FanoutStorage,
  ) {}

  append(ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef {
    const out = this.primary.append(ref, labels, t, v);
    // Secondaries number series their own way: they look the labels up.
    for (const s of this.secondaries) {
      try {
        s.append(0, labels, t, v);
      } catch (err) {
        this.owner.warn('append', err);
      }
    }
    return out;
  }

  /** Start timestamps go to every storage that keeps them; the others get the plain sample. */
  appendST(ref: SeriesRef, labels: Labels, t: number, st: number, v: number): SeriesRef {
    const out = this.primary.appendST !== undefined ? this.primary.appendST(ref, labels, t, st, v) : this.primary.append(ref, labels, t, v);
    for (const s of this.secondaries) {
      try {
        if (s.appendST !== undefined) s.appendST(0, labels, t, st, v);
        else s.append(0, labels, t, v);
      } catch (err) {
        this.owner.warn('append', err);
      }
    }
    return out;
  }

  labelsOf(ref: SeriesRef): Labels | undefined {
    return this.primary.labelsOf?.(ref);
  }

  async commit(): Promise<void> {
    try {
      await this.primary.commit();
    } catch (err) {
      for (const s of this.secondaries) s.rollback();
      throw err;
    }
    await Promise.all(this.secondaries.map((s) => s.commit().catch((err: unknown) => this.owner.warn('commit', err))));
  }

  rollback(): void {
    this.primary.rollback();
    for (const s of this.secondaries) s.rollback();
  }
}
