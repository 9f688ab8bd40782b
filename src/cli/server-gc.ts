// V8 garbage-collector tuning for the long-running server: how far the old generation may grow between full GCs.

import { setFlagsFromString } from 'node:v8';

/**
 * Heap growth allowed after a full GC, in percent of the live heap (V8's `--heap-growing-percent`).
 *
 * Why: V8 picks the growth from how fast the program allocates compared with how fast the GC marks. A scraping
 * server allocates little per second but keeps a large live heap (series, labels, scrape caches), so V8 chose
 * 1.1–1.3x. V8 starts the next incremental mark once the slack left (limit minus heap minus memory allocated outside
 * the heap since the last full GC, e.g. the buffers sockets read scrape bodies into) is smaller than the young
 * generation: with V8's choice that was right after each full GC, so the whole heap was marked every ~1.5 s (at 100k
 * series over half of the process's CPU, most of it on V8's helper threads); 50% still meant every ~4 s. 150% keeps
 * full GCs tens of seconds apart. The heap itself only grows as fast as objects are promoted, so resident memory
 * stays about the same (measured at 100k series: 220–255 MB either way).
 */
export const SERVER_HEAP_GROWING_PERCENT = 150;

/**
 * After a full GC V8's memory reducer runs more full GCs (8 s later, and again while it finds garbage) to shrink the
 * heap. With the server's large and steady live heap the second and third free almost nothing (measured at 100k
 * series: 72 -> 58 MB, then 59 -> 58 MB, 59 -> 58 MB) but each costs a full mark and deoptimises code that then
 * has to be compiled again. One is enough: `--memory-reducer-single-gc` (read at every reducer step, so it can be set
 * at run time).
 */
export const SERVER_GC_FLAGS: readonly string[] = [`--heap-growing-percent=${SERVER_HEAP_GROWING_PERCENT}`, '--memory-reducer-single-gc'];

/** `--no-foo_bar=1` and `--foo-bar` name the same V8 flag: `foo-bar`. */
function flagName(arg: string): string {
  return arg.replace(/^--(no-)?/, '').replace(/=.*$/, '').replaceAll('_', '-');
}

/**
 * Applies the server's GC tuning, each flag unless node was started with its own setting of it; returns the flags it
 * applied. V8 reads these flags while running, so setting them at run time takes effect (checked with
 * --trace-gc-verbose: `[HeapController] Limit: ... (2.5)`, and --trace-gc: one `(reduce)` GC after each full GC).
 */
export function tuneServerGc(execArgv: readonly string[] = process.execArgv): string[] {
  const given = new Set(execArgv.filter((a) => a.startsWith('--')).map(flagName));
  const applied = SERVER_GC_FLAGS.filter((f) => !given.has(flagName(f)));
  for (const f of applied) setFlagsFromString(f);
  return applied;
}
