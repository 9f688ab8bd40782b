// The scrape cache of one target: raw series bytes → (ref, labels), so unchanged series skip parsing and hashing.

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

/** One cached series text: its bytes, and its entry (null when metric relabeling dropped it). */
interface Slot {
  readonly key: Uint8Array;
  readonly entry: CacheEntry | null;
  lastIter: number;
}

/** FNV-1a over a byte range: the cache's bucket key (collisions are resolved by comparing bytes). */
export function hashBytes(buf: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ (buf[i] as number), 16777619);
  return h >>> 0;
}

function sameBytes(key: Uint8Array, buf: Uint8Array, start: number, end: number): boolean {
  if (key.length !== end - start) return false;
  for (let i = 0; i < key.length; i++) if (key[i] !== buf[start + i]) return false;
  return true;
}

/**
 * Per-target cache. Contract: `beginScrape` starts each scrape (iterations count up); series not seen for
 * `MAX_IDLE_ITERS` scrapes are forgotten. A lookup allocates nothing: the key is the byte range of the series as
 * the target wrote it. Series dropped by metric relabeling are remembered too (entry null), so a dropped series
 * costs one lookup per scrape.
 */
export class ScrapeCache {
  private static readonly MAX_IDLE_ITERS = 10;
  private readonly slots = new Map<number, Slot | Slot[]>();
  private count = 0;
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

  /** The entry for the series at `buf[start, end)`: an entry, null (dropped by relabeling), or undefined (unknown). */
  get(buf: Uint8Array, start: number, end: number, hash: number): CacheEntry | null | undefined {
    const b = this.slots.get(hash);
    if (b === undefined) return undefined;
    if (!Array.isArray(b)) {
      if (!sameBytes(b.key, buf, start, end)) return undefined;
      b.lastIter = this.iter;
      return b.entry;
    }
    for (const s of b) {
      if (sameBytes(s.key, buf, start, end)) {
        s.lastIter = this.iter;
        return s.entry;
      }
    }
    return undefined;
  }

  /** Caches a series (entry) or a dropped series (null) under its bytes. */
  put(buf: Uint8Array, start: number, end: number, hash: number, entry: CacheEntry | null): void {
    const slot: Slot = { key: buf.slice(start, end), entry, lastIter: this.iter };
    const b = this.slots.get(hash);
    if (b === undefined) this.slots.set(hash, slot);
    else if (Array.isArray(b)) b.push(slot);
    else this.slots.set(hash, [b, slot]);
    this.count++;
  }

  newEntry(ref: SeriesRef, labels: Labels): CacheEntry {
    return { ref, labels, lastIter: this.iter, tracked: false };
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
   * have, then forgets idle entries.
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

  /** Whether this scrape should re-read metadata (the first scrape and every 10th after it: it rarely changes). */
  get refreshMetadata(): boolean {
    return this.iter % ScrapeCache.MAX_IDLE_ITERS === 1;
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

  /** Number of cached series texts (kept and dropped). */
  get size(): number {
    return this.count;
  }

  private sweep(): void {
    const cutoff = this.iter - ScrapeCache.MAX_IDLE_ITERS;
    for (const [h, b] of this.slots) {
      if (!Array.isArray(b)) {
        if (b.lastIter < cutoff) {
          this.slots.delete(h);
          this.count--;
        }
        continue;
      }
      const keep = b.filter((s) => s.lastIter >= cutoff);
      this.count -= b.length - keep.length;
      if (keep.length === 0) this.slots.delete(h);
      else this.slots.set(h, keep.length === 1 ? (keep[0] as Slot) : keep);
    }
    const fresh = new Map<string, number>();
    for (const [k, it] of this.metadataIter) {
      if (it >= cutoff) fresh.set(k, it);
      else this.metadata.delete(k);
    }
    this.metadataIter = fresh;
  }
}
