import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { readSegment } from './wal-reader.js';
import { listSegments, segmentName, WAL_PAGE_SIZE } from './wal-segments.js';
import { WalWriter } from './wal-writer.js';

function readAllRecords(dir: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const s of listSegments(dir)) readSegment(dir, s, (rec) => out.push(Uint8Array.from(rec)));
  return out;
}

test('records of any size come back intact across pages and segments, compressed or not', () => {
  const record = fc.oneof(
    fc.uint8Array({ minLength: 1, maxLength: 200 }),
    fc.integer({ min: 1, max: 100_000 }).map((n) => {
      const b = new Uint8Array(n);
      for (let i = 0; i < n; i++) b[i] = (i * 31) % 7 === 0 ? i & 0xff : 3;
      return b;
    }),
  );
  fc.assert(
    fc.property(fc.array(fc.array(record, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 12 }), fc.boolean(), (commits, compress) => {
      const dir = mkdtempSync(join(tmpdir(), 'vigil-wal-'));
      try {
        const w = new WalWriter(dir, 0, { segmentSize: 2 * WAL_PAGE_SIZE, compress });
        for (const c of commits) w.log(c);
        w.close();
        assert.deepEqual(readAllRecords(dir), commits.flat());
        const segs = listSegments(dir);
        // Every finished segment is padded to whole pages; numbering is contiguous from 0.
        assert.deepEqual(segs, segs.map((_, i) => i));
        for (const s of segs) assert.equal(statSync(join(dir, segmentName(s))).size % WAL_PAGE_SIZE, 0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }),
    { numRuns: 40 },
  );
});

test('a page with exactly 7 bytes left gets an empty first fragment, as Prometheus writes it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-wal-'));
  try {
    const w = new WalWriter(dir, 0, { compress: false });
    // One full fragment of 32768 - 7 - 7 data bytes leaves exactly 7 bytes in the page.
    const first = new Uint8Array(WAL_PAGE_SIZE - 14).fill(1);
    const second = Uint8Array.from([2, 3, 4]);
    w.log([first, second]);
    w.close();
    const b = readFileSync(join(dir, segmentName(0)));
    assert.equal(b[0], 1); // full
    const at = WAL_PAGE_SIZE - 7;
    assert.deepEqual([...b.subarray(at, at + 3)], [2, 0, 0]); // first, length 0
    assert.deepEqual([...b.subarray(WAL_PAGE_SIZE, WAL_PAGE_SIZE + 3)], [4, 0, 3]); // last, length 3
    assert.deepEqual(readAllRecords(dir), [first, second]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
