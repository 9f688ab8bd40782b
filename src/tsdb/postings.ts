// Sorted postings lists (series IDs as Uint32Array, ascending, no duplicates): intersect, merge, subtract.

export const EMPTY_POSTINGS = new Uint32Array(0);

/** Series IDs present in both lists. */
export function intersectPostings(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(Math.min(a.length, b.length));
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as number;
    const y = b[j] as number;
    if (x === y) {
      out[n++] = x;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return out.subarray(0, n);
}

/** Series IDs of `a` that are not in `b`. */
export function subtractPostings(a: Uint32Array, b: Uint32Array): Uint32Array {
  if (b.length === 0) return a;
  const out = new Uint32Array(a.length);
  let j = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    while (j < b.length && (b[j] as number) < x) j++;
    if (j < b.length && b[j] === x) continue;
    out[n++] = x;
  }
  return out.subarray(0, n);
}

/** The union of several lists. */
export function mergePostings(lists: readonly Uint32Array[]): Uint32Array {
  if (lists.length === 0) return EMPTY_POSTINGS;
  if (lists.length === 1) return lists[0] as Uint32Array;
  let total = 0;
  for (const l of lists) total += l.length;
  const all = new Uint32Array(total);
  let off = 0;
  for (const l of lists) {
    all.set(l, off);
    off += l.length;
  }
  all.sort();
  let n = 0;
  for (let i = 0; i < all.length; i++) {
    if (n === 0 || all[i] !== all[n - 1]) all[n++] = all[i] as number;
  }
  return all.subarray(0, n);
}
