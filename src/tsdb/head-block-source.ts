// What head compaction hands the block writer: the head's series and chunks within one block range.

import type { BlockInput, ChunkData, SeriesData } from './block.js';
import { DeletedFilterIterator } from './deleted-filter-iterator.js';
import type { ChunkSnapshot, Head } from './head.js';
import { XorAppender, XorIterator } from './xor-chunk.js';

/**
 * The series of `head` with samples in [mint, maxt) (maxt exclusive, as block ranges are). Chunks that lie inside
 * the range are passed as they are; a chunk reaching across a boundary is re-encoded with just its samples inside.
 */
export function headBlockInput(head: Head, mint: number, maxt: number): BlockInput {
  return { mint, maxt, series: headSeries(head, mint, maxt - 1) };
}

function* headSeries(head: Head, lo: number, hi: number): IterableIterator<SeriesData> {
  const it = new XorIterator();
  for (const ref of head.refs()) {
    const labels = head.labelsOf(ref);
    if (labels === undefined || !head.visible(ref)) continue;
    if (head.maxTimeOf(ref) < lo || head.minTimeOf(ref) > hi) continue;
    const snap: ChunkSnapshot = { n: 0, bufs: [], starts: [], ends: [], minTs: [], maxTs: [] };
    head.snapshotChunks(head.slotOf(ref), lo, hi, snap);
    const chunks: ChunkData[] = [];
    const stones = head.tombstones.get(ref);
    for (let c = 0; c < snap.n; c++) {
      const buf = snap.bufs[c] as Uint8Array;
      const start = snap.starts[c] as number;
      const end = snap.ends[c] as number;
      const cmin = snap.minTs[c] as number;
      const cmax = snap.maxTs[c] as number;
      const hit = stones !== undefined && overlaps(stones, cmin, cmax);
      if (cmin >= lo && cmax <= hi && !hit) {
        chunks.push({ mint: cmin, maxt: cmax, bytes: buf.subarray(start, end) });
        continue;
      }
      const app = new XorAppender();
      it.reset(buf, start, end, lo, hi);
      const src = hit ? new DeletedFilterIterator(it, stones) : it;
      let first = NaN;
      let last = NaN;
      while (src.next()) {
        if (app.numSamples === 0) first = src.atT();
        last = src.atT();
        app.append(src.atT(), src.atV());
      }
      if (app.numSamples > 0) chunks.push({ mint: first, maxt: last, bytes: app.bytes() });
    }
    if (chunks.length > 0) yield { labels, chunks };
  }
}

function overlaps(intervals: readonly number[], lo: number, hi: number): boolean {
  for (let i = 0; i < intervals.length; i += 2) if ((intervals[i] as number) <= hi && (intervals[i + 1] as number) >= lo) return true;
  return false;
}
