// The scrape cache of one target: raw series text → (ref, labels), so unchanged series skip parsing and hashing.

import type { Labels } from '../model/labels.js';
import type { SeriesRef } from '../storage/appendable.js';

export interface CacheEntry {
  ref: SeriesRef;
  readonly labels: Labels;
  /** The scrape iteration that last saw this series. */
  lastIter: number;
  /** Whether the series took part in staleness tracking when last seen (no explicit timestamp, or tracked anyway). */
  tracked: boolean;
}

export interface MetricMetadata {
  type: string;
  help: string;
  unit: string;
}

/**
 * Per-target cache. Contract: `iter` increases by one per scrape (`beginScrape`); entries not seen for
 * `MAX_IDLE_ITERS` scrapes are forgotten. Series dropped by metric relabeling are remembered too (their key
 * maps to `null`), so a dropped series costs one lookup per scrape.
 */
export class ScrapeCache {
  private static readonly MAX_IDLE_ITERS = 10;
  private readonly entries = new Map<string, CacheEntry | null>();
  private readonly droppedIter = new Map<string, number>();
  /** Series seen in the previous / current scrape that take part in staleness. */
  private prevSeen: CacheEntry[] = [];
  private curSeen: CacheEntry[] = [];
  private readonly metadata = new Map<string, MetricMetadata>();
  private metadataIter = new Map<string, number>();
  iter = 0;

  beginScrape(): void {
    this.iter++;
    this.curSeen = [];
  }

  get(key: string): CacheEntry | null | undefined {
    const e = this.entries.get(key);
    if (e === null) this.droppedIter.set(key, this.iter);
    return e;
  }

  add(key: string, ref: SeriesRef, labels: Labels): CacheEntry {
    const e: CacheEntry = { ref, labels, lastIter: this.iter, tracked: false };
    this.entries.set(key, e);
    return e;
  }

  addDropped(key: string): void {
    this.entries.set(key, null);
    this.droppedIter.set(key, this.iter);
  }

  /** Marks an entry as seen in this scrape; `tracked` entries are candidates for staleness markers next time. */
  seen(e: CacheEntry, tracked: boolean): void {
    if (e.lastIter === this.iter && e.tracked) return;
    e.lastIter = this.iter;
    e.tracked = tracked;
    if (tracked) this.curSeen.push(e);
  }

  /**
   * Ends a successful scrape: calls `stale` for every tracked series of the previous scrape that this one did not
   * have, then forgets idle entries. After a failed scrape, call with an empty current set via `endFailedScrape`.
   */
  endScrape(stale: (e: CacheEntry) => void): void {
    for (const e of this.prevSeen) if (e.lastIter !== this.iter || !e.tracked) stale(e);
    this.prevSeen = this.curSeen;
    this.curSeen = [];
    if (this.iter % ScrapeCache.MAX_IDLE_ITERS === 0) this.sweep();
  }

  /** Every series of the last successful scrape goes stale (failed scrape, or the target went away). */
  staleAll(stale: (e: CacheEntry) => void): void {
    for (const e of this.prevSeen) stale(e);
    this.prevSeen = [];
    this.curSeen = [];
  }

  setMetadata(family: string, field: keyof MetricMetadata, value: string): void {
    let m = this.metadata.get(family);
    if (m === undefined) {
      m = { type: 'unknown', help: '', unit: '' };
      this.metadata.set(family, m);
    }
    m[field] = value;
    this.metadataIter.set(family, this.iter);
  }

  /** Metadata of the families seen in recent scrapes, by family name. */
  listMetadata(): ReadonlyMap<string, MetricMetadata> {
    return this.metadata;
  }

  get size(): number {
    return this.entries.size;
  }

  private sweep(): void {
    const cutoff = this.iter - ScrapeCache.MAX_IDLE_ITERS;
    for (const [k, e] of this.entries) {
      const last = e === null ? (this.droppedIter.get(k) ?? 0) : e.lastIter;
      if (last < cutoff) {
        this.entries.delete(k);
        this.droppedIter.delete(k);
      }
    }
    const fresh = new Map<string, number>();
    for (const [k, it] of this.metadataIter) {
      if (it >= cutoff) fresh.set(k, it);
      else this.metadata.delete(k);
    }
    this.metadataIter = fresh;
  }
}
