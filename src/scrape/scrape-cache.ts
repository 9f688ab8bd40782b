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

/**
 * One cached series text: where its bytes are in the key arena, its entry (null when metric relabeling dropped
 * it), and the format (a small number the parser factory gives) it was last read whole in.
 */
interface Slot {
  /** -1 once the slot is forgotten. */
  off: number;
  readonly len: number;
  readonly entry: CacheEntry | null;
  lastIter: number;
  /** The format the text was last read whole in; 0: never trusted (it has a raw line feed). */
  format: number;
  /** The slot that followed this one in the last scrape that had it: the guess for the next line. */
  next: Slot | undefined;
}

/** FNV-1a over a byte range: the cache's bucket key (collisions are resolved by comparing bytes). */
export function hashBytes(buf: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ (buf[i] as number), 16777619);
  return h >>> 0;
}

/** Keys at least this long are compared by Buffer#compare (memcmp; its call costs about as much as ~60 bytes in JS). */
const NATIVE_COMPARE_MIN = 64;

function sameBytes(keys: Buffer, off: number, len: number, buf: Uint8Array, start: number, end: number): boolean {
  if (len !== end - start) return false;
  // The last bytes differ most often between series of one family (label values, `le`): test them first.
  if (len > 0 && keys[off + len - 1] !== buf[end - 1]) return false;
  if (len >= NATIVE_COMPARE_MIN) return keys.compare(buf, start, end, off, off + len) === 0;
  for (let i = 0; i < len; i++) if (keys[off + i] !== buf[start + i]) return false;
  return true;
}

/**
 * Per-target cache. Contract: `beginScrape` starts each scrape (iterations count up); series not seen for
 * `MAX_IDLE_ITERS` scrapes are forgotten. A lookup allocates nothing: the key is the byte range of the series as
 * the target wrote it; keys are copied into one arena per cache (no object per key), compacted as series go.
 * Series dropped by metric relabeling are remembered too (entry null), so a dropped series costs one lookup per
 * scrape.
 *
 * `probe` is what the parser asks before reading a series' labels: whether these exact bytes were read whole
 * before in the same format (then their labels were valid and need no second look). Its answer is remembered, so
 * the `lookup` that follows for the same range costs nothing. Targets write their series in the same order every
 * time, so the cache also remembers that order: asked without an end, `probe` compares the line with the series
 * that came next last time, which costs one comparison of bytes and no hashing or scanning.
 */
export class ScrapeCache {
  private static readonly MAX_IDLE_ITERS = 10;
  private readonly slots = new Map<number, Slot | Slot[]>();
  private count = 0;
  /** Key bytes of every slot, back to back; `arenaUsed` bytes are in use, `arenaDead` of them by forgotten slots. */
  private arena = Buffer.alloc(0);
  private arenaUsed = 0;
  private arenaDead = 0;
  /** The last probed or looked-up range and what it found (reset every scrape: bodies may reuse a buffer). */
  private memoBuf: Uint8Array | undefined;
  private memoStart = -1;
  private memoEnd = -1;
  private memoHash = 0;
  private memoSlot: Slot | undefined;
  /** First slot of the last scrape; the slot looked up last in this one; the guess for the next line. */
  private first: Slot | undefined;
  private last: Slot | undefined;
  private expected: Slot | undefined;
  /** Series seen in the previous / current scrape that take part in staleness. */
  private prevSeen: CacheEntry[] = [];
  private curSeen: CacheEntry[] = [];
  private readonly metadata = new Map<string, MetricMetadata>();
  private metadataIter = new Map<string, number>();
  iter = 0;

  beginScrape(): void {
    this.iter++;
    this.curSeen = [];
    this.memoBuf = undefined;
    this.expected = this.first;
    this.last = undefined;
  }

  /**
   * Whether the series at `buf[start, end)` was read whole before in `format` (dropped series included): returns
   * `end`, or -1. With `end` -1: whether the bytes at `start` are those of the series expected next (in the order of
   * the last scrape), read whole before in `format`: returns where that series text ends, or -1. The caller checks
   * that the series text really ends there (a name alone could be the start of a longer name).
   */
  probe(buf: Uint8Array, start: number, end: number, format: number): number {
    if (end < 0) {
      const s = this.expected;
      if (s === undefined || s.off < 0 || s.format !== format || start + s.len > buf.length) return -1;
      if (!sameBytes(this.arena, s.off, s.len, buf, start, start + s.len)) return -1;
      this.memoBuf = buf;
      this.memoStart = start;
      this.memoEnd = start + s.len;
      this.memoHash = -1;
      this.memoSlot = s;
      return start + s.len;
    }
    const slot = this.find(buf, start, end);
    return slot !== undefined && slot.format === format ? end : -1;
  }

  /**
   * The entry for the series at `buf[start, end)`, now read whole in `format`: an entry, null (dropped by
   * relabeling), or undefined (unknown).
   */
  lookup(buf: Uint8Array, start: number, end: number, format: number): CacheEntry | null | undefined {
    const slot = this.find(buf, start, end);
    if (slot === undefined) return undefined;
    slot.lastIter = this.iter;
    if (slot.format !== 0) slot.format = format;
    this.follows(slot);
    return slot.entry;
  }

