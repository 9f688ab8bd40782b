// Where head chunk bytes live: growing open chunks in size-class slabs, closed chunks packed into arenas.

/** Size classes for open chunks, growing by about 1.5× so a chunk wastes at most a third of its slot. */
const CLASS_SIZES = [64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096, 6144, 8192];
export const SLAB_CLASSES = CLASS_SIZES.length;
const SLAB_BYTES = 1 << 20;
const CLASS_SHIFT = 24;
const SLOT_MASK = (1 << CLASS_SHIFT) - 1;
const PER_SLAB = CLASS_SIZES.map((size) => Math.floor(SLAB_BYTES / size));

export function classSize(cls: number): number {
  return CLASS_SIZES[cls] as number;
}

/**
 * Fixed-size slots carved from 1 MiB slabs, one free list per size class. A handle is `(class << 24) | slot`.
 * Released slots are zeroed, so the XOR writer (which ORs bits in) always starts on zero bytes.
 */
export class SlabAllocator {
  private readonly slabs: Uint8Array[][] = [];
  private readonly free: Int32Array[] = [];
  private readonly freeLen: number[] = [];
  private readonly next: number[] = [];
  /** Bytes held in slabs. */
  allocatedBytes = 0;

  constructor() {
    for (let c = 0; c < SLAB_CLASSES; c++) {
      this.slabs.push([]);
      this.free.push(new Int32Array(64));
      this.freeLen.push(0);
      this.next.push(0);
    }
  }

  alloc(cls: number): number {
    const fl = this.freeLen[cls] as number;
    if (fl > 0) {
      this.freeLen[cls] = fl - 1;
      return (cls << CLASS_SHIFT) | ((this.free[cls] as Int32Array)[fl - 1] as number);
    }
    const slot = this.next[cls] as number;
    const perSlab = PER_SLAB[cls] as number;
    if (slot % perSlab === 0) {
      (this.slabs[cls] as Uint8Array[]).push(new Uint8Array(perSlab * classSize(cls)));
      this.allocatedBytes += perSlab * classSize(cls);
    }
    if (slot > SLOT_MASK) throw new RangeError('chunk slab allocator exhausted');
    this.next[cls] = slot + 1;
    return (cls << CLASS_SHIFT) | slot;
  }

  release(handle: number): void {
    const cls = handle >>> CLASS_SHIFT;
    const slot = handle & SLOT_MASK;
    const size = classSize(cls);
    const off = (slot % (PER_SLAB[cls] as number)) * size;
    this.buffer(handle).fill(0, off, off + size);
    let fl = this.free[cls] as Int32Array;
    const n = this.freeLen[cls] as number;
    if (n === fl.length) {
      const grown = new Int32Array(fl.length * 2);
      grown.set(fl);
      this.free[cls] = fl = grown;
    }
    fl[n] = slot;
    this.freeLen[cls] = n + 1;
  }

  buffer(handle: number): Uint8Array {
    const cls = handle >>> CLASS_SHIFT;
    return (this.slabs[cls] as Uint8Array[])[Math.floor((handle & SLOT_MASK) / (PER_SLAB[cls] as number))] as Uint8Array;
  }

  offset(handle: number): number {
    const cls = handle >>> CLASS_SHIFT;
    return ((handle & SLOT_MASK) % (PER_SLAB[cls] as number)) * classSize(cls);
  }

  static classOf(handle: number): number {
    return handle >>> CLASS_SHIFT;
  }
}

const ARENA_BYTES = 1 << 20;

/**
 * Closed (immutable) chunks packed back to back into 1 MiB arenas. An arena is dropped once every chunk in it is
 * released; readers that still hold its buffer keep it alive (arenas are never reused, so held bytes never change).
 * A handle is `arena * 2^24 + offset`.
 */
export class ChunkArena {
  private readonly arenas: (Uint8Array | undefined)[] = [];
  private live: Int32Array = new Int32Array(16);
  private cur = -1;
  private pos = ARENA_BYTES;
  allocatedBytes = 0;

  /** Copies `src[start, start+len)` into an arena; returns its handle. */
  put(src: Uint8Array, start: number, len: number): number {
    if (len > ARENA_BYTES) throw new RangeError(`chunk of ${len} bytes exceeds the arena size`);
    if (this.pos + len > ARENA_BYTES) {
      if (this.cur >= 0 && this.live[this.cur] === 0) this.drop(this.cur);
      this.cur = this.arenas.length;
      this.arenas.push(new Uint8Array(ARENA_BYTES));
      this.allocatedBytes += ARENA_BYTES;
      if (this.cur >= this.live.length) {
        const grown = new Int32Array(this.live.length * 2);
        grown.set(this.live);
        this.live = grown;
      }
      this.pos = 0;
    }
    const arena = this.arenas[this.cur] as Uint8Array;
    arena.set(src.subarray(start, start + len), this.pos);
    const handle = this.cur * 16777216 + this.pos;
    this.pos += len;
    this.live[this.cur] = (this.live[this.cur] as number) + len;
    return handle;
  }

  buffer(handle: number): Uint8Array {
    return this.arenas[Math.floor(handle / 16777216)] as Uint8Array;
  }

  offset(handle: number): number {
    return handle % 16777216;
  }

  release(handle: number, len: number): void {
    const a = Math.floor(handle / 16777216);
    const left = (this.live[a] as number) - len;
    this.live[a] = left;
    if (left === 0 && a !== this.cur) this.drop(a);
  }

  private drop(a: number): void {
    if (this.arenas[a] !== undefined) {
      this.arenas[a] = undefined;
      this.allocatedBytes -= ARENA_BYTES;
    }
  }
}
