// Cuts a stream of samples of one series into XOR chunks of at most `maxSamples` samples each.

import type { ChunkData } from './block.js';
import { XorAppender } from './xor-chunk.js';

/** Prometheus's target number of samples per chunk. */
export const SAMPLES_PER_CHUNK = 120;

export class ChunkBuilder {
  private readonly maxSamples: number;
  private app: XorAppender | undefined;
  private mint = 0;
  private maxt = 0;
  /** The finished chunks, in time order. */
  readonly chunks: ChunkData[] = [];

  constructor(maxSamples = SAMPLES_PER_CHUNK) {
    this.maxSamples = maxSamples;
  }

  /** Appends a sample; timestamps must increase. */
  append(t: number, v: number): void {
    if (this.app !== undefined && this.app.numSamples >= this.maxSamples) this.cut();
    if (this.app === undefined) {
      this.app = new XorAppender();
      this.mint = t;
    }
    this.app.append(t, v);
    this.maxt = t;
  }

  /** Closes the open chunk (if any) and returns all chunks; the builder can be reused after `reset()`. */
  finish(): ChunkData[] {
    this.cut();
    return this.chunks;
  }

  reset(): void {
    this.app = undefined;
    this.chunks.length = 0;
  }

  private cut(): void {
    if (this.app === undefined || this.app.numSamples === 0) return;
    this.chunks.push({ mint: this.mint, maxt: this.maxt, bytes: this.app.bytes() });
    this.app = undefined;
  }
}
