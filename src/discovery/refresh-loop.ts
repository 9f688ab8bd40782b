// The loop of refresh-style discoverers (http, dns): list everything, emit what changed, wait, repeat.

import type { Clock } from '../model/clock.js';

/**
 * Calls `refresh` now and then every `intervalMs` until `signal` aborts; a refresh that throws is reported
 * and the last good state stays. `wake` (optional) lets a caller trigger an early refresh.
 */
export async function runRefreshLoop(
  signal: AbortSignal,
  options: { clock: Clock; intervalMs: number; report: (err: Error) => void; refresh: (signal: AbortSignal) => Promise<void>; wake?: (trigger: () => void) => void },
): Promise<void> {
  let early: (() => void) | undefined;
  options.wake?.(() => early?.());
  while (!signal.aborted) {
    try {
      await options.refresh(signal);
    } catch (err) {
      if (signal.aborted) break;
      options.report(err instanceof Error ? err : new Error(String(err)));
    }
    if (signal.aborted) break;
    const nap = new AbortController();
    const stop = (): void => nap.abort();
    signal.addEventListener('abort', stop, { once: true });
    early = stop;
    await options.clock.sleep(options.intervalMs, nap.signal);
    early = undefined;
    signal.removeEventListener('abort', stop);
  }
}
