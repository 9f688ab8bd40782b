// The label order of the head's series as a rank per slot, so a sorted select sorts numbers, not label sets.

import { compareLabels, type Labels } from '../model/labels.js';

/** What the order reads from the head: labels and ref by slot, and the slot of a ref (0 when not live). */
export interface SlotSeries {
  readonly slotLabels: readonly (Labels | undefined)[];
  readonly refOfSlot: Float64Array;
  slotOf(ref: number): number;
}

/** Below this many refs a select sorts by comparing labels; ranks only pay off for larger sets. */
const SMALL = 64;

/**
 * Ranks follow label order among the series ranked at the last rebuild. Series added since are unranked (rank 0):
 * a select sorts those few by labels and merges them into the ranked ones, until enough pile up for a rebuild (a
 * sort of the unranked series and one merge with the ranked order). Removing a series leaves a gap in the ranks,
 * which keeps the others in order. A reused slot starts unranked again.
 */
export class SeriesOrder {
  /** Rank by slot, 1-based; 0 for unranked (or free) slots. */
  private rank = new Uint32Array(1024);
  /** Slots in label order at the last rebuild, indexed by rank - 1; an entry is stale when its slot's rank moved on. */
  private order = new Uint32Array(0);
  private unranked = 0;
  private live = 0;

  constructor(private readonly series: SlotSeries) {}

  /** A series now lives in `slot`. */
  added(slot: number): void {
    if (slot >= this.rank.length) {
      let n = this.rank.length;
      while (n <= slot) n *= 2;
      const g = new Uint32Array(n);
      g.set(this.rank);
      this.rank = g;
    }
    this.rank[slot] = 0;
    this.unranked++;
    this.live++;
  }

  /** The series in `slot` is gone. */
  removed(slot: number): void {
    if (this.rank[slot] === 0) this.unranked--;
    this.rank[slot] = 0;
    this.live--;
  }

  /** Sorts live refs in place by their series' labels (compareLabels). */
  sort(refs: number[]): void {
    const s = this.series;
    if (refs.length < SMALL) {
      if (refs.length > 1) refs.sort((a, b) => compareLabels(s.slotLabels[s.slotOf(a)] as Labels, s.slotLabels[s.slotOf(b)] as Labels));
      return;
    }
    // Rebuild when the unranked series are many, absolutely or relative to all: merging them per select costs more.
    if (this.unranked > 0 && (this.order.length === 0 || this.unranked > 1024 || this.unranked * 16 > this.live)) this.rebuild();
    const rank = this.rank;
    const ranks = new Uint32Array(refs.length);
    let r = 0;
    let loose: number[] | undefined;
    for (let i = 0; i < refs.length; i++) {
      const ref = refs[i] as number;
      const k = rank[s.slotOf(ref)] as number;
      if (k !== 0) ranks[r++] = k;
      else (loose ??= []).push(ref);
    }
    const sorted = ranks.subarray(0, r).sort();
    const order = this.order;
    const refOfSlot = s.refOfSlot;
    if (loose === undefined) {
      for (let i = 0; i < r; i++) refs[i] = refOfSlot[order[(sorted[i] as number) - 1] as number] as number;
      return;
    }
    const labelsOf = (ref: number): Labels => s.slotLabels[s.slotOf(ref)] as Labels;
    loose.sort((a, b) => compareLabels(labelsOf(a), labelsOf(b)));
    let i = 0;
    let j = 0;
    let w = 0;
    while (i < r || j < loose.length) {
      const a = i < r ? (refOfSlot[order[(sorted[i] as number) - 1] as number] as number) : -1;
      if (j >= loose.length || (a >= 0 && compareLabels(labelsOf(a), labelsOf(loose[j] as number)) <= 0)) {
        refs[w++] = a;
        i++;
      } else refs[w++] = loose[j++] as number;
    }
  }

  /** Ranks every live series: sorts the unranked ones and merges them with the still-valid ranked order. */
  private rebuild(): void {
    const labels = this.series.slotLabels;
    const rank = this.rank;
    const fresh: number[] = [];
    for (let slot = 1; slot < labels.length; slot++) if (labels[slot] !== undefined && rank[slot] === 0) fresh.push(slot);
    fresh.sort((a, b) => compareLabels(labels[a] as Labels, labels[b] as Labels));
    const old = this.order;
    const next = new Uint32Array(old.length + fresh.length);
    let i = 0;
    let j = 0;
    let w = 0;
    while (true) {
      // Skip stale entries of the old order (removed series, or slots reused and so unranked now).
      while (i < old.length && rank[old[i] as number] !== i + 1) i++;
      if (i >= old.length && j >= fresh.length) break;
      let slot: number;
      if (j >= fresh.length || (i < old.length && compareLabels(labels[old[i] as number] as Labels, labels[fresh[j] as number] as Labels) <= 0)) {
        slot = old[i++] as number;
      } else slot = fresh[j++] as number;
      next[w++] = slot;
    }
    // Ranks are assigned after the merge: the stale check above reads the old ranks.
    for (let k = 0; k < w; k++) rank[next[k] as number] = k + 1;
    this.order = next.subarray(0, w);
    this.unranked = 0;
  }
}
