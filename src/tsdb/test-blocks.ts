// Helpers for tests of blocks: build series from sample lists, read a querier back into plain data.

import { Labels } from '../model/labels.js';
import type { Matcher } from '../model/matcher.js';
import type { Querier } from '../storage/queryable.js';
import type { SeriesData } from './block.js';
import { ChunkBuilder } from './chunk-builder.js';

/** A series whose samples are `(t0 + i*step, value(i))` for i < n, cut into 120-sample chunks. */
export function regularSeries(labels: Record<string, string>, t0: number, step: number, n: number, value: (i: number) => number): SeriesData {
  const b = new ChunkBuilder();
  for (let i = 0; i < n; i++) b.append(t0 + i * step, value(i));
  return { labels: Labels.from(labels), chunks: b.finish() };
}

/** Every series and sample a select returns, as `labels → [t, v][]` in order. Throws the set's error. */
export function collect(q: Querier, matchers: readonly Matcher[]): Map<string, [number, number][]> {
  const out = new Map<string, [number, number][]>();
  const ss = q.select(matchers);
  while (ss.next()) {
    const s = ss.at();
    const it = s.iterator();
    const samples: [number, number][] = [];
    while (it.next()) samples.push([it.atT(), it.atV()]);
    const e = it.err();
    if (e !== undefined) throw e;
    out.set(s.labels.toString(), samples);
  }
  const e = ss.err();
  if (e !== undefined) throw e;
  return out;
}
