// Buffers that scrape bodies are read into, lent per scrape and reused.

/**
 * A new buffer per body was, at 100k series, most of the memory the process allocated outside the JS heap, and V8
 * counts that towards starting its next full GC. Only as many buffers exist as scrapes were reading at once (a few,
 * however many targets), each as large as the largest body it held.
 */
export class BodyBuffers {
  private static readonly KEEP = 8;
  private readonly free: Buffer[] = [];

  take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafeSlow(64 * 1024);
  }

  give(buf: Buffer): void {
    if (this.free.length < BodyBuffers.KEEP) this.free.push(buf);
  }

  /** A buffer holding `buf[0, used)` with room for at least `need` bytes (`buf` itself when it has the room). */
  static grow(buf: Buffer, used: number, need: number): Buffer {
    if (need <= buf.length) return buf;
    const grown = Buffer.allocUnsafeSlow(Math.max(buf.length * 2, need));
    buf.copy(grown, 0, 0, used);
    return grown;
  }
}

/** The one pool of body buffers all scrapes share. */
export const bodyBuffers = new BodyBuffers();
