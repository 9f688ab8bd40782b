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
 * Applies the server's GC tuning unless node was started with its own `--heap-growing-percent`; returns whether it
 * did. V8 reads the flag at every full GC, so setting it at run time takes effect (checked with --trace-gc-verbose:
 * `[HeapController] Limit: ... (2.5)`).
 */
export function tuneServerGc(execArgv: readonly string[] = process.execArgv): boolean {
  if (execArgv.some((a) => /^--heap[-_]growing[-_]percent(=|$)/.test(a))) return false;
  setFlagsFromString(`--heap-growing-percent=${SERVER_HEAP_GROWING_PERCENT}`);
  return true;
}
