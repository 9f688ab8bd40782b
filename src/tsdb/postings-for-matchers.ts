// Selects series IDs of an index with label matchers, via postings lists (all four matcher types).
//
// A matcher that does not match '' selects the union of the postings of the values it matches (intersected
// with the rest). A matcher that matches '' also selects series without the label, so it is applied as a
// subtraction of the values it does not match. With only such matchers, the start is all series.

import type { Matcher } from '../model/matcher.js';
import type { IndexReader } from './index-reader.js';
import { intersectPostings, mergePostings, subtractPostings } from './postings.js';

export function postingsForMatchers(index: IndexReader, matchers: readonly Matcher[]): Uint32Array {
  let positive: Uint32Array | undefined;
  const negatives: Uint32Array[] = [];
  for (const m of matchers) {
    if (!m.matchesEmpty()) {
      const p = m.type === '=' ? index.postings(m.name, m.value) : mergePostings(index.postingsForValues(m.name, (v) => m.matches(v)));
      positive = positive === undefined ? p : intersectPostings(positive, p);
      if (positive.length === 0) return positive;
    } else {
      // Series whose value of the label does not match are removed; series without the label stay.
      const p = mergePostings(index.postingsForValues(m.name, (v) => !m.matches(v)));
      if (p.length > 0) negatives.push(p);
    }
  }
  let result = positive ?? index.allPostings();
  for (const n of negatives) result = subtractPostings(result, n);
  return result;
}
