// Replay's samples held back per series and appended a run at a time, so a series' append state and chunk tail are loaded once per run, not once per sample.

import { grownArray } from './grown-array.js';

/** Takes the held-back samples of one series. */
export interface RunSink {
  /**
   * The `n` samples of the series in `slot`, oldest first, as (time, value) pairs at tv[from], tv[from + 1], … The
   * view is valid during the call only.
   */
  appendRun(slot: number, tv: Float64Array, from: number, n: number): void;
}

/** Samples held per series at most (a run); fewer when the budget would be exceeded. */
const MAX_RUN = 8;
/** Bytes the held-back samples may take: 64 MiB is 8 samples for each of 512k series, 1 (no holding back) from 4M. */
const BUDGET_BYTES = 64 * 2 ** 20;

/**
 * A WAL's samples come series after series, one scrape of a target at a time, so consecutive samples belong to
 * different series and each append misses the cache twice (the series' state, then its chunk's tail). Holding up to
 * MAX_RUN samples per series and handing them to the sink together turns those misses into one per run plus a store.
 * Order per series is kept: a series' samples reach the sink in the order they were added. Slots are the sink's
 * (small integers); `flush` hands over everything still held (call it before the sink's chunks are read).
 */
export class SeriesRuns {
  private width = MAX_RUN;
  /** Per slot `width` (time, value) pairs. */
  private tv = new Float64Array(0);
  private counts = new Uint8Array(0);
  private readonly budgetBytes: number;

  constructor(
    private readonly sink: RunSink,
    options: { budgetBytes?: number } = {},
  ) {
    this.budgetBytes = options.budgetBytes ?? BUDGET_BYTES;
  }

  /** Samples a run holds at most now (it shrinks as slots grow past the memory budget). */
  get runLength(): number {
    return this.width;
  }

  add(slot: number, t: number, v: number): void {
    if (slot >= this.counts.length) this.grow(slot + 1);
    const c = this.counts[slot] as number;
    const w = this.width;
    const o = (slot * w + c) * 2;
    this.tv[o] = t;
    this.tv[o + 1] = v;
    if (c + 1 < w) this.counts[slot] = c + 1;
    else {
      this.counts[slot] = 0;
      this.sink.appendRun(slot, this.tv, slot * w * 2, w);
    }
  }

  /** Hands every held sample to the sink, slot after slot. */
  flush(): void {
    const { counts, tv, width } = this;
    for (let slot = 0; slot < counts.length; slot++) {
      const c = counts[slot] as number;
      if (c === 0) continue;
      counts[slot] = 0;
      this.sink.appendRun(slot, tv, slot * width * 2, c);
    }
  }

  private grow(min: number): void {
    let cap = Math.max(1024, this.counts.length * 2);
    while (cap < min) cap *= 2;
    const width = Math.max(1, Math.min(MAX_RUN, Math.floor(this.budgetBytes / (cap * 16))));
    if (width !== this.width) {
      // The layout changes with the width: hand over what is held, then start empty.
      this.flush();
      this.width = width;
      this.tv = new Float64Array(cap * width * 2);
      this.counts = new Uint8Array(cap);
      return;
    }
    this.tv = grownArray(this.tv, cap * width * 2);
    this.counts = grownArray(this.counts, cap);
  }
}
