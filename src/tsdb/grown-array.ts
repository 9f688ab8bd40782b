// Growing the head's per-series and per-chunk typed arrays: a larger array of the same type with the old values.

type GrowableArray = Float64Array | Int32Array | Uint32Array | Uint8Array;

/** A copy of `a` with `length` elements; the new elements are `fill` (0 when not given). */
export function grownArray<T extends GrowableArray>(a: T, length: number, fill?: number): T {
  const next = new (a.constructor as new (n: number) => T)(length);
  next.set(a);
  if (fill !== undefined) next.fill(fill, a.length);
  return next;
}
