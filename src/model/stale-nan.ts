// The staleness marker: a NaN with a particular bit pattern that Prometheus stores to end a series.

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** Prometheus's StaleNaN bits: 0x7ff0000000000002. */
export const STALE_NAN_HI = 0x7ff00000;
export const STALE_NAN_LO = 0x00000002;

/**
 * The staleness marker as a JS number. V8 keeps NaN payloads when numbers move through typed arrays and
 * plain variables, but arithmetic on a NaN may return a canonical NaN: compare with `isStaleNaN`, never `===`.
 */
export const STALE_NAN: number = (() => {
  u32[0] = STALE_NAN_LO;
  u32[1] = STALE_NAN_HI;
  return f64[0] as number;
})();

/** True when `v` has exactly the staleness marker's bits. */
export function isStaleNaN(v: number): boolean {
  if (v === v) return false;
  f64[0] = v;
  return u32[0] === STALE_NAN_LO && u32[1] === STALE_NAN_HI;
}
