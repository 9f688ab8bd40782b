import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { readSegment, WalCorruptionError } from './wal-reader.js';
import { listSegments, segmentName, WAL_PAGE_SIZE } from './wal-segments.js';
import { WalWriter } from './wal-writer.js';

function readAllRecords(dir: string, pagesPerRead?: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const s of listSegments(dir)) readSegment(dir, s, (rec) => out.push(Uint8Array.from(rec)), pagesPerRead);
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
        // Read a page or two at a time, records span reads.
        assert.deepEqual(readAllRecords(dir, 1), commits.flat());
        assert.deepEqual(readAllRecords(dir, 2), commits.flat());
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

test('a corrupt byte anywhere is reported at the same record offset whatever the pages read at a time', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-wal-'));
  try {
    const w = new WalWriter(dir, 0, { compress: false });
    for (let i = 0; i < 40; i++) w.log([new Uint8Array(1000 + i * 517).fill(i + 1)]);
    w.close();
    const file = join(dir, segmentName(0));
    const good = readFileSync(file);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: good.length - 1 }), (at) => {
        const bad = Buffer.from(good);
        bad[at] = (bad[at] as number) ^ 0x5a;
        writeFileSync(file, bad);
        const failure = (pagesPerRead?: number): [number, number] => {
          let records = 0;
          try {
            readSegment(dir, 0, () => records++, pagesPerRead);
          } catch (err) {
            assert.ok(err instanceof WalCorruptionError);
            return [records, err.offset];
          }
          return [records, -1];
        };
        const whole = failure();
        assert.deepEqual(failure(1), whole);
        assert.deepEqual(failure(3), whole);
      }),
      { numRuns: 30 },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
