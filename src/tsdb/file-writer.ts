// A buffered, position-tracking file writer for block files (index, chunk segments); fsyncs on close.

import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';

/** Appends bytes to a new file through a 1 MiB buffer. `pos` is the file offset of the next byte. */
export class FileWriter {
  readonly path: string;
  private fd: number;
  private buf = Buffer.allocUnsafe(1 << 20);
  private used = 0;
  pos = 0;

  /** Creates (or truncates) `path`. */
  constructor(path: string) {
    this.path = path;
    this.fd = openSync(path, 'w');
  }

  write(b: Uint8Array): void {
    if (this.used + b.length > this.buf.length) this.flush();
    if (b.length > this.buf.length) {
      writeSync(this.fd, b);
    } else {
      this.buf.set(b, this.used);
      this.used += b.length;
    }
    this.pos += b.length;
  }

  /** Zero bytes up to the next multiple of `align`. */
  padTo(align: number): void {
    const rem = this.pos % align;
    if (rem !== 0) this.write(new Uint8Array(align - rem));
  }

  flush(): void {
    if (this.used > 0) {
      writeSync(this.fd, this.buf, 0, this.used);
      this.used = 0;
    }
  }

  /** Flushes, fsyncs and closes. */
  close(): void {
    this.flush();
    fsyncSync(this.fd);
    closeSync(this.fd);
  }

  /** Closes without syncing (after a failure; the file is going to be removed). */
  abandon(): void {
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
  }
}
