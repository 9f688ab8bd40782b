// Where head chunk bytes live: growing open chunks in size-class slabs, closed chunks packed into arenas.

/** Size classes for open chunks: 64 bytes, then steps of 1/4 of each power of two, so a slot is at most 25% slack. */
const CLASS_SIZES: number[] = [64];
for (let base = 64; base < 8192; base *= 2) for (let q = 5; q <= 8; q++) CLASS_SIZES.push((base * q) / 4);
export const SLAB_CLASSES = CLASS_SIZES.length;
/** Small slabs, so that a slab empties (and is given back) soon after the chunks in it are cut or moved. */
const SLAB_BYTES = 1 << 16;
const CLASS_SHIFT = 24;
const SLOT_MASK = (1 << CLASS_SHIFT) - 1;
/** Slots per slab as a power of two (so a handle splits into slab and index by shifting): log2 of it per class. */
const SLAB_SHIFT = CLASS_SIZES.map((size) => 31 - Math.clz32(Math.floor(SLAB_BYTES / size)));

export function classSize(cls: number): number {
  return CLASS_SIZES[cls] as number;
}

/** The slabs of one size class. Slab `s` owns slots `s << shift` to `((s + 1) << shift) - 1`. */
class SizeClass {
  readonly bufs: (Uint8Array | undefined)[] = [];
  /** Released slot indexes (within the slab) per slab, a stack of `nFree[s]`; created on the first release. */
  readonly freeStack: (Uint16Array | undefined)[] = [];
  readonly nFree: number[] = [];
  /** Slots never handed out start here. */
  readonly bump: number[] = [];
  readonly live: number[] = [];
  /** Slabs that may have a free slot (checked on use); `listed[s]` says whether `s` is in it. */
  readonly avail: number[] = [];
  readonly listed: boolean[] = [];
  /** Indexes of given-back slabs, reused before new ones. */
  readonly spare: number[] = [];

  readonly perSlab: number;
  readonly mask: number;

  constructor(
    readonly size: number,
    readonly shift: number,
  ) {
    this.perSlab = 1 << shift;
    this.mask = this.perSlab - 1;
  }
}

/**
 * Fixed-size slots carved from slabs of at most 64 KiB, one set of slabs per size class. A handle is `(class << 24) | slot`.
 * Released slots are zeroed, so the XOR writer (which ORs bits in) always starts on zero bytes. A slab whose last
 * slot is released is given back at once: open chunks of many series tend to grow and be cut in step, so a class can
 * go from full to empty. Readers never keep a slab's buffer (they copy open chunks), so dropping it is safe.
 */
export class SlabAllocator {
  private readonly classes: SizeClass[] = CLASS_SIZES.map((size, c) => new SizeClass(size, SLAB_SHIFT[c] as number));
  /** Bytes held in slabs. */
  allocatedBytes = 0;

  alloc(cls: number): number {
    const c = this.classes[cls] as SizeClass;
    const per = c.perSlab;
    let s = -1;
    while (c.avail.length > 0) {
      const top = c.avail[c.avail.length - 1] as number;
      if (c.bufs[top] !== undefined && ((c.nFree[top] as number) > 0 || (c.bump[top] as number) < per)) {
        s = top;
        break;
      }
      c.avail.pop();
      c.listed[top] = false;
    }
    if (s < 0) {
      s = c.spare.pop() ?? c.bufs.length;
      if ((s + 1) * per - 1 > SLOT_MASK) throw new RangeError('chunk slab allocator exhausted');
      c.bufs[s] = new Uint8Array(per * c.size);
      c.freeStack[s] = undefined;
      c.nFree[s] = 0;
      c.bump[s] = 0;
      c.live[s] = 0;
      this.allocatedBytes += per * c.size;
      if (c.listed[s] !== true) {
        c.avail.push(s);
        c.listed[s] = true;
      }
    }
    let idx: number;
    const nf = c.nFree[s] as number;
    if (nf > 0) {
      idx = (c.freeStack[s] as Uint16Array)[nf - 1] as number;
      c.nFree[s] = nf - 1;
    } else {
      idx = c.bump[s] as number;
      c.bump[s] = idx + 1;
    }
    c.live[s] = (c.live[s] as number) + 1;
    return (cls << CLASS_SHIFT) | (s << c.shift) | idx;
  }

  release(handle: number): void {
    const c = this.classes[handle >>> CLASS_SHIFT] as SizeClass;
    const slot = handle & SLOT_MASK;
    const s = slot >>> c.shift;
    const idx = slot & c.mask;
    const live = (c.live[s] as number) - 1;
    c.live[s] = live;
    if (live === 0) {
      c.bufs[s] = undefined;
      c.freeStack[s] = undefined;
      c.spare.push(s);
      this.allocatedBytes -= c.perSlab * c.size;
      return;
    }
    (c.bufs[s] as Uint8Array).fill(0, idx * c.size, (idx + 1) * c.size);
    let stack = c.freeStack[s];
    if (stack === undefined) c.freeStack[s] = stack = new Uint16Array(c.perSlab);
    const nf = c.nFree[s] as number;
    stack[nf] = idx;
    c.nFree[s] = nf + 1;
    if (c.listed[s] !== true) {
      c.avail.push(s);
      c.listed[s] = true;
    }
  }

  buffer(handle: number): Uint8Array {
    const c = this.classes[handle >>> CLASS_SHIFT] as SizeClass;
    return c.bufs[(handle & SLOT_MASK) >>> c.shift] as Uint8Array;
  }

  offset(handle: number): number {
    const c = this.classes[handle >>> CLASS_SHIFT] as SizeClass;
    return (handle & c.mask) * c.size;
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

  /** Arena `a` and its live bytes, for `adopt` elsewhere (the arena set that gives them away must not be used after). */
  arenaOf(a: number): { buffer: Uint8Array; live: number } {
    return { buffer: this.arenas[a] as Uint8Array, live: this.live[a] as number };
  }

  get arenaCount(): number {
    return this.arenas.length;
  }

  /** Takes in another arena set's arena holding `live` bytes of chunks; returns its index here (handles: index · 2^24 + offset). */
  adopt(buffer: Uint8Array, live: number): number {
    if (buffer.length !== ARENA_BYTES) throw new RangeError(`an arena of ${buffer.length} bytes cannot be adopted`);
    const a = this.arenas.length;
    this.arenas.push(buffer);
    if (a >= this.live.length) {
      const grown = new Int32Array(Math.max(this.live.length * 2, a + 1));
      grown.set(this.live);
      this.live = grown;
    }
    this.live[a] = live;
    this.allocatedBytes += ARENA_BYTES;
    return a;
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
