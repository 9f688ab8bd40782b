// The head's inverted index: label pair → sorted series refs (set operations on them: postings.ts).

/**
 * A growable list of refs, sorted whenever it is read. Appends write past the last view; refs that arrive out of
 * order (WAL replay of series created by many scrape loops) are appended too and the list is marked unsorted, then
 * sorted and de-duplicated once on the next `view()`. A view handed out is never changed afterwards: sorting sorts
 * in place only the part no view covers, and copies otherwise; deletions copy.
 */
class RefList {
  refs: Uint32Array = new Uint32Array(4);
  n = 0;
  /** Length of the sorted, duplicate-free prefix. */
  private sortedN = 0;
  /** Length of the longest view handed out of the current `refs`; that prefix must not change. */
  private shared = 0;

  push(ref: number): void {
    if (this.n === this.refs.length) this.grow();
    if (this.sortedN === this.n && (this.n === 0 || (this.refs[this.n - 1] as number) < ref)) this.sortedN = this.n + 1;
    this.refs[this.n++] = ref;
  }

  private grow(): void {
    const g = new Uint32Array(this.refs.length * 2);
    g.set(this.refs.subarray(0, this.n));
    this.refs = g;
    this.shared = 0;
  }

  /** Sorts and de-duplicates the list, in place when no view covers what moves. */
  private normalize(): void {
    const n = this.n;
    let refs = this.refs;
    // Appends after the sorted prefix usually continue it; only the refs past the first out-of-order one move.
    let from = this.sortedN;
    if (from > 0) from = lowerBound(refs.subarray(0, from), refs.subarray(from, n).reduce((m, r) => (r < m ? r : m), 0xffffffff));
    if (from < this.shared) {
      refs = new Uint32Array(this.refs.length);
      refs.set(this.refs.subarray(0, n));
      this.refs = refs;
      this.shared = 0;
    }
    refs.subarray(from, n).sort();
    let w = from;
    for (let i = from; i < n; i++) {
      const r = refs[i] as number;
      if (w === 0 || (refs[w - 1] as number) !== r) refs[w++] = r;
    }
    this.n = w;
    this.sortedN = w;
  }

  view(): Uint32Array {
    if (this.sortedN !== this.n) this.normalize();
    if (this.n > this.shared) this.shared = this.n;
    return this.refs.subarray(0, this.n);
  }

  /** Keeps only refs for which `keep` is true; returns the new length. Copies, so earlier views are untouched. */
  filter(keep: (ref: number) => boolean): number {
    if (this.sortedN !== this.n) this.normalize();
    const next = new Uint32Array(Math.max(4, this.refs.length));
    let k = 0;
    for (let i = 0; i < this.n; i++) {
      const r = this.refs[i] as number;
      if (keep(r)) next[k++] = r;
    }
    this.refs = next;
    this.n = k;
    this.sortedN = k;
    this.shared = 0;
    return k;
  }
}

function lowerBound(a: Uint32Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const EMPTY = new Uint32Array(0);

export class MemPostings {
  private readonly byName = new Map<string, Map<string, RefList>>();
  private readonly all = new RefList();

  /** Indexes series `ref` under each of its label pairs (flat `[name, value, ...]`). */
  add(ref: number, flat: readonly string[]): void {
    for (let i = 0; i < flat.length; i += 2) {
      const name = flat[i] as string;
      let values = this.byName.get(name);
      if (values === undefined) this.byName.set(name, (values = new Map()));
      const value = flat[i + 1] as string;
      let list = values.get(value);
      if (list === undefined) values.set(value, (list = new RefList()));
      list.push(ref);
    }
    this.all.push(ref);
  }

  /** Removes the refs for which `isDeleted` is true from the lists of the given label sets. */
  delete(labelSets: Iterable<readonly string[]>, isDeleted: (ref: number) => boolean): void {
    const keep = (r: number): boolean => !isDeleted(r);
    const seen = new Set<RefList>();
    for (const flat of labelSets) {
      for (let i = 0; i < flat.length; i += 2) {
        const values = this.byName.get(flat[i] as string);
        const list = values?.get(flat[i + 1] as string);
        if (values === undefined || list === undefined || seen.has(list)) continue;
        seen.add(list);
        if (list.filter(keep) === 0) {
          values.delete(flat[i + 1] as string);
          if (values.size === 0) this.byName.delete(flat[i] as string);
        }
      }
    }
    this.all.filter(keep);
  }

  /** Sorted refs of series with label `name` = `value` (a view; do not modify). */
  get(name: string, value: string): Uint32Array {
    return this.byName.get(name)?.get(value)?.view() ?? EMPTY;
  }

  allRefs(): Uint32Array {
    return this.all.view();
  }

  /** Label names (unsorted). */
  names(): IterableIterator<string> {
    return this.byName.keys();
  }

  /** Values of `name` (unsorted). */
  values(name: string): IterableIterator<string> {
    return (this.byName.get(name) ?? new Map<string, RefList>()).keys();
  }

  hasName(name: string): boolean {
    return this.byName.has(name);
  }
}