  /** Records the scrape's order: `slot` came after the previous one; the one after it last time is the next guess. */
  private follows(slot: Slot): void {
    if (this.last === undefined) this.first = slot;
    else this.last.next = slot;
    this.last = slot;
    this.expected = slot.next;
  }

  /** Caches a series (entry) or a dropped series (null) under its bytes, read whole in `format`. */
  put(buf: Uint8Array, start: number, end: number, entry: CacheEntry | null, format: number): void {
    const memo = this.memoBuf === buf && this.memoStart === start && this.memoEnd === end && this.memoHash >= 0;
    const hash = memo ? this.memoHash : hashBytes(buf, start, end);
    const len = end - start;
    if (this.arenaUsed + len > this.arena.length) this.growArena(len);
    this.arena.set(buf.subarray(start, end), this.arenaUsed);
    // A series text with a raw line feed (in a label value) is never trusted: the parser must count its lines.
    const lf = buf.indexOf(0x0a, start);
    const trusted = lf < 0 || lf >= end ? format : 0;
    const slot: Slot = { off: this.arenaUsed, len, entry, lastIter: this.iter, format: trusted, next: undefined };
    this.arenaUsed += len;
    const b = this.slots.get(hash);
    if (b === undefined) this.slots.set(hash, slot);
    else if (Array.isArray(b)) b.push(slot);
    else this.slots.set(hash, [b, slot]);
    this.count++;
    this.memoBuf = buf;
    this.memoStart = start;
    this.memoEnd = end;
    this.memoHash = hash;
    this.memoSlot = slot;
    this.follows(slot);
  }

  private find(buf: Uint8Array, start: number, end: number): Slot | undefined {
    if (this.memoBuf === buf && this.memoStart === start && this.memoEnd === end && (this.memoSlot === undefined || this.memoSlot.off >= 0)) return this.memoSlot;
    const hash = hashBytes(buf, start, end);
    const b = this.slots.get(hash);
    let found: Slot | undefined;
    if (b !== undefined) {
      const keys = this.arena;
      if (!Array.isArray(b)) {
        if (sameBytes(keys, b.off, b.len, buf, start, end)) found = b;
      } else {
        for (const s of b) {
          if (sameBytes(keys, s.off, s.len, buf, start, end)) {
            found = s;
            break;
          }
        }
      }
    }
    this.memoBuf = buf;
    this.memoStart = start;
    this.memoEnd = end;
    this.memoHash = hash;
    this.memoSlot = found;
    return found;
  }

  private growArena(need: number): void {
    const grown = Buffer.allocUnsafeSlow(Math.max(this.arena.length * 2, this.arenaUsed + need, 4096));
    grown.set(this.arena.subarray(0, this.arenaUsed));
    this.arena = grown;
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
    // The body may be lent to another scrape now: hold no view of it.
    this.memoBuf = undefined;
    if (this.iter % ScrapeCache.MAX_IDLE_ITERS === 0) this.sweep();
  }

  /** Every series of the last successful scrape goes stale (failed scrape, or the target went away). */
  staleAll(stale: (e: CacheEntry) => void): void {
    for (const e of this.prevSeen) stale(e);
    this.prevSeen = [];
    this.curSeen = [];
    this.memoBuf = undefined;
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
    this.memoBuf = undefined;
    for (const [h, b] of this.slots) {
      if (!Array.isArray(b)) {
        if (b.lastIter < cutoff) {
          this.slots.delete(h);
          this.count--;
          this.arenaDead += b.len;
          b.off = -1;
        }
        continue;
      }
      const keep = b.filter((s) => s.lastIter >= cutoff);
      for (const s of b) {
        if (s.lastIter >= cutoff) continue;
        this.arenaDead += s.len;
        s.off = -1;
      }
      this.count -= b.length - keep.length;
      if (keep.length === 0) this.slots.delete(h);
      else this.slots.set(h, keep.length === 1 ? (keep[0] as Slot) : keep);
    }
    // Forgotten slots must not stay reachable through the order links.
    for (const b of this.slots.values()) {
      if (!Array.isArray(b)) {
        if (b.next !== undefined && b.next.off < 0) b.next = undefined;
      } else {
        for (const s of b) if (s.next !== undefined && s.next.off < 0) s.next = undefined;
      }
    }
    if (this.first !== undefined && this.first.off < 0) this.first = undefined;
    if (this.last !== undefined && this.last.off < 0) this.last = undefined;
    if (this.expected !== undefined && this.expected.off < 0) this.expected = undefined;
    if (this.arenaDead > this.arenaUsed / 2) this.compactArena();
    const fresh = new Map<string, number>();
    for (const [k, it] of this.metadataIter) {
      if (it >= cutoff) fresh.set(k, it);
      else this.metadata.delete(k);
    }
    this.metadataIter = fresh;
  }

  /** Copies the keys of the remaining slots into a fresh arena sized for them (plus room to grow). */
  private compactArena(): void {
    const live = this.arenaUsed - this.arenaDead;
    const fresh = Buffer.allocUnsafeSlow(Math.max(4096, live + (live >> 2)));
    let used = 0;
    for (const b of this.slots.values()) {
      for (const s of Array.isArray(b) ? b : [b]) {
        fresh.set(this.arena.subarray(s.off, s.off + s.len), used);
        s.off = used;
        used += s.len;
      }
    }
    this.arena = fresh;
    this.arenaUsed = used;
    this.arenaDead = 0;
    this.memoBuf = undefined;
  }
}
