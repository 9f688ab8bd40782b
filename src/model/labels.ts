// Label sets: immutable, sorted by name, with Prometheus's ordering, hashing and text form.

import { goQuote } from './go-quote.js';

export interface Label {
  readonly name: string;
  readonly value: string;
}

export const METRIC_NAME = '__name__';

/**
 * An immutable set of labels sorted by name, with no empty values and no duplicate names.
 * Stored as one flat array `[name0, value0, name1, value1, ...]` so a set is two objects, not one per label.
 */
export class Labels {
  static readonly EMPTY = new Labels([]);

  /** @internal Flat, sorted `[name, value, ...]`; callers must not mutate it. */
  readonly flat: readonly string[];
  private hashCache = -1;

  private constructor(flat: readonly string[]) {
    this.flat = flat;
  }

  /** From name/value pairs in any order. Empty values are dropped; on a duplicate name the last wins. */
  static from(pairs: Iterable<readonly [string, string]> | Record<string, string>): Labels {
    const entries = Symbol.iterator in pairs ? [...(pairs as Iterable<readonly [string, string]>)] : Object.entries(pairs);
    const map = new Map<string, string>();
    for (const [n, v] of entries) map.set(n, v);
    return Labels.fromMap(map);
  }

  /** From a flat `[name, value, ...]` array already sorted by name, without empty values or duplicates. Not copied. */
  static fromSortedFlat(flat: readonly string[]): Labels {
    return flat.length === 0 ? Labels.EMPTY : new Labels(flat);
  }

  private static fromMap(map: Map<string, string>): Labels {
    const names = [...map.keys()].filter((n) => map.get(n) !== '').sort(compareStrings);
    const flat: string[] = [];
    for (const n of names) flat.push(n, map.get(n) as string);
    return Labels.fromSortedFlat(flat);
  }

  get size(): number {
    return this.flat.length >> 1;
  }

  get(name: string): string {
    const f = this.flat;
    for (let i = 0; i < f.length; i += 2) {
      if (f[i] === name) return f[i + 1] as string;
    }
    return '';
  }

  has(name: string): boolean {
    const f = this.flat;
    for (let i = 0; i < f.length; i += 2) if (f[i] === name) return true;
    return false;
  }

  /** The metric name (`__name__`), or '' when absent. */
  get metricName(): string {
    return this.get(METRIC_NAME);
  }

  *[Symbol.iterator](): IterableIterator<Label> {
    const f = this.flat;
    for (let i = 0; i < f.length; i += 2) yield { name: f[i] as string, value: f[i + 1] as string };
  }

  forEach(fn: (name: string, value: string) => void): void {
    const f = this.flat;
    for (let i = 0; i < f.length; i += 2) fn(f[i] as string, f[i + 1] as string);
  }

  names(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.flat.length; i += 2) out.push(this.flat[i] as string);
    return out;
  }

  toObject(): Record<string, string> {
    const o: Record<string, string> = {};
    this.forEach((n, v) => {
      o[n] = v;
    });
    return o;
  }

  /** A 53-bit hash of names and values; equal sets hash equal. Not Prometheus's xxhash (never persisted). */
  hash(): number {
    if (this.hashCache < 0) this.hashCache = hashStrings(this.flat);
    return this.hashCache;
  }

  equals(other: Labels): boolean {
    if (this === other) return true;
    const a = this.flat;
    const b = other.flat;
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  /** A copy with `name` set to `value` (or removed when `value` is ''). */
  with(name: string, value: string): Labels {
    return new LabelsBuilder(this).set(name, value).labels();
  }

  /** A copy without the given names. */
  without(...names: string[]): Labels {
    const b = new LabelsBuilder(this);
    for (const n of names) b.del(n);
    return b.labels();
  }

  /** Prometheus's text form: `name{a="1", b="2"}`; the name is left out of the braces. */
  toString(): string {
    const parts: string[] = [];
    let name = '';
    this.forEach((n, v) => {
      if (n === METRIC_NAME) name = v;
      else parts.push(`${n}=${quoteLabelValue(v)}`);
    });
    return parts.length === 0 && name !== '' ? name : `${name}{${parts.join(', ')}}`;
  }
}

/** Prometheus's ordering of label sets: pairwise by name then value, shorter first on a common prefix. */
export function compareLabels(a: Labels, b: Labels): number {
  const x = a.flat;
  const y = b.flat;
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    if (x[i] !== y[i]) return compareStrings(x[i] as string, y[i] as string);
  }
  return x.length - y.length;
}

/** Byte-wise (UTF-8 order) string comparison, as Go compares strings. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca !== cb) {
      // Surrogates (U+D800..U+DFFF) encode code points above U+FFFF, which sort after U+E000..U+FFFF in UTF-8.
      const sa = ca >= 0xd800 && ca <= 0xdfff;
      const sb = cb >= 0xd800 && cb <= 0xdfff;
      if (sa !== sb) return sa ? 1 : -1;
      return ca - cb;
    }
  }
  return a.length - b.length;
}

/** Quotes a label value as Prometheus prints it (Labels.String): Go's strconv.Quote. */
export function quoteLabelValue(v: string): string {
  return goQuote(v);
}

/** Builds a label set by setting and deleting names on top of a base set. */
export class LabelsBuilder {
  private base: Labels;
  private readonly changes = new Map<string, string>();

  constructor(base: Labels = Labels.EMPTY) {
    this.base = base;
  }

  reset(base: Labels): this {
    this.base = base;
    this.changes.clear();
    return this;
  }

  get(name: string): string {
    const v = this.changes.get(name);
    return v === undefined ? this.base.get(name) : v;
  }

  /** Sets `name`; an empty value deletes it. */
  set(name: string, value: string): this {
    this.changes.set(name, value);
    return this;
  }

  del(name: string): this {
    this.changes.set(name, '');
    return this;
  }

  /** Keeps only the given names. */
  keep(names: Iterable<string>): this {
    const keep = new Set(names);
    const cur = this.labels();
    cur.forEach((n) => {
      if (!keep.has(n)) this.changes.set(n, '');
    });
    return this;
  }

  labels(): Labels {
    if (this.changes.size === 0) return this.base;
    const map = new Map<string, string>();
    this.base.forEach((n, v) => map.set(n, v));
    for (const [n, v] of this.changes) map.set(n, v);
    return Labels.from(map);
  }
}

/** cyrb53-style hash over a list of strings, separated so that ["ab","c"] and ["a","bc"] differ. */
export function hashStrings(strings: readonly string[]): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (const s of strings) {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
    h1 = Math.imul(h1 ^ 0xff, 2654435761);
    h2 = Math.imul(h2 ^ 0xff, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
